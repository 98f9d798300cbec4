/**
 * The Train page's knobs: two presets, and for custom runs each hyperparameter's limits (those of
 * TrainStartInput, so the form never offers what the backend refuses) with a one-line explanation.
 */

export interface Hyperparameters {
  steps: number;
  lr: number;
  warmup: number;
  rank: number;
  alpha: number;
  dropout: number;
  targets: 'default' | 'all-linear';
  batch: number;
  gradAccum: number;
  maxLen: number;
  packing: boolean;
  seed: number;
  evalFraction: number;
  evalEvery: number;
  checkpointEvery: number;
  provider: 'cpu' | 'auto';
}

export type PresetId = 'quick' | 'standard' | 'custom';

/** The shortest max length the backend takes (TrainStartInput.maxLen). */
const MAX_LEN_MIN = 8;

export const PRESETS: Record<Exclude<PresetId, 'custom'>, { label: string; description: string; values: Hyperparameters }> = {
  quick: {
    label: 'Quick',
    description: 'A short run with a small adapter (rank 8): minutes on a laptop, to check the data teaches what you expect.',
    values: { steps: 60, lr: 1e-3, warmup: 5, rank: 8, alpha: 16, dropout: 0, targets: 'default', batch: 4, gradAccum: 1, maxLen: 256, packing: false, seed: 42, evalFraction: 0.1, evalEvery: 10, checkpointEvery: 20, provider: 'cpu' },
  },
  standard: {
    label: 'Standard',
    description: 'A fuller run (rank 16, all linear layers, longer examples): for an adapter you mean to use and register.',
    values: { steps: 400, lr: 2e-4, warmup: 20, rank: 16, alpha: 32, dropout: 0.05, targets: 'all-linear', batch: 4, gradAccum: 2, maxLen: 512, packing: false, seed: 42, evalFraction: 0.1, evalEvery: 50, checkpointEvery: 50, provider: 'cpu' },
  },
};

/**
 * A preset's values for a base model: its max length cut to the model's context (positions past it
 * do not exist, and the backend cuts examples there anyway), so the form never fills in a length
 * the model cannot hold. Nothing else in a preset depends on the context.
 */
export function presetValues(id: Exclude<PresetId, 'custom'>, contextLength: number): Hyperparameters {
  const values = PRESETS[id].values;
  const maxLen = Math.max(MAX_LEN_MIN, Math.min(values.maxLen, contextLength));
  return maxLen === values.maxLen ? values : { ...values, maxLen };
}

/** The sentence under a preset's summary when its max length was cut to the model's context, else null. */
export function presetContextNote(id: Exclude<PresetId, 'custom'>, contextLength: number, modelName: string): string | null {
  const preset = PRESETS[id];
  const maxLen = presetValues(id, contextLength).maxLen;
  if (maxLen === preset.values.maxLen) return null;
  return `Max length ${maxLen}: the context of ${modelName}, which is shorter than the ${preset.label} preset's ${preset.values.maxLen} tokens.`;
}

/**
 * The note beside a typed max length longer than the model's context, else null. The value is left
 * as typed (changing it behind the user's back would lose it when they switch models) and Start
 * stays enabled (the backend accepts it and cuts examples to the context): the note says what the
 * run will use.
 */
export function maxLenContextNote(maxLen: number, contextLength: number, modelName: string): string | null {
  if (!Number.isFinite(maxLen) || maxLen <= contextLength) return null;
  return `This is more than the context of ${modelName} (${contextLength} tokens): the run cuts examples to ${contextLength} tokens.`;
}

type NumberKey = { [K in keyof Hyperparameters]: Hyperparameters[K] extends number ? K : never }[keyof Hyperparameters];

export interface NumberLimit {
  key: NumberKey;
  label: string;
  min: number;
  max: number;
  step: number | 'any';
  /** What it does, in one line. */
  help: string;
}

/** In the order the form shows them. */
export const NUMBER_LIMITS: readonly NumberLimit[] = [
  { key: 'steps', label: 'Steps', min: 1, max: 1_000_000, step: 1, help: 'Optimizer updates. More steps learn more, and past a point memorise the training examples.' },
  { key: 'lr', label: 'Learning rate', min: 1e-6, max: 1, step: 'any', help: 'How big each update is. LoRA usually works between 1e-4 and 1e-3; too high and the loss jumps about.' },
  { key: 'warmup', label: 'Warm-up steps', min: 0, max: 100_000, step: 1, help: 'Steps over which the learning rate ramps up from zero, which steadies the start.' },
  { key: 'rank', label: 'Rank', min: 1, max: 256, step: 1, help: "The adapter's capacity: its matrices' inner size. 8–16 suits most tasks; higher is bigger and slower." },
  { key: 'alpha', label: 'Alpha', min: 0.01, max: 4096, step: 'any', help: "Scales the adapter's effect by alpha / rank; twice the rank is the usual choice." },
  { key: 'dropout', label: 'Dropout', min: 0, max: 0.99, step: 'any', help: "Randomly drops part of the adapter's input while training, against overfitting small datasets." },
  { key: 'batch', label: 'Batch size', min: 1, max: 512, step: 1, help: 'Examples per forward pass. Larger is steadier and needs more memory.' },
  { key: 'gradAccum', label: 'Gradient accumulation', min: 1, max: 1024, step: 1, help: 'Batches added up per update: a larger effective batch without the memory.' },
  { key: 'maxLen', label: 'Max length (tokens)', min: MAX_LEN_MIN, max: 32_768, step: 1, help: 'Longer examples are cut to this. Memory grows with it.' },
  { key: 'evalFraction', label: 'Held-out share', min: 0, max: 0.5, step: 'any', help: 'Share of examples kept out of training to measure the eval loss honestly.' },
  { key: 'evalEvery', label: 'Eval every (steps)', min: 0, max: 1_000_000, step: 1, help: 'How often the eval loss is measured during the run (0: only at the end).' },
  { key: 'checkpointEvery', label: 'Checkpoint every (steps)', min: 0, max: 1_000_000, step: 1, help: 'How often the run is saved, so a cancel or a crash resumes from there (0: only on cancel).' },
  { key: 'seed', label: 'Seed', min: 0, max: 2 ** 31 - 1, step: 1, help: 'The same seed and settings repeat the same run.' },
];

/** Why a value is out of its limits, or null when it is fine. */
export function limitProblem(limit: NumberLimit, value: number): string | null {
  if (!Number.isFinite(value)) return `${limit.label} must be a number.`;
  if (value < limit.min || value > limit.max) return `${limit.label} must be between ${limit.min} and ${limit.max.toLocaleString()}.`;
  if (limit.step === 1 && !Number.isInteger(value)) return `${limit.label} must be a whole number.`;
  return null;
}

/** Every out-of-limit value, by key. */
export function problems(values: Hyperparameters): Partial<Record<NumberKey, string>> {
  const out: Partial<Record<NumberKey, string>> = {};
  for (const limit of NUMBER_LIMITS) {
    const p = limitProblem(limit, values[limit.key]);
    if (p) out[limit.key] = p;
  }
  return out;
}
