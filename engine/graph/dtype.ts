import { DataType, type DataTypeName } from '../onnx/model';

/**
 * Element types a graph value may have. Graph inputs, outputs and initializers use the encoder's
 * DataTypeName; 'bool' only lives inside a graph (comparison results feeding Where, Not).
 */
export type DType = DataTypeName | 'bool';

/** ONNX TensorProto.DataType numbers, as Cast's `to` attribute wants them. */
export const ONNX_TYPE: Readonly<Record<DType, number>> = { ...DataType, bool: 9 };

/** Gradients flow only through floating-point values; integer and bool values are constants to autodiff. */
export function isFloat(t: DType): boolean {
  return t === 'float' || t === 'float16' || t === 'bfloat16';
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 half-precision bits of a number, rounded to nearest even (what numpy's astype(float16) gives). */
export function toHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half: the implicit leading bit becomes explicit and shifts right.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (and overflows to infinity).
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
  return sign | h;
}
