import { z } from 'zod';
import { ModelName } from './assist';
import { Timestamp } from './common';
import { Job, JobState } from './jobs';

const VersionKey = z.union([z.number().int().positive(), z.literal('latest')]);
const Provider = z.enum(['auto', 'cpu', 'webgpu', 'cuda', 'dml', 'coreml']);

/** What a training run reads and decides; limits keep a typo from asking for a week of compute. */
export const TrainStartInput = z
  .object({
    model: ModelName,
    /** Datanet id or name. */
    datanet: z.string().min(1),
    version: VersionKey.default('latest'),
    /** The schema field to learn (or "$text"); optional when the schema has one usable field. */
    field: z.string().min(1).optional(),
    /** The adapter's name, and its run folder's. */
    out: ModelName,
    /** Optimizer steps; without it, `epochs` passes over the data. */
    steps: z.number().int().min(1).max(1_000_000).optional(),
    epochs: z.number().positive().max(100).optional(),
    lr: z.number().positive().max(1).default(2e-4),
    warmup: z.number().int().min(0).default(0),
    rank: z.number().int().min(1).max(256).default(8),
    alpha: z.number().positive().max(4096).optional(),
    dropout: z.number().min(0).lt(1).default(0),
    /** Module names (PEFT's target_modules), or "default" (the attention's query and value) or "all-linear". */
    targets: z.union([z.array(z.string().min(1)).min(1), z.literal('default'), z.literal('all-linear')]).default('default'),
    batch: z.number().int().min(1).max(512).default(1),
    gradAccum: z.number().int().min(1).max(1024).default(1),
    maxLen: z.number().int().min(8).max(32_768).default(512),
    packing: z.boolean().default(false),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
    /** Share of examples held out for the eval loss. */
    evalFraction: z.number().min(0).max(0.5).default(0.1),
    evalEvery: z.number().int().min(0).default(0),
    checkpointEvery: z.number().int().min(0).default(50),
    provider: Provider.default('cpu'),
    threads: z.number().int().min(1).max(256).optional(),
  })
  .strict();
export type TrainStartInput = z.input<typeof TrainStartInput>;

export const EvalInput = z
  .object({
    model: ModelName,
    /** An installed adapter of that model; without it, the base model alone. */
    adapter: ModelName.optional(),
    datanet: z.string().min(1),
    version: VersionKey.default('latest'),
    field: z.string().min(1).optional(),
    maxLen: z.number().int().min(8).max(32_768).default(512),
    batch: z.number().int().min(1).max(512).default(4),
    provider: Provider.default('cpu'),
  })
  .strict();

export const EvalResult = z.object({
  /** Mean cross-entropy per learned token (the prompt is masked as in training). */
  loss: z.number(),
  perplexity: z.number(),
  examples: z.number().int().nonnegative(),
  tokens: z.number().int().nonnegative(),
  version: z.number().int().positive(),
  field: z.string(),
});
export type EvalResult = z.infer<typeof EvalResult>;

/** A loss at an optimizer step, as a run's checkpoint recorded it. */
export const StepLoss = z.object({ step: z.number().int().nonnegative(), loss: z.number() });

/**
 * A training run as its folder (`<dataDir>/runs/<out>/`) and the jobs table know it, whoever
 * started it (this window, another, the command line).
 */
export const TrainingRun = z.object({
  /** Its name: the run folder's and the adapter's. */
  out: ModelName,
  /** The input that started it (run.json), which starting it again resumes; null when that file no longer parses as one. */
  input: TrainStartInput.nullable(),
  /**
   * The number of the datanet version it reads: its input's, or for "latest" the one that was when
   * it first read its data (a resume reads that one too). Absent while a run on "latest" has read none.
   */
  version: z.number().int().positive().optional(),
  /** The newest training job's state; without one, succeeded when its adapter is installed, else interrupted. */
  state: JobState,
  /** The newest training job of this run that the jobs table still holds. */
  job: Job.nullable(),
  /** The newest complete checkpoint, which a resume goes on from. */
  checkpoint: z.object({ step: z.number().int().nonnegative(), totalSteps: z.number().int().nonnegative(), at: Timestamp }).nullable(),
  /** The train loss per step up to that checkpoint (every few steps past 1,000 steps) and the eval losses. */
  losses: z.array(StepLoss),
  evals: z.array(StepLoss),
  /** The installed adapter it made, when it is installed. */
  adapter: ModelName.nullable(),
  /** When it was last started (run.json written). */
  startedAt: Timestamp,
  /** The newest of that, its job's last update and its checkpoint. */
  updatedAt: Timestamp,
});
export type TrainingRun = z.infer<typeof TrainingRun>;

export const TrainingExamplesInput = z
  .object({
    /** Datanet id or name. */
    datanet: z.string().min(1),
    version: VersionKey.default('latest'),
    /** The schema field to learn (or "$text"); optional when the schema has one usable field. */
    field: z.string().min(1).optional(),
  })
  .strict();

/** What a version gives a field to learn: the examples a run splits and trains on, and what it skips. */
export const TrainingExampleCounts = z.object({
  version: z.number().int().positive(),
  field: z.string(),
  /** Version records read. */
  read: z.number().int().nonnegative(),
  examples: z.number().int().nonnegative(),
  unlabeled: z.number().int().nonnegative(),
  noText: z.number().int().nonnegative(),
  invalid: z.number().int().nonnegative(),
});
export type TrainingExampleCounts = z.infer<typeof TrainingExampleCounts>;
