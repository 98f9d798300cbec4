/**
 * The learning-rate schedule of transformers' get_cosine_schedule_with_warmup
 * (src/transformers/optimization.py, _get_cosine_schedule_with_warmup_lr_lambda): linear warmup
 * from 0, then half a cosine from the peak down to 0 at `totalSteps`. Same formula, same step
 * numbering, so a run reads like a Trainer run: `step` counts optimizer steps already taken, so
 * the first update uses step 0 and, with warmup, a learning rate of 0 (as the Trainer's does).
 */

export interface CosineSchedule {
  /** The peak learning rate. */
  lr: number;
  warmupSteps: number;
  totalSteps: number;
  /** Cosine cycles over the decay; transformers' default 0.5 is one half-wave down to 0. */
  numCycles?: number;
}

/** The multiplier of the peak learning rate at `step` (transformers' lr_lambda). */
export function cosineWithWarmupFactor(step: number, warmupSteps: number, totalSteps: number, numCycles = 0.5): number {
  if (step < warmupSteps) return step / Math.max(1, warmupSteps);
  const progress = (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
  return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * numCycles * 2 * progress)));
}

export function learningRateAt(schedule: CosineSchedule, step: number): number {
  const { lr, warmupSteps, totalSteps, numCycles = 0.5 } = schedule;
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0) throw new Error(`schedule: warmupSteps must be an integer ≥ 0, got ${warmupSteps}`);
  if (!Number.isInteger(totalSteps) || totalSteps < 1) throw new Error(`schedule: totalSteps must be a positive integer, got ${totalSteps}`);
  if (!Number.isInteger(step) || step < 0) throw new Error(`schedule: step must be an integer ≥ 0, got ${step}`);
  return lr * cosineWithWarmupFactor(step, warmupSteps, totalSteps, numCycles);
}
