/**
 * DataInf (Kwon, Wu, Wu and Zou, "DataInf: Efficiently Estimating Data Influence in LoRA-tuned LLMs
 * and Diffusion Models", ICLR 2024), over a gradient store's final checkpoint.
 *
 * The influence function of training example k on a query with gradient v is
 * −vᵀ(G + λI)⁻¹ g_k, with G = (1/n) Σ_i g_i g_iᵀ (the Gauss–Newton / Fisher form of the Hessian).
 * DataInf takes the Hessian block-diagonal by layer and, per layer l, swaps the inverse and the
 * average (the paper's Eq. 4, Sherman–Morrison on each rank-one term):
 *
 *   (G_l + λ_l I)⁻¹ ≈ (1/(n λ_l)) Σ_i ( I − g_il g_ilᵀ / (λ_l + ‖g_il‖²) )
 *
 * so (Eq. 5) I(k) = Σ_l (1/(n λ_l)) Σ_i ( (v_lᵀ g_il)(g_ilᵀ g_kl) / (λ_l + ‖g_il‖²) − v_lᵀ g_kl ).
 * This is ykwon0407/DataInf's src/influence.py (compute_hvp_proposed, then compute_IF) term for
 * term. Its λ_l (the paper's §3 and the code's lambda_const_param = 10): 0.1 × the mean over i of
 * ‖g_il‖² / d_l, the mean squared entry of the layer's gradients; here d_l is the size of the
 * stored (projected) vectors, the dimension the inverse is taken in. Layers are the LoRA tensors,
 * A and B each its own (the code's weight_name loop over the PEFT parameters).
 *
 * Sign: `datainfScores` returns −I(k) = vᵀ(G + λI)⁻¹ g_k, positive when up-weighting example k
 * lowers the query's loss (a proponent), the sign TracIn's scores have, so one rule (only positive
 * scores pay) reads both. Kwon's IFEngineGeneration.compute_IF has this sign too.
 *
 * Cost per query: three passes over the stored gradients (vᵀg_i; w = Σ c_i g_i; wᵀg_k):
 * score_k = Σ_l (1/(n λ_l)) (n · vᵀg_k − wᵀg_k), with c_i = vᵀg_i / (λ_l + ‖g_i‖²).
 */
import type { BlockSpec } from './projection';
import type { CheckpointGradients } from './store';

export interface DataInfOptions {
  /**
   * How λ_l is set from the layer's gradients: 'norm', lambdaScale × mean_i ‖g_il‖²; 'entry' (Kwon
   * et al.'s code), lambdaScale × mean_i ‖g_il‖² / d_l. Default 'norm'.
   */
  damping?: 'norm' | 'entry';
  /** Default 1 for 'norm', 0.1 for 'entry'. */
  lambdaScale?: number;
}

/** λ_l per block. A block whose gradients are all zero gets λ 0 and is left out of the scores. */
export function datainfLambdas(grads: CheckpointGradients, blocks: readonly BlockSpec[], options: DataInfOptions = {}): Float64Array {
  const damping = options.damping ?? 'norm';
  const scale = options.lambdaScale ?? (damping === 'norm' ? 1 : 0.1);
  if (!(scale > 0 && Number.isFinite(scale))) throw new Error(`DataInf: lambdaScale must be a positive number, got ${scale}`);
  return Float64Array.from(blocks, (b, l) => {
    const sq = grads.squaredNorms[l]!;
    let sum = 0;
    for (let i = 0; i < sq.length; i++) sum += sq[i]!;
    return (scale * sum) / (sq.length * (damping === 'entry' ? b.k : 1));
  });
}

/** Σ_j x[j] · rows[i·k + j] for every row i (four sums at a time: 1.6× the plain loop in V8). */
export function dotRows(rows: Float32Array, k: number, x: Float64Array, out: Float64Array): Float64Array {
  const n = out.length;
  for (let i = 0; i < n; i++) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const base = i * k;
    let j = 0;
    for (; j + 3 < k; j += 4) {
      s0 += rows[base + j]! * x[j]!;
      s1 += rows[base + j + 1]! * x[j + 1]!;
      s2 += rows[base + j + 2]! * x[j + 2]!;
      s3 += rows[base + j + 3]! * x[j + 3]!;
    }
    for (; j < k; j++) s0 += rows[base + j]! * x[j]!;
    out[i] = s0 + s1 + s2 + s3;
  }
  return out;
}

/** Σ_i c[i] · rows[i] as a k-vector. */
function combineRows(rows: Float32Array, k: number, c: Float64Array): Float64Array {
  const w = new Float64Array(k);
  for (let i = 0; i < c.length; i++) {
    const ci = c[i]!;
    if (ci === 0) continue;
    const base = i * k;
    for (let j = 0; j < k; j++) w[j]! += ci * rows[base + j]!;
  }
  return w;
}

/**
 * −I_DataInf of every stored example for one query (`query[l]`: the query's projected gradient in
 * block l). `dots[l]`, when given, holds vᵀg_i already (TracIn computes the same products).
 */
export function datainfScores(grads: CheckpointGradients, blocks: readonly BlockSpec[], lambdas: Float64Array, query: readonly Float32Array[], dots?: readonly Float64Array[]): Float64Array {
  const n = grads.squaredNorms[0]!.length;
  const scores = new Float64Array(n);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const c = new Float64Array(n);
  blocks.forEach((block, l) => {
    const lambda = lambdas[l]!;
    if (!(lambda > 0)) return;
    const rows = grads.values[l]!;
    const v = query[l]!;
    if (v.length !== block.k) throw new Error(`DataInf: the query's block ${block.name} has ${v.length} values, the store's ${block.k}`);
    const av = dots?.[l] ?? dotRows(rows, block.k, Float64Array.from(v), a);
    const sq = grads.squaredNorms[l]!;
    for (let i = 0; i < n; i++) c[i] = av[i]! / (lambda + sq[i]!);
    const w = combineRows(rows, block.k, c);
    dotRows(rows, block.k, w, b);
    const f = 1 / (n * lambda);
    for (let i = 0; i < n; i++) scores[i]! += f * (n * av[i]! - b[i]!);
  });
  return scores;
}

/**
 * DataInf's self-influence g_kᵀ(G + λI)⁻¹ g_k of every stored example:
 * Σ_l (1/(n λ_l)) (n‖g_kl‖² − Σ_i (g_ilᵀ g_kl)² / (λ_l + ‖g_il‖²)). Quadratic in n (every pair's
 * inner product): for quality checks and small stores, not for 10,000 examples.
 */
export function datainfSelfInfluence(grads: CheckpointGradients, blocks: readonly BlockSpec[], lambdas: Float64Array): Float64Array {
  const n = grads.squaredNorms[0]!.length;
  const out = new Float64Array(n);
  const dots = new Float64Array(n);
  blocks.forEach((block, l) => {
    const lambda = lambdas[l]!;
    if (!(lambda > 0)) return;
    const rows = grads.values[l]!;
    const sq = grads.squaredNorms[l]!;
    const f = 1 / (n * lambda);
    for (let k = 0; k < n; k++) {
      dotRows(rows, block.k, Float64Array.from(rows.subarray(k * block.k, (k + 1) * block.k)), dots);
      let s = 0;
      for (let i = 0; i < n; i++) s += (dots[i]! * dots[i]!) / (lambda + sq[i]!);
      out[k]! += f * (n * sq[k]! - s);
    }
  });
  return out;
}
