/**
 * What a run will cost, said before it starts and kept simple enough to be honest about.
 *
 * Memory: the base weights in float32 (the engine computes in float32 whatever the checkpoint's
 * type), the activations the backward pass keeps for one micro-batch (per token and layer about
 * 18 widths for the norms, projections, attention output and MLP, plus the attention scores;
 * per token the logits over the vocabulary three times: values, log-softmax and its gradient), and
 * the adapter with its gradient and AdamW's two moments. ONNX Runtime's own buffers come on top.
 *
 * Time: only from a measurement. A previous run on the same base model gives seconds per step,
 * scaled by examples per step; without one the page says the time is measured after the first steps.
 */

export interface ModelShape {
  parameters: number;
  layers: number;
  hidden: number;
  vocab: number;
}

export interface MemoryInput {
  batch: number;
  maxLen: number;
  rank: number;
  targets: 'default' | 'all-linear';
}

export interface MemoryEstimate {
  weights: number;
  activations: number;
  adapter: number;
  total: number;
}

const FLOAT = 4;
/** Widths kept per token and layer for the backward pass (norms, q/k/v/o, MLP in and out, residuals). */
const WIDTHS_PER_LAYER = 18;
/** A head is usually 64 wide; the model list does not give the head count. */
const HEAD_WIDTH = 64;

/** Adapter values per layer for rank 1: q and v (in + out) by default; every linear layer with all-linear (MLP about 2.7× wider). */
function adapterPerRank(shape: ModelShape, targets: MemoryInput['targets']): number {
  const h = shape.hidden;
  return targets === 'default' ? 4 * h : 8 * h + 3 * (h + 2.7 * h);
}

export function memoryEstimate(shape: ModelShape, run: MemoryInput): MemoryEstimate {
  const tokens = run.batch * run.maxLen;
  const heads = Math.max(1, Math.round(shape.hidden / HEAD_WIDTH));
  const perTokenLayer = WIDTHS_PER_LAYER * shape.hidden + 2 * heads * run.maxLen;
  const activations = tokens * (shape.layers * perTokenLayer + 3 * shape.vocab) * FLOAT;
  const weights = shape.parameters * FLOAT;
  // Values, gradient, and AdamW's first and second moments.
  const adapter = run.rank * adapterPerRank(shape, run.targets) * shape.layers * 4 * FLOAT;
  return { weights, activations, adapter, total: weights + activations + adapter };
}

/** What an earlier run measured, as the run history keeps it. */
export interface MeasuredRun {
  out: string;
  model: string;
  datanet: string;
  /** batch × gradAccum. */
  examplesPerStep: number;
  secondsPerStep: number;
  tokensPerSecond: number | null;
}

export interface TimeEstimate {
  seconds: number;
  /** Which run it comes from, in words. */
  basis: string;
}

/**
 * The time for `steps` steps, from the newest measured run on the same base model (one on the
 * same datanet first: its examples have the lengths this run will see); null without one.
 */
export function timeEstimate(
  run: { model: string; datanet: string; steps: number; examplesPerStep: number },
  measured: readonly MeasuredRun[],
): TimeEstimate | null {
  const sameModel = measured.filter((m) => m.model === run.model && m.secondsPerStep > 0);
  const basis = sameModel.find((m) => m.datanet === run.datanet) ?? sameModel[0];
  if (!basis) return null;
  const seconds = run.steps * basis.secondsPerStep * (run.examplesPerStep / basis.examplesPerStep);
  const speed = basis.tokensPerSecond ? `, ${Math.round(basis.tokensPerSecond).toLocaleString()} tokens/s` : '';
  const where = basis.datanet === run.datanet ? '' : ' on another datanet, whose examples may be longer or shorter';
  return { seconds, basis: `from run ${basis.out} (${basis.secondsPerStep.toPrecision(2)} s per step of ${basis.examplesPerStep} examples${speed})${where}` };
}

/** Seconds per step over a run's recorded points (at least two steps apart), or null. */
export function secondsPerStep(points: readonly { step: number; at: number }[]): number | null {
  if (points.length < 2) return null;
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const steps = last.step - first.step;
  return steps > 0 && last.at > first.at ? (last.at - first.at) / 1000 / steps : null;
}
