/**
 * What a model family's builder receives: the graph, the config, the open checkpoint (frozen
 * weights become initializers as they are read) and the LoRA layers to apply after each linear.
 */
import type { GraphBuilder, Value } from '../graph/index';
import type { Checkpoint } from '../io/index';
import type { ModelConfig } from './config';
import type { KvCache } from './kv-cache';
import type { LoraLayers } from './lora';

export interface FamilyContext {
  g: GraphBuilder;
  config: ModelConfig;
  checkpoint: Checkpoint;
  lora: LoraLayers;
}

export interface FamilyInputs {
  /** [B, T] int64. */
  ids: Value;
  /** [B, T] int64, 1 = attend, 0 = padding (transformers' attention_mask), when the graph takes one. */
  attentionMask?: Value;
  /**
   * Decode graphs only (the three below come together): [B, T] int64 positions of the new tokens,
   * given by the caller (after a left-padded prompt, cumsum(attention_mask) − 1 as transformers'
   * generate computes them). The attention mask then covers past and new keys, [B, P + T].
   */
  positionIds?: Value;
  /** Decode graphs: the per-layer key/value cache each attention appends to. */
  cache?: KvCache;
  /** Logits of the last position only, [B, V]: the LM head over every prompt position would be waste. */
  lastOnly?: boolean;
}

/** Token ids → logits [B, T, V] ([B, V] with lastOnly), recorded into ctx.g. */
export type FamilyLogits = (ctx: FamilyContext, inputs: FamilyInputs) => Promise<Value>;

// float32's lowest finite value: what transformers adds for a padded key. Finite, so a query whose
// keys are all padding gets a uniform (ignored) row instead of NaN.
export const MASKED = -3.4028234663852886e38;

/** [B, T, H] → [B, H]: each row's last position (Gather takes the negative index from the end). */
export function lastPosition(g: GraphBuilder, x: Value): Value {
  return g.gather(x, g.scalar(-1, 'int64'), 1);
}
