/**
 * One entry point for every model graph the engine runs: a Hugging Face folder (config.json +
 * safetensors) → an ONNX graph for GPT-2 or the Llama family.
 *
 * - 'forward': input_ids [B, T] (+ attention_mask) (+ LoRA tensors) → logits [B, T, V].
 * - 'train': + targets [B, T] int64, where targets[b, t] is the token expected after position t
 *   (already shifted) or -100 to ignore it, + dropout masks when the LoRA dropout is above 0 →
 *   loss (mean over kept targets) and `grad.<name>` for each LoRA tensor.
 * - 'decode' (generation with a KV cache, see kv-cache.ts): input_ids [B, T], position_ids [B, T],
 *   attention_mask [B, P + T] (past and new keys), `past.<i>.key` / `past.<i>.value`
 *   [B, kvHeads, P, headDim] per layer (P = 0 for the prefill) → logits of the last position
 *   [B, V] and `present.<i>.key` / `present.<i>.value` [B, kvHeads, P + T, headDim].
 *
 * Base weights are frozen initializers; LoRA A/B tensors are inputs named by their PEFT keys, so
 * one graph serves any adapter of the same settings and the optimizer updates them outside.
 */
import { crossEntropy, grad, GraphBuilder } from '../graph/index';
import { openCheckpoint } from '../io/index';
import type { LoraSettings } from '../lora-io/adapter';
import { loadModelConfig, type ModelConfig, type ModelType } from './config';
import type { FamilyLogits } from './family';
import { gpt2Logits } from './gpt2';
import { llamaLogits } from './llama';
import { KvCache } from './kv-cache';
import { LoraLayers, type DropoutSpec, type LoraTensorSpec } from './lora';

export type GraphMode = 'forward' | 'train' | 'decode';

export interface CausalLmGraphOptions {
  mode: GraphMode;
  /** LoRA settings (lora-io's loraSettings); required for 'train', since the base is frozen. */
  lora?: LoraSettings;
  /** Take an `attention_mask` input [B, T] (int64, 1 = attend, 0 = padding), as transformers does. Decode graphs always do. */
  attentionMask?: boolean;
  /**
   * 'decode' only: each LoRA input has a leading batch axis (A [B, r, in], B [B, out, r]), so
   * every row of a batch runs with its own adapter (lora.ts). Without it one adapter serves the
   * whole batch, as single-stream decoding uses it.
   */
  rowLora?: boolean;
}

export interface CausalLmGraph {
  graph: GraphBuilder;
  config: ModelConfig;
  /** The LoRA inputs in the model's order (module, A then B); empty without lora. */
  lora: LoraTensorSpec[];
  /** Dropout mask inputs (train mode with dropout > 0 only). */
  dropout: DropoutSpec[];
}

const FAMILIES: Record<ModelType, FamilyLogits> = { gpt2: gpt2Logits, llama: llamaLogits, qwen2: llamaLogits };

export async function buildCausalLmGraph(dir: string, options: CausalLmGraphOptions): Promise<CausalLmGraph> {
  const config = loadModelConfig(dir);
  if (options.mode === 'train' && !options.lora) throw new Error('a training graph needs LoRA settings (the base weights are frozen)');
  const checkpoint = await openCheckpoint(dir);
  try {
    const g = new GraphBuilder(`${config.modelType}_${options.mode}${options.rowLora ? '_rowlora' : ''}`);
    if (options.rowLora && options.mode !== 'decode') throw new Error(`rowLora is a decode-graph option, not for mode '${options.mode}'`);
    const lora = new LoraLayers(g, config, options.lora, options.mode === 'train', options.rowLora ?? false);
    const ids = g.input('input_ids', 'int64', ['B', 'T']);
    const family = FAMILIES[config.modelType];
    if (options.mode === 'decode') {
      const positionIds = g.input('position_ids', 'int64', ['B', 'T']);
      const attentionMask = g.input('attention_mask', 'int64', ['B', 'P+T']);
      const cache = new KvCache(g, config);
      g.output(await family({ g, config, checkpoint, lora }, { ids, attentionMask, positionIds, cache, lastOnly: true }), 'logits');
      return { graph: g, config, lora: lora.tensors, dropout: [] };
    }
    const attentionMask = options.attentionMask ? g.input('attention_mask', 'int64', ['B', 'T']) : undefined;
    const logits = await family({ g, config, checkpoint, lora }, { ids, attentionMask });
    if (options.mode === 'forward') {
      g.output(logits, 'logits');
    } else {
      const targets = g.input('targets', 'int64', ['B', 'T']);
      const loss = g.output(crossEntropy(g, logits, targets), 'loss');
      grad(g, loss, lora.values);
    }
    // Forward graphs take no dropout masks: inference runs with dropout off, as model.eval() does.
    return { graph: g, config, lora: lora.tensors, dropout: lora.dropouts };
  } finally {
    await checkpoint.close();
  }
}
