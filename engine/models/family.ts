/**
 * What a model family's builder receives: the graph, the config, the open checkpoint (frozen
 * weights become initializers as they are read) and the LoRA layers to apply after each linear.
 */
import type { GraphBuilder, Value } from '../graph/index';
import type { Checkpoint } from '../io/index';
import type { ModelConfig } from './config';
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
}

/** Token ids → logits [B, T, V], recorded into ctx.g. */
export type FamilyLogits = (ctx: FamilyContext, inputs: FamilyInputs) => Promise<Value>;

// float32's lowest finite value: what transformers adds for a padded key. Finite, so a query whose
// keys are all padding gets a uniform (ignored) row instead of NaN.
export const MASKED = -3.4028234663852886e38;
