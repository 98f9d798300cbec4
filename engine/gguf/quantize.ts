import { f16ToF32, f32BitsToF16Bits, f32ToF16 } from '../io/half';
import { GGML_BLOCK, tensorBytes, type GgmlType } from './format';

/**
 * A tensor's values in a ggml type's bytes, little-endian, rows as stored (the last dimension
 * fastest).
 *
 * Q8_0 is ggml's quantize_row_q8_0_ref, which gguf-py's Q8_0.quantize_blocks repeats bit for bit:
 * per block of 32 values, d = max|x| / 127 in float32, stored as fp16; each value becomes
 * roundf(x · (1/d)) as int8 (half away from zero), with 1/d taken in float32 and 0 for an all-zero
 * block. Math.fround keeps each step in float32 as C and numpy do, so the bytes match theirs.
 */
export function encodeTensor(type: GgmlType, values: Float32Array, shape: readonly number[]): Uint8Array {
  const want = tensorBytes(type, shape);
  const count = shape.reduce((a, d) => a * d, 1);
  if (values.length !== count) throw new Error(`GGUF: [${shape.join(', ')}] holds ${count} values, got ${values.length}`);
  let out: Uint8Array;
  if (type === 'F32') out = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  else if (type === 'F16') {
    const half = f32ToF16(values);
    out = new Uint8Array(half.buffer, half.byteOffset, half.byteLength);
  } else out = quantizeQ8_0(values);
  if (out.length !== want) throw new Error(`GGUF: ${type} [${shape.join(', ')}] encoded to ${out.length} bytes, expected ${want}`);
  return out;
}

const f32Bits = new Uint32Array(1);
const f32View = new Float32Array(f32Bits.buffer);

function halfBits(x: number): number {
  f32View[0] = x;
  return f32BitsToF16Bits(f32Bits[0]!);
}

/** C's roundf: to nearest, halves away from zero. */
function roundf(x: number): number {
  return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}

export function quantizeQ8_0(values: Float32Array): Uint8Array {
  const { elements: qk, bytes } = GGML_BLOCK.Q8_0;
  if (values.length % qk !== 0) throw new Error(`Q8_0: ${values.length} values is not a whole number of blocks of ${qk}`);
  const blocks = values.length / qk;
  const out = new Uint8Array(blocks * bytes);
  const view = new DataView(out.buffer);
  for (let b = 0; b < blocks; b++) {
    const base = b * qk;
    let amax = 0;
    for (let j = 0; j < qk; j++) amax = Math.max(amax, Math.abs(values[base + j]!));
    const d = Math.fround(amax / 127);
    const id = d === 0 ? 0 : Math.fround(1 / d);
    const at = b * bytes;
    view.setUint16(at, halfBits(d), true);
    for (let j = 0; j < qk; j++) view.setInt8(at + 2 + j, roundf(Math.fround(values[base + j]! * id)));
  }
  return out;
}

/** Q8_0 bytes back to values (d · q), for tests and checks. */
export function dequantizeQ8_0(bytes: Uint8Array): Float32Array {
  const { elements: qk, bytes: size } = GGML_BLOCK.Q8_0;
  const blocks = bytes.length / size;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const scales = f16ToF32(Uint16Array.from({ length: blocks }, (_, b) => view.getUint16(b * size, true)));
  const out = new Float32Array(blocks * qk);
  for (let b = 0; b < blocks; b++) for (let j = 0; j < qk; j++) out[b * qk + j] = scales[b]! * view.getInt8(b * size + 2 + j);
  return out;
}
