/**
 * Layers built from the builder's primitive ops, so autodiff needs no rules of its own for them
 * and each one's gradient is the composition of checked rules.
 */
import type { GraphBuilder, Value } from './builder';
import { ShapeError, fmt } from './shape';

/** x·W (+ b): a linear layer as MatMul + Add, W stored [in, out]. */
export function linear(g: GraphBuilder, x: Value, w: Value, b?: Value): Value {
  const y = g.matmul(x, w);
  return b ? g.add(y, b) : y;
}

/** GPT-2's gelu_new: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function gelu(g: GraphBuilder, x: Value): Value {
  const inner = g.mul(g.add(x, g.mul(g.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return g.mul(g.mul(x, 0.5), g.add(g.tanh(inner), 1));
}

/** SiLU (Llama's MLP activation): x·sigmoid(x). */
export function silu(g: GraphBuilder, x: Value): Value {
  return g.mul(x, g.sigmoid(x));
}

/** LayerNorm over the last axis, biased variance as PyTorch computes it. */
export function layerNorm(g: GraphBuilder, x: Value, weight: Value, bias: Value, eps = 1e-5): Value {
  const centered = g.sub(x, g.reduceMean(x, [-1]));
  const variance = g.reduceMean(g.mul(centered, centered), [-1]);
  return g.add(g.mul(g.div(centered, g.sqrt(g.add(variance, eps))), weight), bias);
}

/** RMSNorm over the last axis (Llama): x / √(mean(x²) + eps) · weight. */
export function rmsNorm(g: GraphBuilder, x: Value, weight: Value, eps = 1e-6): Value {
  const rms = g.sqrt(g.add(g.reduceMean(g.mul(x, x), [-1]), eps));
  return g.mul(g.mul(x, g.reciprocal(rms)), weight);
}

/**
 * Rotary embedding, Hugging Face's rotate_half layout: x·cos + rotate_half(x)·sin, with
 * rotate_half(x) = [-x₂, x₁] for the two halves of the last axis. cos and sin are [T, D] (see
 * ropeTables) and broadcast over the leading batch and head axes of x [..., T, D].
 */
export function rotary(g: GraphBuilder, x: Value, cos: Value, sin: Value): Value {
  const d = x.shape[x.shape.length - 1];
  if (typeof d !== 'number' || d % 2 !== 0) throw new ShapeError('rotary', `the last axis of ${fmt(x.shape)} must be a known even size`);
  const x1 = g.slice(x, [0], [d / 2], [-1]);
  const x2 = g.slice(x, [d / 2], [d], [-1]);
  const rotated = g.concat([g.neg(x2), x1], -1);
  return g.add(g.mul(x, cos), g.mul(rotated, sin));
}

/** cos and sin tables [positions, dim] for rotary(), as Hugging Face's Llama computes them. */
export function ropeTables(dim: number, positions: number, theta = 10000): { cos: Float32Array; sin: Float32Array } {
  const cos = new Float32Array(positions * dim);
  const sin = new Float32Array(positions * dim);
  const half = dim / 2;
  for (let p = 0; p < positions; p++) {
    for (let i = 0; i < half; i++) {
      // HF computes inv_freq in float32 before the outer product; fround keeps us bit-close.
      const invFreq = Math.fround(1 / Math.pow(theta, (2 * i) / dim));
      const angle = Math.fround(p * invFreq);
      cos[p * dim + i] = cos[p * dim + i + half] = Math.cos(angle);
      sin[p * dim + i] = sin[p * dim + i + half] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

/**
 * Causal self-attention mask on scores [..., Tq, Tk] whose queries are the last Tq of the Tk
 * positions (Tq = Tk in training; Tk = past + Tq with a KV cache): a key after its query gets
 * -inf, so softmax gives it zero weight. Sizes are read at run time, so one graph serves any length.
 */
export function causalMask(g: GraphBuilder, scores: Value): Value {
  if (scores.shape.length < 2) throw new ShapeError('causalMask', `scores ${fmt(scores.shape)} must end in [Tq, Tk]`);
  const past = g.sub(g.dimOf(scores, -1), g.dimOf(scores, -2));
  const queries = g.add(g.arange(scores, -2), past);
  const future = g.greater(g.unsqueeze(g.arange(scores, -1), [0]), g.unsqueeze(queries, [1]));
  return g.where(future, -Infinity, scores);
}

/**
 * Mean cross-entropy over the targets that are not ignoreIndex (PyTorch's F.cross_entropy with
 * ignore_index). logits [..., V], targets [...] int64. NaN when every target is ignored, as in PyTorch.
 */
export function crossEntropy(g: GraphBuilder, logits: Value, targets: Value, ignoreIndex = -100): Value {
  const lead = logits.shape.slice(0, -1);
  if (targets.shape.length !== lead.length || targets.shape.some((d, i) => d !== lead[i])) {
    throw new ShapeError('crossEntropy', `targets ${fmt(targets.shape)} must have the shape of logits ${fmt(logits.shape)} without its last axis`);
  }
  if (targets.dtype !== 'int64') throw new ShapeError('crossEntropy', `targets ${targets.name} are ${targets.dtype}, int64 needed`);
  const logProbs = g.logSoftmax(logits, -1);
  const valid = g.not(g.equal(targets, ignoreIndex));
  // Ignored positions gather index 0 (any valid index) and are then masked out.
  const safe = g.unsqueeze(g.where(valid, targets, 0), [-1]);
  const picked = g.squeeze(g.gatherElements(logProbs, safe, -1), [-1]);
  const mask = g.cast(valid, logits.dtype);
  return g.neg(g.div(g.reduceSum(g.mul(picked, mask), undefined, false), g.reduceSum(mask, undefined, false)));
}
