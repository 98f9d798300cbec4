/**
 * The attention mask of a decode graph, built once for every layer: which keys a query may not
 * see (later positions, and padding) and the value its score takes there, as the forward graph
 * sets them layer by layer (causalMask's −∞, then the padding's float32 minimum over it).
 *
 * Decoding one token at a time runs a few hundred small nodes per step, each with a fixed cost in
 * ONNX Runtime; the causal mask alone is eight of them per layer. Here the whole mask is computed
 * once per step and each layer applies it with one Where.
 */
import type { GraphBuilder, Value } from '../graph/index';
import { MASKED } from './family';

export interface DecodeMask {
  /** true where the score is replaced. */
  blocked: Value;
  /** What it is replaced with: −∞ for a later key, MASKED for a padding key. */
  fill: Value;
}

/**
 * ids [B, T] are the new tokens, attentionMask [B, P + T] covers past and new keys; queries are
 * the last T of the P + T positions. `rank` is the rank of the scores the mask applies to, whose
 * last two axes are [T, P + T] and whose first is B (4 for GPT-2's [B, heads, T, Tk], 5 for the
 * Llama family's grouped [B, KV, rep, T, Tk]).
 */
export function decodeMask(g: GraphBuilder, ids: Value, attentionMask: Value, rank: number): DecodeMask {
  const past = g.sub(g.dimOf(attentionMask, 1), g.dimOf(ids, 1));
  const queries = g.add(g.arange(ids, 1), past);
  const future = g.greater(g.unsqueeze(g.arange(attentionMask, 1), [0]), g.unsqueeze(queries, [1])); // [T, Tk]
  const middle = Array.from({ length: rank - 3 }, (_, i) => i + 1);
  const padding = g.unsqueeze(g.equal(attentionMask, 0), [...middle, rank - 2]); // [B, 1…, 1, Tk]
  const fill = g.where(padding, MASKED, g.where(future, -Infinity, g.scalar(0))); // [B, 1…, T, Tk]
  return { blocked: g.less(fill, 0), fill };
}
