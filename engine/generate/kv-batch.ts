/**
 * Reshaping a running batch's key/value cache between steps, for continuous batching
 * (batch-scheduler.ts): rows that finished leave, rows just prefilled join.
 *
 * Every row's cache is right-aligned: its last key sits at the last position, so the next step's
 * token, appended at the end, follows each row's own history. A row shorter than the batch has
 * zeros on its left, masked by attention_mask 0 (as left padding is). Joining two batches pads the
 * shorter one's rows on the left; dropping rows also drops the leading positions no remaining row
 * attends to, so the cache does not keep the width of a row that left.
 *
 * Each reshape copies the cache once (per layer, key and value); steps in between copy nothing.
 */
import * as ort from 'onnxruntime-node';
import { pastName } from '../models/kv-cache';
import { KvState } from './decode-session';

/** Per layer, key then value: the names of a cache's tensors. */
function names(kv: KvState): string[] {
  const out: string[] = [];
  for (let i = 0; i < kv.config.numLayers; i++) out.push(pastName(i, 'key'), pastName(i, 'value'));
  return out;
}

/**
 * A cache of `rows` (indices into kv's batch, in this order), each keeping its last `length`
 * positions (kv.length − length leading positions cut; rows shorter than that are zero there).
 */
export function selectRows(kv: KvState, rows: readonly number[], length: number): KvState {
  if (length > kv.length) throw new Error(`KV cache: cannot keep ${length} positions of ${kv.length}`);
  const { numKvHeads: H, headDim: D } = kv.config;
  const cut = kv.length - length;
  const past: Record<string, ort.Tensor> = {};
  const from = kv.feeds();
  for (const name of names(kv)) {
    const src = from[name]!.data as Float32Array;
    const dst = new Float32Array(rows.length * H * length * D);
    rows.forEach((r, b) => {
      for (let h = 0; h < H; h++) {
        const s = ((r * H + h) * kv.length + cut) * D;
        dst.set(src.subarray(s, s + length * D), (b * H + h) * length * D);
      }
    });
    past[name] = new ort.Tensor('float32', dst, [rows.length, H, length, D]);
  }
  return new KvState(kv.config, rows.length, past, length);
}

/** The rows of `a` then the rows of `b`, right-aligned to the longer of the two. */
export function joinRows(a: KvState, b: KvState): KvState {
  if (a.batch === 0) return b;
  if (b.batch === 0) return a;
  const { numKvHeads: H, headDim: D } = a.config;
  const length = Math.max(a.length, b.length);
  const past: Record<string, ort.Tensor> = {};
  const fa = a.feeds();
  const fb = b.feeds();
  for (const name of names(a)) {
    const dst = new Float32Array((a.batch + b.batch) * H * length * D);
    let row = 0;
    for (const [kv, from] of [[a, fa], [b, fb]] as const) {
      const src = from[name]!.data as Float32Array;
      const pad = length - kv.length;
      for (let r = 0; r < kv.batch; r++, row++) {
        for (let h = 0; h < H; h++) {
          const s = (r * H + h) * kv.length * D;
          dst.set(src.subarray(s, s + kv.length * D), ((row * H + h) * length + pad) * D);
        }
      }
    }
    past[name] = new ort.Tensor('float32', dst, [a.batch + b.batch, H, length, D]);
  }
  return new KvState(a.config, a.batch + b.batch, past, length);
}
