/**
 * The LoRA feeds of a per-row decode session (buildCausalLmGraph's 'decode' mode with rowLora):
 * each A/B input is [B, …] and row b holds its own adapter's tensors, and ROW_SCALING_INPUT [B]
 * holds each row's α/r. A row with no adapter is all zeros: the base model.
 *
 * An adapter is fitted into the session's shape once and kept (`slices`): a module of the
 * session's rank is used as stored (no copy: serving an adapter costs its own size, no more); a
 * smaller rank is zero-padded as lora-slots.ts pads (rows of A, columns of B); a module the adapter
 * leaves alone is zeros. A batch's feeds are its rows' slices side by side, rebuilt only when the
 * batch's rows change.
 */
import * as ort from 'onnxruntime-node';
import { loraScaling, type LoraAdapter } from '../lora-io/adapter';
import { ROW_SCALING_INPUT, type LoraTensorSpec } from '../models/lora';
import type { LoraShape } from './lora-slots';

export class RowLoraFeeds {
  private readonly cache = new WeakMap<LoraAdapter, (Float32Array | null)[]>();

  constructor(
    /** The session's LoRA inputs (each perRow, shape per row). */
    private readonly specs: readonly LoraTensorSpec[],
    private readonly shape: LoraShape,
  ) {
    const shared = specs.find((s) => !s.perRow);
    if (shared) throw new Error(`row LoRA feeds: ${shared.name} has no batch axis (build the session with rowLora)`);
  }

  /** One adapter's tensors in the order of the session's inputs (null: zeros). The caller checked that it fits. */
  slices(adapter: LoraAdapter): (Float32Array | null)[] {
    let out = this.cache.get(adapter);
    if (!out) {
      const byModule = new Map(adapter.modules.map((m) => [m.module, m]));
      const r = adapter.settings.r;
      const R = this.shape.r;
      out = this.specs.map((s) => {
        const m = byModule.get(s.module);
        if (!m) return null;
        const [rows, cols] = s.shape;
        const features = s.kind === 'A' ? cols : rows;
        const own = s.kind === 'A' ? m.inFeatures : m.outFeatures;
        if (features !== own) throw new Error(`LoRA ${s.name}: the session takes ${features} ${s.kind === 'A' ? 'input' : 'output'} features, the adapter has ${own}`);
        if (r === R) return s.kind === 'A' ? m.a : m.b;
        const data = new Float32Array(rows * cols);
        if (s.kind === 'A') data.set(m.a); // rows 0..r-1 of [R, in]
        else for (let o = 0; o < rows; o++) data.set(m.b.subarray(o * r, (o + 1) * r), o * R);
        return data;
      });
      this.cache.set(adapter, out);
    }
    return out;
  }

  /** The feeds of a batch whose row b runs adapters[b] (null: the base model). */
  feeds(adapters: readonly (LoraAdapter | null)[]): Record<string, ort.Tensor> {
    const B = adapters.length;
    const feeds: Record<string, ort.Tensor> = {};
    if (this.specs.length === 0) return feeds;
    const rows = adapters.map((a) => (a ? this.slices(a) : null));
    this.specs.forEach((s, i) => {
      const size = s.shape[0] * s.shape[1];
      const data = new Float32Array(B * size);
      rows.forEach((row, b) => {
        const slice = row?.[i];
        if (slice) data.set(slice, b * size);
      });
      feeds[s.name] = new ort.Tensor('float32', data, [B, ...s.shape]);
    });
    feeds[ROW_SCALING_INPUT] = new ort.Tensor('float32', Float32Array.from(adapters, (a) => (a ? loraScaling(a.settings) : 0)), [B]);
    return feeds;
  }
}
