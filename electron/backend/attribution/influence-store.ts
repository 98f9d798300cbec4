/**
 * Influence attribution for installed adapters trained here: each adapter's gradient store
 * (engine/attribution/store-build.ts) under `<dataDir>/attribution/influence/<adapter>/`, built by
 * a job from the examples its lineage says it was trained on (influence-examples.ts), kept warm in
 * memory once queried, and `attributeInfluence`: the TracIn and DataInf scores of every training
 * example for one prompt and output, the top examples, and, given the adapter's training manifest,
 * the scores per contribution record and contributor. influence-payout.ts turns the scores into wei.
 *
 * A store belongs to the adapter's exact files: its index keeps the adapter's hash, and a store of
 * other files (an adapter re-imported under the name) is refused as stale until rebuilt.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ApiFailure, conflict, notFound } from '../../../shared/api/errors';
import type { Job } from '../../../shared/api/schemas/jobs';
import type { TrainingManifest } from '../../../shared/ledger/training-manifest';
import { exampleFromTokens, toExample, truncateExample, type Example } from '../../../engine/data/index';
import { InfluenceIndex, topIndices } from '../../../engine/attribution/influence';
import { buildGradientStore, storeBytesPerCheckpoint, type StoreCheckpoint } from '../../../engine/attribution/store-build';
import { INDEX_FILE, parseStoreIndex, type StoreIndex } from '../../../engine/attribution/store-format';
import { readPeftAdapter } from '../../../engine/lora-io/peft-files';
import { loadModelConfig, type ModelConfig } from '../../../engine/models/config';
import type { CreateSessionOptions } from '../../../engine/runtime/providers';
import type { Tokenizer } from '../../../engine/tokenize/tokenizer';
import { Tokenizers } from './tokenizers';
import type { DatanetService } from '../datanets/service';
import type { JobRunner } from '../jobs/runner';
import { adapterCheckpoints } from '../models/adapter-checkpoints';
import { readAdapterInfo } from '../models/adapters';
import { adapterIdentity } from '../models/model-hashes';
import type { ModelsService } from '../models/service';
import { parseTrainingRecordId } from '../training/dataset-source';
import { selectionOf } from '../ledger/selection';
import type { Db } from '../store/database';
import { adapterTraining, checkpointWeights, type AdapterTraining } from './influence-examples';

/** Warm stores kept open: each holds its gradients as float32, twice its file (0.9 GB for 10,000 examples of a 0.5B model's adapter). */
const OPEN_STORES = 1;

export interface InfluenceStoreInfo {
  adapter: string;
  dir: string;
  /** The store's index once built; null before. */
  built: { examples: number; bytes: number; checkpoints: number; dimensions: number; createdAt: number } | null;
  /** Built for other files than the adapter's now. */
  stale: boolean;
  /** The build job running now, if any. */
  buildJob: string | null;
}

export interface InfluenceBuildOptions {
  /** Values kept per LoRA tensor (engine/attribution/projection.ts). Default 256. */
  dims?: number;
  /** gradients.bin at most this size, when the run's snapshots are counted in (default STORE_BUDGET). */
  maxBytes?: number;
  session?: CreateSessionOptions;
}

/** The issue's bound on a store: 1 GB. */
export const STORE_BUDGET = 1e9;

export interface InfluenceQueryInput {
  adapter: string;
  prompt: string;
  output: string;
  /** Examples listed per method. Default 10. */
  topK?: number;
  /** 'instruction' (default): the prompt formatted as training formats it and the output learned as an answer (with its end); 'raw': the prompt's tokens then the output's. */
  format?: 'instruction' | 'raw';
  system?: string;
  /** The adapter's training manifest: with it, scores per contribution record and contributor. */
  manifest?: Pick<TrainingManifest, 'entries'>;
}

export interface ExampleScore {
  /** Training record id: `<item id>@<position>`. */
  id: string;
  itemId: string;
  position: number;
  tracin: number;
  datainf: number;
}

export interface InfluenceAttribution {
  adapter: string;
  /** Examples in the store (the adapter's train split). */
  examples: number;
  promptTokens: number;
  outputTokens: number;
  seconds: { gradient: number; scoring: number };
  /** The topK examples by each method, highest first, each with both scores. */
  top: { tracin: (ExampleScore & { rank: number })[]; datainf: (ExampleScore & { rank: number })[] };
  /** Every example's scores (what payouts are computed from; influence-payout.ts). */
  scores: ExampleScore[];
  /** With a manifest: its records (each example's scores split equally over the records covering it), by DataInf, highest first. */
  records: { recordId: string; contributor: string; tracin: number; datainf: number }[] | null;
  /** With a manifest: sums per contributor (lower-case address), by DataInf, highest first. */
  contributors: { contributor: string; tracin: number; datainf: number }[] | null;
}

interface Opened {
  adapterHash: string;
  index: InfluenceIndex;
  maxLen: number;
  /** Queries using it now: a store evicted or gone stale is released when the last one ends. */
  users: number;
  retired: boolean;
}

export class InfluenceService {
  readonly root: string;
  private readonly building = new Map<string, Job>();
  private readonly open = new Map<string, Promise<Opened>>();
  private readonly tokenizers = new Tokenizers();

  constructor(private readonly deps: { dataDir: string; db: Db; datanets: DatanetService; models: ModelsService; jobs: JobRunner }) {
    this.root = path.join(deps.dataDir, 'attribution', 'influence');
  }

  storeDir(adapter: string): string {
    return path.join(this.root, adapter);
  }

  async info(adapter: string): Promise<InfluenceStoreInfo> {
    const dirs = this.deps.models.adapterDirs(adapter);
    const dir = this.storeDir(adapter);
    const index = readIndex(dir);
    const job = this.building.get(adapter);
    const hash = (await adapterIdentity(dirs.adapter)).hash;
    return {
      adapter,
      dir,
      built: index
        ? { examples: index.examples.length, bytes: index.bytes, checkpoints: index.checkpoints.length, dimensions: index.blocks.reduce((s, b) => s + b.k, 0), createdAt: index.createdAt }
        : null,
      stale: index !== null && index.meta.adapterHash !== hash,
      buildJob: job?.id ?? null,
    };
  }

  /**
   * Builds (or rebuilds) the adapter's store as a job, progress in example gradients; a build of the
   * same adapter already running is returned instead of a second one.
   */
  startBuild(adapter: string, options: InfluenceBuildOptions = {}): Job {
    const running = this.building.get(adapter);
    if (running) return this.deps.jobs.get(running.id);
    const { models, datanets } = this.deps;
    const dirs = models.adapterDirs(adapter);
    const lineage = readAdapterInfo(dirs.adapter)?.lineage ?? null;
    if (!lineage) {
      throw new ApiFailure({ code: 'invalid_input', field: 'adapter', message: `${adapter} has no lineage (it was imported, not trained here): influence needs the examples it was trained on.` });
    }
    const job = this.deps.jobs.start({ kind: 'attribution.influenceStore', title: `Gradient store of ${adapter}`, unit: 'examples' }, async (control) => {
      try {
        control.progress({ done: 0, detail: 'rebuilding the training examples' });
        const training = await adapterTraining(datanets, lineage, dirs.base, adapter, control.signal);
        const config = loadModelConfig(dirs.base);
        const identity = await adapterIdentity(dirs.adapter);
        const dir = this.storeDir(adapter);
        await this.forget(adapter);
        const built = await buildGradientStore({
          modelDir: dirs.base,
          outDir: dir,
          replace: true,
          checkpoints: await storeCheckpoints(dirs.adapter, config, training, options),
          examples: training.examples,
          ...(options.dims !== undefined ? { projection: { dims: options.dims } } : {}),
          ...(options.session ? { session: options.session } : {}),
          signal: control.signal,
          onProgress: (done, total) => control.progress({ done, total, detail: 'per-example gradients' }),
          meta: { adapter, adapterHash: identity.hash, base: dirs.baseName, datanet: lineage.datanet, version: lineage.version, root: lineage.root, maxLen: training.maxLen },
        });
        return `${built.index.examples.length} examples, ${(built.index.bytes / 2 ** 20).toFixed(1)} MiB, in ${dir}`;
      } finally {
        this.building.delete(adapter);
      }
    });
    this.building.set(adapter, job);
    return job;
  }

  /** TracIn and DataInf scores of every training example of `adapter` for one prompt and output. */
  async attributeInfluence(input: InfluenceQueryInput): Promise<InfluenceAttribution> {
    const topK = input.topK ?? 10;
    if (!Number.isInteger(topK) || topK < 1) throw new ApiFailure({ code: 'invalid_input', field: 'topK', message: `must be a positive integer, got ${topK}` });
    const dirs = this.deps.models.adapterDirs(input.adapter);
    const tokenizer = await this.tokenizers.get(dirs.base);
    // Counted as a user from opened() on, so no eviction releases it under this query.
    const opened = await this.opened(input.adapter);
    let scored;
    let query: Example;
    try {
      query = queryExample(tokenizer, input, opened.maxLen);
      scored = await opened.index.scores({ ids: query.ids, targets: query.targets });
    } finally {
      opened.users--;
      if (opened.retired && opened.users === 0) await opened.index.release();
    }
    const { index } = opened;
    const stored = index.store.index.examples;
    const scores: ExampleScore[] = stored.map((e, i) => ({ id: e.id, ...parseTrainingRecordId(e.id), tracin: scored.tracin[i]!, datainf: scored.datainf[i]! }));
    const topOf = (values: Float64Array) => topIndices(values, topK).map((i, rank) => ({ rank: rank + 1, ...scores[i]! }));
    const outputTokens = query.targets.reduce((n, t) => (t === -100 ? n : n + 1), 0);
    const aggregated = input.manifest ? this.aggregate(scores, input.manifest) : null;
    return {
      adapter: input.adapter,
      examples: stored.length,
      promptTokens: query.ids.length - outputTokens,
      outputTokens,
      seconds: scored.seconds,
      top: { tracin: topOf(scored.tracin), datainf: topOf(scored.datainf) },
      scores,
      records: aggregated?.records ?? null,
      contributors: aggregated?.contributors ?? null,
    };
  }

  /** Releases the warm stores. */
  async close(): Promise<void> {
    const all = [...this.open.keys()];
    for (const adapter of all) await this.forget(adapter);
  }

  private aggregate(scores: readonly ExampleScore[], manifest: Pick<TrainingManifest, 'entries'>) {
    const covering = [...manifest.entries]
      .sort((a, b) => (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0))
      .map((e) => {
        const selection = selectionOf(this.deps.db, e.recordId);
        return { recordId: e.recordId, contributor: e.contributor.toLowerCase(), positions: selection ? new Set(selection.positions) : null };
      });
    const records = new Map<string, { recordId: string; contributor: string; tracin: number; datainf: number }>();
    for (const s of scores) {
      const by = covering.filter((r) => r.positions === null || r.positions.has(s.position));
      for (const r of by) {
        let rec = records.get(r.recordId);
        if (!rec) records.set(r.recordId, (rec = { recordId: r.recordId, contributor: r.contributor, tracin: 0, datainf: 0 }));
        rec.tracin += s.tracin / by.length;
        rec.datainf += s.datainf / by.length;
      }
    }
    const contributors = new Map<string, { contributor: string; tracin: number; datainf: number }>();
    for (const r of records.values()) {
      let c = contributors.get(r.contributor);
      if (!c) contributors.set(r.contributor, (c = { contributor: r.contributor, tracin: 0, datainf: 0 }));
      c.tracin += r.tracin;
      c.datainf += r.datainf;
    }
    const byDatainf = <T extends { datainf: number }>(xs: Iterable<T>) => [...xs].sort((a, b) => b.datainf - a.datainf);
    return { records: byDatainf(records.values()), contributors: byDatainf(contributors.values()) };
  }

  /** The adapter's store, opened once and kept warm, with one more user (the caller releases it); refused when missing or built for other files. */
  private async opened(adapter: string): Promise<Opened> {
    const dirs = this.deps.models.adapterDirs(adapter);
    const hash = (await adapterIdentity(dirs.adapter)).hash;
    let loading = this.open.get(adapter);
    if (loading) {
      const warm = await loading.catch(() => null);
      if (warm?.adapterHash === hash && !warm.retired) {
        warm.users++;
        // Most recently used last.
        this.open.delete(adapter);
        this.open.set(adapter, loading);
        return warm;
      }
      await this.forget(adapter);
    }
    const dir = this.storeDir(adapter);
    const index = readIndex(dir);
    if (!index) {
      const job = this.building.get(adapter);
      throw notFound(`${adapter} has no gradient store yet.${job ? ` Its build is running (job ${job.id}).` : ' Build it first (a job over its training examples).'}`);
    }
    if (index.meta.adapterHash !== hash) throw conflict(`${adapter}'s gradient store was built for other adapter files (${String(index.meta.adapterHash)}, now ${hash}): build it again.`);
    while (this.open.size >= OPEN_STORES) await this.forget(this.open.keys().next().value!);
    loading = InfluenceIndex.open({ storeDir: dir, modelDir: dirs.base }).then((i) => ({ adapterHash: hash, index: i, maxLen: Number(index.meta.maxLen), users: 0, retired: false }));
    this.open.set(adapter, loading);
    try {
      const warm = await loading;
      warm.users++;
      return warm;
    } catch (e) {
      this.open.delete(adapter);
      throw e;
    }
  }

  /** Drops the adapter's warm store: released now, or by the last query still using it. */
  private async forget(adapter: string): Promise<void> {
    const loading = this.open.get(adapter);
    this.open.delete(adapter);
    const warm = await loading?.catch(() => null);
    if (!warm || warm.retired) return;
    warm.retired = true;
    if (warm.users === 0) await warm.index.release();
  }
}

function readIndex(dir: string): StoreIndex | null {
  const file = path.join(dir, INDEX_FILE);
  if (!fs.existsSync(file)) return null;
  return parseStoreIndex(fs.readFileSync(file, 'utf8'), file);
}

/** The query as the model sees it: the prompt masked, the output learned, cut as training cut. */
export function queryExample(tokenizer: Tokenizer, input: Pick<InfluenceQueryInput, 'prompt' | 'output' | 'format' | 'system'>, maxLen: number): Example {
  if (input.output.trim() === '') throw new ApiFailure({ code: 'invalid_input', field: 'output', message: 'is empty: there is nothing to attribute' });
  let example: Example;
  if (input.format === 'raw') {
    example = exampleFromTokens(tokenizer.encode(input.prompt), tokenizer.encode(input.output), ['query']);
  } else {
    try {
      example = toExample(tokenizer, { kind: 'instruction', id: 'query', prompt: input.prompt, response: input.output, ...(input.system ? { system: input.system } : {}) });
    } catch (e) {
      throw new ApiFailure({ code: 'invalid_input', field: 'output', message: (e as Error).message });
    }
  }
  return truncateExample(example, maxLen);
}

/**
 * The store's checkpoints: the adapter's snapshots (adapter-checkpoints.ts), oldest first, then the
 * adapter itself, each with TracIn's η. As many snapshots as keep the store within `maxBytes`,
 * spread over the run when not all fit (a 0.5B model's q/v adapter over 10,000 examples is about
 * 0.5 GB a checkpoint); the final adapter always.
 */
async function storeCheckpoints(adapterDir: string, config: ModelConfig, training: AdapterTraining, options: InfluenceBuildOptions): Promise<StoreCheckpoint[]> {
  const final = await readPeftAdapter(adapterDir, config);
  const snapshots = adapterCheckpoints(adapterDir).filter((c) => c.step < training.steps);
  const perCheckpoint = storeBytesPerCheckpoint(final, training.examples.length, options.dims !== undefined ? { projection: { dims: options.dims } } : {});
  const room = Math.max(0, Math.floor((options.maxBytes ?? STORE_BUDGET) / perCheckpoint) - 1);
  const kept = room >= snapshots.length ? snapshots : Array.from({ length: room }, (_, i) => snapshots[Math.round(((i + 1) * (snapshots.length + 1)) / (room + 1)) - 1]!);
  const weights = checkpointWeights(training, [...kept.map((c) => c.step), training.steps]);
  const out: StoreCheckpoint[] = [];
  for (const [i, c] of kept.entries()) out.push({ adapter: await readPeftAdapter(c.dir, config), label: `step-${c.step}`, step: c.step, weight: weights[i]! });
  out.push({ adapter: final, label: 'final', step: training.steps, weight: weights[kept.length]! });
  return out;
}
