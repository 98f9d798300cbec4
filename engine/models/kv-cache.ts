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
import { addDims } from '../graph/shape';
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
    return { key: this.present(past.key, key, presentName(layer, 'key')), value: this.present(past.value, value, presentName(layer, 'value')) };
  }

  /** Concat(past, new) on the time axis, emitted under the output's own name (no Identity node to copy it). */
  private present(past: Value, added: Value, name: string): Value {
    const shape = past.shape.map((d, i) => (i === 2 ? addDims([d, added.shape[2]!]) : d));
    return this.g.output(this.g.emit('Concat', [past, added], [{ dtype: past.dtype, shape, name }], { axis: 2 })[0]!);
  }
}
