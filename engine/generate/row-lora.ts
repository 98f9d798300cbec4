/**
 * The LoRA feeds of a per-row decode session (buildCausalLmGraph's 'decode' mode with rowLora):
 * each input is [B, …] and row b holds its own adapter's tensors, padded into the session's shape
 * as lora-slots.ts pads them (zero rows of A and columns of B past the adapter's rank, its α/r
 * folded into B, zeros for modules it leaves alone). A row with no adapter is all zeros: the base
 * model.
 *
 * An adapter's padded tensors are made once per session and kept (`RowLoraFeeds.slices`); a
 * batch's feeds are those slices copied side by side, rebuilt only when the batch's rows change.
 */
import * as ort from 'onnxruntime-node';
import type { LoraAdapter } from '../lora-io/adapter';
import type { LoraTensorSpec } from '../models/lora';
import { slotFeeds, type LoraShape } from './lora-slots';

export class RowLoraFeeds {
  private readonly cache = new WeakMap<LoraAdapter, Float32Array[]>();

  constructor(
    /** The session's LoRA inputs (each perRow, shape per row). */
    private readonly specs: readonly LoraTensorSpec[],
    private readonly shape: LoraShape,
  ) {
    const shared = specs.find((s) => !s.perRow);
    if (shared) throw new Error(`row LoRA feeds: ${shared.name} has no batch axis (build the session with rowLora)`);
  }

  /** One adapter's tensors, in the order of the session's inputs, padded to the session's shape. The caller checked that it fits. */
  slices(adapter: LoraAdapter): Float32Array[] {
    let out = this.cache.get(adapter);
    if (!out) {
      const feeds = slotFeeds(this.specs, this.shape, adapter);
      out = this.specs.map((s) => feeds[s.name]!.data as Float32Array);
      this.cache.set(adapter, out);
    }
    return out;
  }

  /** The feeds of a batch whose row b runs adapters[b] (null: the base model). */
  feeds(adapters: readonly (LoraAdapter | null)[]): Record<string, ort.Tensor> {
    const B = adapters.length;
    const rows = adapters.map((a) => (a ? this.slices(a) : null));
    const feeds: Record<string, ort.Tensor> = {};
    this.specs.forEach((s, i) => {
      const size = s.shape[0] * s.shape[1];
      const data = new Float32Array(B * size);
      rows.forEach((row, b) => row && data.set(row[i]!, b * size));
      feeds[s.name] = new ort.Tensor('float32', data, [B, ...s.shape]);
    });
    return feeds;
  }
}
