/**
 * The key/value cache of a decode graph (buildCausalLmGraph's 'decode' mode): per layer an input
 * pair `past.<i>.key` / `past.<i>.value` [B, kvHeads, P, headDim] (P = 0 for the prefill: ONNX
 * Runtime takes empty tensors) and an output pair `present.<i>.key` / `present.<i>.value`
 * [B, kvHeads, P + T, headDim], the past with this call's keys and values appended, which the
 * caller feeds back as the next call's past.
 *
 * Keys are cached after the rotary embedding (as transformers' DynamicCache holds them), so a
 * cached key is never rotated again.
 */
import type { GraphBuilder, Value } from '../graph/index';
import type { ModelConfig } from './config';

export const pastName = (layer: number, kind: 'key' | 'value') => `past.${layer}.${kind}`;
export const presentName = (layer: number, kind: 'key' | 'value') => `present.${layer}.${kind}`;

export class KvCache {
  private readonly past: { key: Value; value: Value }[] = [];

  constructor(
    private readonly g: GraphBuilder,
    config: ModelConfig,
  ) {
    for (let i = 0; i < config.numLayers; i++) {
      const shape = ['B', config.numKvHeads, 'P', config.headDim];
      this.past.push({ key: g.input(pastName(i, 'key'), 'float', shape), value: g.input(pastName(i, 'value'), 'float', shape) });
    }
  }

  /** This layer's keys and values [B, kvHeads, T, headDim] appended to its past: [B, kvHeads, P + T, headDim], also the layer's present outputs. */
  append(layer: number, key: Value, value: Value): { key: Value; value: Value } {
    const past = this.past[layer];
    if (!past) throw new Error(`KV cache: no layer ${layer}`);
    const g = this.g;
    return {
      key: g.output(g.concat([past.key, key], 2), presentName(layer, 'key')),
      value: g.output(g.concat([past.value, value], 2), presentName(layer, 'value')),
    };
  }
}
