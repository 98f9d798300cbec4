/**
 * Choosing the next token from one row of logits, with transformers' semantics and in its order:
 * repetition penalty (a logits processor), then the warpers temperature, top-k and top-p, then a
 * softmax and a draw. Greedy is the argmax of the penalized logits (transformers applies the
 * processors before its argmax too, and skips the warpers, which would not move the argmax).
 *
 * Each function works in place on a Float32Array (the copy of the logits that ONNX Runtime
 * returned for this step), with -Infinity for a removed token, as transformers' filter_value.
 */
import type { Prng } from '../train/prng';

/**
 * RepetitionPenaltyLogitsProcessor: each distinct token in `seen` (prompt and output so far)
 * has its logit divided by `penalty` when positive and multiplied by it when negative, so
 * penalty > 1 makes a repeat less likely either way.
 */
export function applyRepetitionPenalty(logits: Float32Array, seen: Iterable<number>, penalty: number): void {
  if (penalty === 1) return;
  const ids: ReadonlySet<number> = seen instanceof Set ? (seen as Set<number>) : new Set(seen);
  for (const id of ids) {
    const x = logits[id];
    if (x === undefined) continue;
    logits[id] = x < 0 ? x * penalty : x / penalty;
  }
}

/** TemperatureLogitsWarper: logits / temperature. */
export function applyTemperature(logits: Float32Array, temperature: number): void {
  if (temperature === 1) return;
  for (let i = 0; i < logits.length; i++) logits[i] = logits[i]! / temperature;
}

/** TopKLogitsWarper: removes every logit below the k-th largest (ties with it stay, as in transformers). */
export function applyTopK(logits: Float32Array, k: number): void {
  if (k <= 0 || k >= logits.length) return;
  // The k-th largest value: sort a copy descending (V log V on 50k values is well under a millisecond).
  const sorted = Float32Array.from(logits).sort().reverse();
  const kth = sorted[k - 1]!;
  for (let i = 0; i < logits.length; i++) if (logits[i]! < kth) logits[i] = -Infinity;
}

/**
 * TopPLogitsWarper: sorts ascending, takes the cumulative softmax, and removes every token whose
 * cumulative probability is at most 1 − topP, keeping the most likely token always (its
 * min_tokens_to_keep = 1). What stays is the smallest set of most likely tokens whose mass
 * exceeds topP, plus any token tied at its edge that sorts after it.
 */
export function applyTopP(logits: Float32Array, topP: number): void {
  if (topP >= 1) return;
  const order = candidates(logits);
  // Ascending by logit; a stable sort by index among ties, like torch.sort on CPU.
  order.sort((a, b) => logits[a]! - logits[b]! || a - b);
  const probs = softmaxOf(logits, order);
  let cumulative = 0;
  for (let j = 0; j < order.length - 1; j++) {
    cumulative += probs[j]!;
    if (cumulative <= 1 - topP) logits[order[j]!] = -Infinity;
  }
}

/** The index of the largest logit, the first one among ties (as torch.argmax). */
export function argmax(logits: Float32Array): number {
  let best = 0;
  let max = logits[0]!;
  for (let i = 1; i < logits.length; i++) {
    if (logits[i]! > max) {
      max = logits[i]!;
      best = i;
    }
  }
  return best;
}

/** A draw from softmax(logits) (removed tokens have -Infinity and probability 0) with one uniform from `rng`. */
export function sample(logits: Float32Array, rng: Prng): number {
  const order = candidates(logits);
  if (order.length === 0) throw new Error('sampling: every token was filtered out');
  const probs = softmaxOf(logits, order);
  const u = rng.nextFloat();
  let cumulative = 0;
  for (let j = 0; j < order.length; j++) {
    cumulative += probs[j]!;
    if (u < cumulative) return order[j]!;
  }
  // u is below the total up to rounding; a total that rounds under it lands on the last candidate.
  return order[order.length - 1]!;
}

export interface TokenChoice {
  /** Sample from the warped distribution; false: greedy (argmax). */
  doSample: boolean;
  temperature: number;
  /** 0: off. */
  topK: number;
  /** 1: off. */
  topP: number;
  /** 1: off. */
  repetitionPenalty: number;
}

/** The next token of one row. `logits` is modified; `seen` is the row's prompt and output so far. */
export function chooseToken(logits: Float32Array, seen: Iterable<number>, choice: TokenChoice, rng: Prng): number {
  applyRepetitionPenalty(logits, seen, choice.repetitionPenalty);
  if (!choice.doSample) return argmax(logits);
  applyTemperature(logits, choice.temperature);
  applyTopK(logits, choice.topK);
  applyTopP(logits, choice.topP);
  return sample(logits, rng);
}

/** Indices of the tokens not removed (finite logits), ascending. */
function candidates(logits: Float32Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < logits.length; i++) if (logits[i]! !== -Infinity) out.push(i);
  return out;
}

/** softmax over logits[order[j]], in float64. */
function softmaxOf(logits: Float32Array, order: readonly number[]): Float64Array {
  let max = -Infinity;
  for (const i of order) if (logits[i]! > max) max = logits[i]!;
  const out = new Float64Array(order.length);
  let sum = 0;
  for (let j = 0; j < order.length; j++) sum += out[j] = Math.exp(logits[order[j]!]! - max);
  for (let j = 0; j < out.length; j++) out[j] = out[j]! / sum;
  return out;
}
