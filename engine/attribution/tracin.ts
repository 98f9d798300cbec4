/**
 * TracIn (Pruthi, Liu, Kale and Sundararajan, "Estimating Training Data Influence by Tracing
 * Gradient Descent", NeurIPS 2020), the checkpoint form TracInCP:
 *
 *   TracIn(k, query) = Σ_c η_c ⟨∇ℓ(w_c, query), ∇ℓ(w_c, z_k)⟩
 *
 * over the store's checkpoints c, η_c being the learning rate summed over the optimizer steps the
 * checkpoint stands for (the store's checkpoint weight). Positive: training on z_k moved the
 * weights along a direction that lowers the query's loss (a proponent).
 * Self-influence Σ_c η_c ‖∇ℓ(w_c, z_k)‖² (the paper's §4.1 way to find mislabelled examples) is
 * taken from the exact squared norms the store keeps, not the projected ones.
 */
import type { BlockSpec } from './projection';
import { dotRows } from './datainf';
import type { GradientStore } from './store';

export interface TracInResult {
  scores: Float64Array;
  /** Per block, vᵀg_i at the last checkpoint (DataInf's first pass, computed once). */
  finalDots: Float64Array[];
}

/** `query[c][l]`: the query's projected gradient at checkpoint c in block l. */
export function tracinScores(store: GradientStore, query: readonly (readonly Float32Array[])[]): TracInResult {
  const n = store.size;
  const { blocks, checkpoints } = store;
  if (query.length !== checkpoints.length) throw new Error(`TracIn: ${query.length} query gradients for ${checkpoints.length} checkpoints`);
  const scores = new Float64Array(n);
  let finalDots: Float64Array[] = [];
  checkpoints.forEach((grads, c) => {
    const weight = store.index.checkpoints[c]!.weight;
    const dots = blocks.map((block: BlockSpec, l) => {
      const v = query[c]![l]!;
      if (v.length !== block.k) throw new Error(`TracIn: the query's block ${block.name} has ${v.length} values, the store's ${block.k}`);
      return dotRows(grads.values[l]!, block.k, Float64Array.from(v), new Float64Array(n));
    });
    for (const d of dots) for (let i = 0; i < n; i++) scores[i]! += weight * d[i]!;
    if (c === checkpoints.length - 1) finalDots = dots;
  });
  return { scores, finalDots };
}

export function tracinSelfInfluence(store: GradientStore): Float64Array {
  const out = new Float64Array(store.size);
  store.checkpoints.forEach((grads, c) => {
    const weight = store.index.checkpoints[c]!.weight;
    for (const sq of grads.exactSquaredNorms) for (let i = 0; i < out.length; i++) out[i]! += weight * sq[i]!;
  });
  return out;
}
