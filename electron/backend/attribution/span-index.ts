/**
 * Span indexes of datanet versions, one per version and tokenizer, under
 * `<dataDir>/attribution/spans/<version id>-<tokenizer hash>/` (the files of
 * engine/attribution/span-index-format.ts). Built once by a job (records read and checked against
 * the version's hashes, tokenized with the base model's tokenizer, suffixes sorted in a worker
 * thread); any model sharing the tokenizer shares the index. attributeSpans finds the spans of an
 * output (token ids of that tokenizer) that occur in the version and credits their records
 * (engine/attribution/span-credit.ts); shared/attribution/span-shares.ts turns credits into wei.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { attributeSpans, type SpanAttribution } from '../../../engine/attribution/span-credit';
import { FILES, type SpanIndexMeta } from '../../../engine/attribution/span-index-format';
import { openSpanIndex, type SpanIndex } from '../../../engine/attribution/span-index-reader';
import { SpanIndexWriter } from '../../../engine/attribution/span-index-writer';
import type { SpanQueryOptions } from '../../../engine/attribution/span-query';
import type { Tokenizer } from '../../../engine/tokenize/tokenizer';
import { Tokenizers } from './tokenizers';
import { ApiFailure, conflict, notFound } from '../../../shared/api/errors';
import type { Job } from '../../../shared/api/schemas/jobs';
import type { DatanetService } from '../datanets/service';
import type { JobControl, JobRunner } from '../jobs/runner';
import type { ModelsService } from '../models/service';
import { parseTrainingRecordId, trainingRecordId } from '../training/dataset-source';
import { frozenVersion, readVersionRecords } from '../training/version-records';
import { recordTexts } from './span-records';
import { addTextRecords } from '../../../engine/attribution/span-text';
import { TokenizePool } from '../../../engine/tokenize/tokenize-pool';

export interface SpanIndexTarget {
  /** Datanet id or name. */
  datanet: string;
  /** Version number, id, or "latest". */
  version: number | string;
  /** The base model whose tokenizer the index (and the outputs) use. */
  model: string;
}

export interface SpanIndexInfo {
  datanetId: string;
  versionId: string;
  versionNumber: number;
  /** The version's Merkle root. */
  root: string;
  model: string;
  /** sha-256 of the tokenizer's files, first 16 hex digits: names the index folder. */
  tokenizerHash: string;
  dir: string;
  /** The index's meta.json once built; null before. */
  meta: SpanIndexMeta | null;
  /** The build job running now, if any. */
  buildJob: string | null;
}

export interface VersionSpanAttribution extends Omit<SpanAttribution, 'spans' | 'records'> {
  datanetId: string;
  versionId: string;
  versionNumber: number;
  model: string;
  spans: (SpanAttribution['spans'][number] & { text: string })[];
  records: (SpanAttribution['records'][number] & { itemId: string; position: number })[];
}

/** Records tokenized between progress updates. */
const PROGRESS_EVERY = 500;
/** Indexes kept open (each holds its files in memory, about 6 bytes a token). */
const OPEN_INDEXES = 2;

const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json'];
/** modelDir → the files' sizes and mtimes and their hash: a query must not hash megabytes of JSON each time. */
const hashed = new Map<string, { stamp: string; hash: string }>();

/** sha-256 over tokenizer.json and tokenizer_config.json (what encoding depends on), each length-prefixed; first 16 hex digits. */
export function tokenizerHash(modelDir: string): string {
  const stats = TOKENIZER_FILES.map((name) => {
    const stat = fs.statSync(path.join(modelDir, name), { throwIfNoEntry: false });
    if (!stat) throw new ApiFailure({ code: 'invalid_input', field: 'model', message: `${modelDir} has no ${name}: span attribution needs the model's tokenizer.` });
    return `${stat.size}:${stat.mtimeMs}`;
  });
  const stamp = stats.join(' ');
  const cached = hashed.get(modelDir);
  if (cached?.stamp === stamp) return cached.hash;
  const hash = createHash('sha256');
  for (const name of TOKENIZER_FILES) {
    const bytes = fs.readFileSync(path.join(modelDir, name));
    hash.update(`${name}\n${bytes.length}\n`).update(bytes);
  }
  const hex = hash.digest('hex').slice(0, 16);
  hashed.set(modelDir, { stamp, hash: hex });
  return hex;
}

export class SpanIndexService {
  readonly root: string;
  private readonly building = new Map<string, Job>();
  private readonly open = new Map<string, SpanIndex>();
  private readonly tokenizers = new Tokenizers();

  constructor(private readonly deps: { dataDir: string; datanets: DatanetService; models: ModelsService; jobs: JobRunner }) {
    this.root = path.join(deps.dataDir, 'attribution', 'spans');
  }

  /** Where the target's index lives and whether it is built (nothing is read but names and meta.json). */
  info(target: SpanIndexTarget): SpanIndexInfo {
    const { datanets, models } = this.deps;
    const datanet = datanets.datanets.get(target.datanet);
    const version = datanets.versions.get(datanet.id, target.version);
    const modelDir = models.modelDir(target.model);
    const hash = tokenizerHash(modelDir);
    const dir = path.join(this.root, `${version.id}-${hash}`);
    const metaFile = path.join(dir, FILES.meta);
    const meta = fs.existsSync(metaFile) ? (JSON.parse(fs.readFileSync(metaFile, 'utf8')) as SpanIndexMeta) : null;
    const job = this.building.get(dir);
    return {
      datanetId: datanet.id,
      versionId: version.id,
      versionNumber: version.number,
      root: version.root,
      model: target.model,
      tokenizerHash: hash,
      dir,
      meta,
      buildJob: job?.id ?? null,
    };
  }

  /**
   * Starts building the target's index as a job (progress in records, then the sorting stage);
   * a build of the same index already running is returned instead of a second one. An index
   * already built is a conflict: it never changes, as the version never does.
   */
  startBuild(target: SpanIndexTarget): Job {
    const info = this.info(target);
    const running = this.building.get(info.dir);
    if (running) return this.deps.jobs.get(running.id);
    if (info.meta) throw conflict(`The span index of version ${info.versionNumber} for ${target.model}'s tokenizer is built (${info.dir}).`);
    const datanetName = this.deps.datanets.datanets.get(info.datanetId).name;
    const job = this.deps.jobs.start(
      { kind: 'attribution.spanIndex', title: `Span index of ${datanetName} v${info.versionNumber} (${target.model}'s tokenizer)`, unit: 'records' },
      async (control) => {
        try {
          await this.build(info, control);
          return info.dir;
        } finally {
          this.building.delete(info.dir);
        }
      },
    );
    this.building.set(info.dir, job);
    return job;
  }

  private async build(info: SpanIndexInfo, job: JobControl): Promise<SpanIndexMeta> {
    const { datanets, models } = this.deps;
    const total = datanets.versions.get(info.datanetId, info.versionId).recordCount;
    job.progress({ done: 0, total, detail: 'loading the tokenizer' });
    const modelDir = models.modelDir(info.model);
    const tokenizer = await this.tokenizer(modelDir, info.tokenizerHash);
    // Tokenized in worker threads: minutes of CPU for a large version, which must not hold up the backend.
    const pool = await TokenizePool.open(modelDir);
    const writer = new SpanIndexWriter({
      dir: info.dir,
      // Special tokens may sit past the vocabulary's count of entries.
      vocabSize: Math.max(tokenizer.vocabSize, ...tokenizer.specialIds.map((id) => id + 1)),
      source: { datanetId: info.datanetId, versionId: info.versionId, versionNumber: info.versionNumber, root: info.root, model: info.model, tokenizerHash: info.tokenizerHash },
    });
    try {
      const records = (async function* () {
        for await (const record of readVersionRecords(datanets.db, frozenVersion(datanets.db, info.versionId), job.signal)) {
          yield { id: trainingRecordId(record.itemId, record.position), texts: recordTexts(record) };
        }
      })();
      // A batch of PROGRESS_EVERY records between updates.
      const done = await addTextRecords(writer, pool, records, {
        batchRecords: PROGRESS_EVERY,
        signal: job.signal,
        onAdded: (n) => job.progress({ done: n, total, detail: 'tokenizing records' }),
      });
      // The workers are not needed while the suffixes sort (the finally below is for a failure before this).
      await pool.close();
      job.progress({ done, total, detail: 'sorting suffixes' });
      return await writer.finish({
        signal: job.signal,
        onStage: (stage) => job.progress({ done, total, detail: stage === 'sorting' ? 'sorting suffixes' : stage === 'writing' ? 'writing the suffix array' : 'reading the token stream' }),
      });
    } catch (error) {
      writer.abort();
      throw error;
    } finally {
      await pool.close();
    }
  }

  /**
   * The spans of an output (token ids of the target model's tokenizer) found in the version, with
   * the records they credit. The index must be built (startBuild).
   */
  async attributeSpans(target: SpanIndexTarget, outputIds: readonly number[], options: SpanQueryOptions = {}): Promise<VersionSpanAttribution> {
    const info = this.info(target);
    if (!info.meta) {
      const building = info.buildJob ? ` Its build is running (job ${info.buildJob}).` : ' Build it first.';
      throw notFound(`Version ${info.versionNumber} has no span index for ${target.model}'s tokenizer.${building}`);
    }
    const index = this.opened(info.dir);
    let result: SpanAttribution;
    try {
      result = attributeSpans(index, outputIds, options);
    } catch (error) {
      throw new ApiFailure({ code: 'invalid_input', field: 'outputIds', message: (error as Error).message });
    }
    const tokenizer = await this.tokenizer(this.deps.models.modelDir(target.model), info.tokenizerHash);
    return {
      datanetId: info.datanetId,
      versionId: info.versionId,
      versionNumber: info.versionNumber,
      model: target.model,
      outputLength: result.outputLength,
      coveredTokens: result.coveredTokens,
      spans: result.spans.map((s) => ({ ...s, text: tokenizer.decode(outputIds.slice(s.start, s.start + s.length)) })),
      records: result.records.map((r) => ({ ...r, ...parseTrainingRecordId(r.id) })),
    };
  }

  private opened(dir: string): SpanIndex {
    let index = this.open.get(dir);
    if (index) {
      // Most recently used last.
      this.open.delete(dir);
    } else {
      index = openSpanIndex(dir);
      if (this.open.size >= OPEN_INDEXES) this.open.delete(this.open.keys().next().value!);
    }
    this.open.set(dir, index);
    return index;
  }

  /** Loaded once per folder and tokenizer files (a model re-imported under its name has other files). */
  private tokenizer(modelDir: string, hash: string): Promise<Tokenizer> {
    return this.tokenizers.get(modelDir, `${modelDir}\n${hash}`);
  }
}
