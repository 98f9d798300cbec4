/**
 * The LoRA training loop. One training session (the graph with loss and LoRA gradients) is built
 * per run; each optimizer step runs its micro-batches through it, accumulates the gradients by
 * target-token count, clips their global norm, takes the learning rate from the warmup + cosine
 * schedule and updates the LoRA tensors with AdamW in TypeScript.
 *
 * Everything random comes from one seed, split into three streams: the LoRA init, the data order
 * and the dropout masks. A checkpoint holds the adapter, AdamW's moments and step, the dropout
 * stream's state and the data position, so a run resumed from step N computes exactly what the
 * uninterrupted run computes from step N on: the same adapter, bit for bit.
 */
import type { LoraAdapter } from '../lora-io/adapter';
import { initLoraAdapter, loraSettings } from '../lora-io/adapter';
import { loadModelConfig } from '../models/config';
import { loraFeeds } from '../models/lora';
import { AdamW } from './adamw';
import {
  listCheckpoints,
  loadCheckpoint,
  pruneCheckpoints,
  readTrainerState,
  removeLeftovers,
  writeCheckpoint,
  writeFinalAdapter,
  type StepRecord,
  type TrainerState,
} from './checkpoint-store';
import { drawDropoutMasks } from './dropout';
import { clipGradNorm, GradientAccumulator } from './gradients';
import { Prng } from './prng';
import { ProgressMeter } from './progress-meter';
import { learningRateAt } from './schedule';
import type { TrainBatch, TrainBatchStream, TrainingData } from './training-data';
import { configIdentity, identityDiff, identityHash, modelIdentity, trainingPlan, type TrainingOptions, type TrainingPlan } from './training-options';
import { TrainingSession } from './training-session';

export interface TrainingProgress {
  /** Optimizer steps taken, this one included. */
  step: number;
  totalSteps: number;
  /** Mean loss over this step's target tokens. */
  loss: number;
  /** The learning rate this step used. */
  lr: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Real (non-padding) input tokens per second over the last steps. */
  tokensPerSecond: number;
  etaSeconds: number;
  /** Mean loss over the held-out rows, when this step evaluated. */
  evalLoss?: number;
  /** The checkpoint folder, when this step wrote one. */
  checkpoint?: string;
}

export interface TrainingHooks {
  /** Aborting stops the run after the current step, with a checkpoint. */
  signal?: AbortSignal;
  onProgress?: (progress: TrainingProgress) => void;
}

export interface TrainingResult {
  status: 'completed' | 'cancelled';
  step: number;
  totalSteps: number;
  /** `<out>/adapter` when completed. */
  adapterDir: string | null;
  /** The newest checkpoint written or resumed from. */
  checkpointDir: string | null;
  /** The step this run resumed from, or null for a fresh start. */
  resumedFrom: number | null;
  /** Every step's record since step 1 (resumed runs include the steps before). */
  history: StepRecord[];
  /** The last evaluation's loss, if any. */
  evalLoss: number | null;
}

/** The run's three random streams from one seed: drawn once, so seeds 1 and 2 share none. */
function seeds(seed: number): { init: number; data: number; dropout: number } {
  const root = new Prng(seed);
  return { init: root.nextU32(), data: root.nextU32(), dropout: root.nextU32() };
}

function realTokens(batch: TrainBatch): number {
  if (!batch.attentionMask) return batch.size * batch.length;
  let n = 0;
  for (const m of batch.attentionMask) if (m !== 0n) n++;
  return n;
}

function makeOptimizer(session: TrainingSession, adapter: LoraAdapter, plan: TrainingPlan): { optimizer: AdamW; params: Map<string, Float32Array> } {
  const params = loraFeeds(session.lora, adapter);
  const optimizer = new AdamW(
    session.lora.map((s) => ({ name: s.name, data: params.get(s.name)! })),
    { lr: plan.lr, beta1: plan.beta1, beta2: plan.beta2, eps: plan.eps, weightDecay: plan.weightDecay },
  );
  return { optimizer, params };
}

async function evaluate(session: TrainingSession, data: TrainingData, batchSize: number, params: ReadonlyMap<string, Float32Array>): Promise<number | undefined> {
  if (!data.eval) return undefined;
  let sum = 0;
  let count = 0;
  for (const batch of data.eval(batchSize)) {
    if (batch.targetCount === 0) continue;
    sum += (await session.loss(batch, params)) * batch.targetCount;
    count += batch.targetCount;
  }
  return count > 0 ? sum / count : undefined;
}

export async function runTraining(options: TrainingOptions, hooks: TrainingHooks = {}): Promise<TrainingResult> {
  const { data, outDir } = options;
  const cfg = loadModelConfig(options.modelDir);
  const settings = loraSettings(cfg.modelType, options.lora);
  const plan = trainingPlan(options, (b) => data.batchesPerEpoch(b));
  const identity = configIdentity(modelIdentity(options.modelDir), settings, data.fingerprint, plan);
  const configHash = identityHash(identity);
  const stream = seeds(plan.seed);

  // Which checkpoint to continue from is settled before the (slow) session is built.
  const existing = await listCheckpoints(outDir);
  const from = options.resume ? existing[existing.length - 1] : undefined;
  if (!options.resume && existing.length > 0) {
    throw new Error(`${outDir} already holds checkpoints (newest step ${existing[existing.length - 1]!.step}); resume the run, or train into an empty folder`);
  }
  let state: TrainerState | undefined;
  if (from) {
    state = await readTrainerState(from.dir);
    if (state.configHash !== configHash) {
      const why = identityDiff(state.config, identity);
      throw new Error(`checkpoint ${from.dir} belongs to another training configuration and cannot be resumed with these settings (${why.join('; ') || 'config hash differs'})`);
    }
  }
  await removeLeftovers(outDir);

  const session = await TrainingSession.open(options.modelDir, settings, options.session);
  try {
    let adapter: LoraAdapter;
    let optimizer: AdamW;
    let params: Map<string, Float32Array>;
    let dropoutPrng: Prng;
    let batches: TrainBatchStream;
    if (from) {
      const loaded = await loadCheckpoint(from.dir, cfg, (a) => makeOptimizer(session, a, plan).optimizer);
      adapter = loaded.adapter;
      optimizer = loaded.optimizer;
      params = new Map(optimizer.params.map((p) => [p.name, p.data as Float32Array]));
      if (optimizer.step !== state!.step) throw new Error(`checkpoint ${from.dir}: the optimizer took ${optimizer.step} steps, trainer-state.json says ${state!.step}`);
      dropoutPrng = Prng.fromState(loaded.resume.dropoutPrng);
      batches = data.train({ batchSize: plan.batchSize, seed: stream.data, resume: loaded.resume.dataPosition });
    } else {
      // A fresh adapter's settings carry the caller's baseModel for adapter_config.json.
      adapter = initLoraAdapter(cfg, settings, new Prng(stream.init));
      ({ optimizer, params } = makeOptimizer(session, adapter, plan));
      dropoutPrng = new Prng(stream.dropout);
      batches = data.train({ batchSize: plan.batchSize, seed: stream.data });
    }

    const history: StepRecord[] = state ? [...state.history] : [];
    let tokens = state?.tokens ?? 0;
    let step = state?.step ?? 0;
    let lastCheckpoint: { step: number; dir: string } | null = from ? { step: from.step, dir: from.dir } : null;
    // A resumed run reports the last eval it has on record until it evaluates again.
    let evalLoss: number | null = history.findLast((h) => h.evalLoss !== undefined)?.evalLoss ?? null;
    const accumulator = new GradientAccumulator(session.lora.map((s) => s.shape[0] * s.shape[1]));
    const meter = new ProgressMeter();

    const checkpoint = async (): Promise<string> => {
      const trainerState: TrainerState = { format: 'datanet-studio-trainer/1', step, totalSteps: plan.totalSteps, configHash, config: identity, history, tokens };
      const dir = await writeCheckpoint(outDir, adapter, optimizer, { dropoutPrng: dropoutPrng.state, dataPosition: batches.savePosition() }, trainerState);
      await pruneCheckpoints(outDir, plan.keepCheckpoints);
      lastCheckpoint = { step, dir };
      return dir;
    };
    const result = (status: TrainingResult['status'], adapterDir: string | null): TrainingResult => ({
      status,
      step,
      totalSteps: plan.totalSteps,
      adapterDir,
      checkpointDir: lastCheckpoint?.dir ?? null,
      resumedFrom: from?.step ?? null,
      history,
      evalLoss,
    });
    const cancelled = async (): Promise<TrainingResult> => {
      // Cancelled before the first step there is nothing to keep; otherwise the run can resume here.
      if (step > 0 && lastCheckpoint?.step !== step) await checkpoint();
      return result('cancelled', null);
    };

    if (hooks.signal?.aborted) return await cancelled();
    const dropout = settings.dropout;
    while (step < plan.totalSteps) {
      let lossSum = 0;
      let targetSum = 0;
      let stepTokens = 0;
      for (let micro = 0; micro < plan.gradientAccumulationSteps; micro++) {
        const batch = batches.next();
        stepTokens += realTokens(batch);
        const masks = session.dropout.length > 0 ? drawDropoutMasks(dropoutPrng, session.dropout, batch.size, batch.length, dropout) : undefined;
        if (batch.targetCount === 0) continue;
        const out = await session.step(batch, params, masks);
        accumulator.add(out.grads, batch.targetCount);
        lossSum += out.loss * batch.targetCount;
        targetSum += batch.targetCount;
      }
      if (targetSum === 0) throw new Error(`step ${step + 1}: its ${plan.gradientAccumulationSteps} micro-batch(es) have no targets to learn`);
      const grads = accumulator.take();
      const loss = lossSum / targetSum;
      const gradNorm = plan.maxGradNorm > 0 ? clipGradNorm(grads, plan.maxGradNorm) : globalNorm(grads);
      if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
        throw new Error(`step ${step + 1}: the loss (${loss}) or the gradient norm (${gradNorm}) is not finite; the adapter was not updated (try a lower learning rate)`);
      }
      const lr = learningRateAt({ lr: plan.lr, warmupSteps: plan.warmupSteps, totalSteps: plan.totalSteps }, step);
      optimizer.update(grads, lr);
      step++;
      tokens += targetSum;
      meter.record(stepTokens);

      const record: StepRecord = { step, loss, lr, gradNorm };
      const last = step === plan.totalSteps;
      if ((plan.evalEvery > 0 && step % plan.evalEvery === 0) || last) {
        const e = await evaluate(session, data, plan.batchSize, params);
        if (e !== undefined) record.evalLoss = evalLoss = e;
      }
      history.push(record);
      let written: string | undefined;
      if (plan.checkpointEvery > 0 && (step % plan.checkpointEvery === 0 || last)) written = await checkpoint();
      hooks.onProgress?.({
        ...record,
        totalSteps: plan.totalSteps,
        tokensPerSecond: meter.tokensPerSecond(),
        etaSeconds: meter.etaSeconds(plan.totalSteps - step),
        ...(written ? { checkpoint: written } : {}),
      });
      if (hooks.signal?.aborted && !last) return await cancelled();
    }
    const adapterDir = await writeFinalAdapter(outDir, adapter);
    return result('completed', adapterDir);
  } finally {
    await session.release();
  }
}

function globalNorm(grads: readonly Float32Array[]): number {
  let sum = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) sum += g[i]! * g[i]!;
  return Math.sqrt(sum);
}
