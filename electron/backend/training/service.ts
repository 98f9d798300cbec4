import fs from 'node:fs';
import path from 'node:path';
import { ApiFailure, conflict } from '../../../shared/api/errors';
import type { Job } from '../../../shared/api/schemas/jobs';
import type { EvalResult, TrainingExampleCounts, TrainingRun } from '../../../shared/api/schemas/training';
import { readPeftAdapter } from '../../../engine/lora-io/peft-files';
import { loraSettings } from '../../../engine/lora-io/adapter';
import { loadModelConfig } from '../../../engine/models/config';
import { loraFeeds } from '../../../engine/models/lora';
import { runTraining } from '../../../engine/train/trainer';
import { TrainingSession } from '../../../engine/train/training-session';
import type { ParsedInput } from '../../../shared/api/contract';
import type { DatanetService } from '../datanets/service';
import type { JobRunner } from '../jobs/runner';
import type { ModelsService } from '../models/service';
import { keepTracinSnapshot, RUN_TRACIN_DIR } from '../models/adapter-checkpoints';
import { listRuns, readRunVersion, writeRunVersion } from './runs';
import { readTrainingRecords } from './dataset-source';
import { versionTrainingData } from './version-data';

type StartInput = ParsedInput<'training.start'>;
type EvalInput = ParsedInput<'training.eval'>;

/** A problem with the name the caller chose: the Train form shows it beside Adapter name. */
const badOut = (message: string) => new ApiFailure({ code: 'invalid_input', field: 'out', message });

/** Written into a run's folder: the input that started it, so starting the same run again resumes it. */
const RUN_FILE = 'run.json';

const sameInput = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Training runs as jobs: a datanet version and a base model in, an installed adapter with its
 * lineage out. Each run has a folder, `<dataDir>/runs/<out>/`, with its checkpoints; starting a run
 * whose folder holds checkpoints of the same input (after a crash, a cancel, a restart) resumes it.
 */
export class TrainingService {
  readonly runsDir: string;

  constructor(
    private readonly deps: { dataDir: string; datanets: DatanetService; models: ModelsService; jobs: JobRunner },
  ) {
    this.runsDir = path.join(deps.dataDir, 'runs');
  }

  start(input: StartInput): Job {
    const { models, datanets, jobs } = this.deps;
    const modelDir = models.modelDir(input.model);
    // Worded for the UI and the CLI alike: no flag named.
    if (models.adapters.list().some((a) => a.name === input.out)) {
      throw badOut(`An adapter named ${input.out} is installed already: choose another name, or remove that adapter on the Models page (studio adapter remove ${input.out}).`);
    }
    const runDir = path.join(this.runsDir, input.out);
    const runFile = path.join(runDir, RUN_FILE);
    // A run that finished and whose adapter was then removed holds nothing to resume: its name is free again.
    if (fs.existsSync(path.join(runDir, 'adapter')) && !fs.existsSync(path.join(runDir, 'checkpoints'))) fs.rmSync(runDir, { recursive: true, force: true });
    const previous = fs.existsSync(runFile) ? (JSON.parse(fs.readFileSync(runFile, 'utf8')) as unknown) : null;
    if (previous !== null && !sameInput(previous, input)) {
      throw badOut(`A run named ${input.out} exists with other settings (${runDir}); start it with the same settings to resume it, or choose another name.`);
    }
    fs.mkdirSync(runDir, { recursive: true });
    fs.writeFileSync(runFile, `${JSON.stringify(input, null, 2)}\n`);
    const resume = previous !== null;
    // A resumed run reads the version it began on, though its input says "latest" and a newer one is frozen since.
    const readVersion = (resume ? readRunVersion(runDir) : null) ?? input.version;
    // Named as people know it (the input may name the datanet by its id).
    const datanetName = datanets.datanets.get(input.datanet).name;
    const title = `Train ${input.out} (${input.model} on ${datanetName} ${readVersion === 'latest' ? 'latest version' : `v${readVersion}`})`;

    return jobs.start({ kind: 'training', title, unit: 'steps' }, async (job) => {
      job.progress({ done: 0, detail: 'reading and tokenizing the version' });
      const prepared = await versionTrainingData(datanets, {
        datanet: input.datanet,
        version: readVersion,
        field: input.field,
        modelDir,
        maxLength: input.maxLen,
        packing: input.packing,
        seed: input.seed,
        evalFraction: input.evalFraction,
        signal: job.signal,
      });
      writeRunVersion(runDir, prepared.source.versionNumber);
      const base = await models.describeModel(input.model);
      let lastEval: { evalLoss: number; evalStep: number } | undefined;
      const result = await runTraining(
        {
          modelDir,
          data: prepared.data,
          outDir: runDir,
          resume,
          lora: { r: input.rank, alpha: input.alpha ?? 2 * input.rank, dropout: input.dropout, targets: input.targets, baseModel: base.source ?? input.model },
          lr: input.lr,
          warmupSteps: input.warmup,
          ...(input.steps !== undefined ? { maxSteps: input.steps } : { epochs: input.epochs ?? 1 }),
          batchSize: input.batch,
          gradientAccumulationSteps: input.gradAccum,
          seed: input.seed,
          evalEvery: input.evalEvery,
          checkpointEvery: input.checkpointEvery,
          session: { provider: input.provider, ...(input.threads ? { threads: input.threads } : {}) },
        },
        {
          signal: job.signal,
          onProgress: (p) => {
            // The eval loss comes on its own steps only, and progress reaches the UI throttled:
            // every update carries the last one and its step, so none is lost between updates.
            if (p.evalLoss !== undefined) lastEval = { evalLoss: p.evalLoss, evalStep: p.step };
            if (p.checkpoint) keepTracinSnapshot(runDir, p.checkpoint, p.step, p.totalSteps);
            job.progress({
              done: p.step,
              total: p.totalSteps,
              detail: `loss ${p.loss.toFixed(4)}${lastEval ? ` · eval ${lastEval.evalLoss.toFixed(4)}` : ''} · ${Math.round(p.tokensPerSecond)} tokens/s`,
              counts: { loss: p.loss, tokensPerSecond: p.tokensPerSecond, ...lastEval },
            });
          },
        },
      );
      if (result.status === 'cancelled' || !result.adapterDir) {
        // The checkpoint is kept: starting the same run again resumes it.
        throw new Error(`cancelled at step ${result.step}`);
      }
      const last = result.history[result.history.length - 1];
      await models.installTrained(result.adapterDir, input.out, input.model, {
        datanet: prepared.source.datanetId,
        version: prepared.source.versionNumber,
        root: prepared.source.root,
        examples: prepared.trainExamples,
        hyperparameters: { ...input },
        metrics: { steps: result.step, ...(last ? { trainLoss: last.loss } : {}), ...(result.evalLoss !== null ? { evalLoss: result.evalLoss } : {}) },
        trainedAt: Date.now(),
      }, runDir);
      // The checkpoints served resuming; the TracIn snapshots went with the installed adapter.
      fs.rmSync(path.join(runDir, 'checkpoints'), { recursive: true, force: true });
      fs.rmSync(path.join(runDir, RUN_TRACIN_DIR), { recursive: true, force: true });
      return `adapter ${input.out}: ${result.step} steps, ${prepared.trainExamples} examples${result.evalLoss !== null ? `, eval loss ${result.evalLoss.toFixed(4)}` : ''}`;
    });
  }

  /** The examples a run on this version and field would have, read as the run reads them. */
  async examples(input: ParsedInput<'training.examples'>): Promise<TrainingExampleCounts> {
    const { source } = await readTrainingRecords(this.deps.datanets, input);
    const c = source.counts;
    return { version: source.versionNumber, field: source.field, read: c.read, examples: c.records, unlabeled: c.unlabeled, noText: c.noText, invalid: c.invalid };
  }

  /** Every run folder with its state (runs.ts), newest first. */
  runs(): Promise<TrainingRun[]> {
    return listRuns(this.runsDir, this.deps);
  }

  /** The loss and perplexity of a model (and adapter) over a version's examples, masked as training masks them. */
  async evaluate(input: EvalInput): Promise<EvalResult> {
    const { models, datanets } = this.deps;
    const named = input.adapter ? models.adapterDirs(input.adapter) : null;
    if (named && named.baseName !== input.model) throw conflict(`Adapter ${input.adapter} belongs to ${named.baseName}, not ${input.model}.`);
    const modelDir = models.modelDir(input.model);
    const config = loadModelConfig(modelDir);
    const adapter = named ? await readPeftAdapter(named.adapter, config) : null;
    // The base alone is a rank-1 adapter whose B is zero: it adds nothing, and one graph serves both.
    const settings = adapter?.settings ?? loraSettings(config.modelType, { r: 1, alpha: 1 });
    const prepared = await versionTrainingData(datanets, { datanet: input.datanet, version: input.version, field: input.field, modelDir, maxLength: input.maxLen, packing: false, seed: 0, evalFraction: 1 });
    const session = await TrainingSession.open(modelDir, settings, { provider: input.provider });
    try {
      const params = adapter
        ? loraFeeds(session.lora, adapter)
        : new Map(session.lora.map((s) => [s.name, new Float32Array(s.shape[0] * s.shape[1])]));
      let sum = 0;
      let tokens = 0;
      for (const batch of prepared.data.eval!(input.batch)) {
        if (batch.targetCount === 0) continue;
        sum += (await session.loss(batch, params)) * batch.targetCount;
        tokens += batch.targetCount;
      }
      const loss = sum / tokens;
      return { loss, perplexity: Math.exp(loss), examples: prepared.evalExamples, tokens, version: prepared.source.versionNumber, field: prepared.source.field };
    } finally {
      await session.release();
    }
  }
}
