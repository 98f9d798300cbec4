import type { FloatArray } from './adamw';

/**
 * Gradient clipping by global norm, as torch.nn.utils.clip_grad_norm_ (norm_type 2): the norm is
 * taken over all gradients together, and when it exceeds `maxNorm` every gradient is scaled by
 * maxNorm / (norm + 1e-6). Returns the norm before clipping, which progress reports show.
 * A non-finite norm leaves the gradients alone and is returned as is: the caller decides whether
 * to skip the step (torch's default, error_if_nonfinite=False, would scale them by NaN).
 */
export function clipGradNorm(grads: readonly FloatArray[], maxNorm: number): number {
  if (!(maxNorm > 0)) throw new Error(`clipGradNorm: maxNorm must be > 0, got ${maxNorm}`);
  let sum = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) sum += g[i]! * g[i]!;
  const norm = Math.sqrt(sum);
  if (!Number.isFinite(norm)) return norm;
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) for (const g of grads) for (let i = 0; i < g.length; i++) g[i] = g[i]! * coef;
  return norm;
}

/**
 * Sums the gradients of several micro-batches into one step's gradient. Each micro-batch comes
 * with a weight (the number of target tokens its mean loss was taken over), so the result is the
 * gradient of the mean loss over every token of the step, not a mean of means that would count a
 * short micro-batch's tokens more. With weight 1 each, it is the plain mean.
 */
export class GradientAccumulator {
  private readonly sums: Float64Array[];
  private totalWeight = 0;
  private count = 0;

  constructor(private readonly sizes: readonly number[]) {
    // Sums in float64: a long accumulation of float32 gradients would otherwise lose low bits.
    this.sums = sizes.map((n) => new Float64Array(n));
  }

  /** Micro-batches added since the last take(). */
  get microBatches(): number {
    return this.count;
  }

  add(grads: readonly FloatArray[], weight = 1): void {
    if (grads.length !== this.sizes.length) throw new Error(`GradientAccumulator: ${grads.length} gradients, expected ${this.sizes.length}`);
    if (!(weight > 0) || !Number.isFinite(weight)) throw new Error(`GradientAccumulator: weight must be a positive number, got ${weight}`);
    grads.forEach((g, i) => {
      const sum = this.sums[i]!;
      if (g.length !== sum.length) throw new Error(`GradientAccumulator: gradient ${i} has ${g.length} elements, expected ${sum.length}`);
      for (let k = 0; k < g.length; k++) sum[k] = sum[k]! + weight * g[k]!;
    });
    this.totalWeight += weight;
    this.count += 1;
  }

  /** The weighted mean as Float32Arrays, and a reset for the next step. */
  take(): Float32Array[] {
    if (this.count === 0) throw new Error('GradientAccumulator: nothing was added');
    const out = this.sums.map((sum) => {
      const g = new Float32Array(sum.length);
      for (let k = 0; k < sum.length; k++) g[k] = sum[k]! / this.totalWeight;
      sum.fill(0);
      return g;
    });
    this.totalWeight = 0;
    this.count = 0;
    return out;
  }
}
