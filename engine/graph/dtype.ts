import { DataType, type DataTypeName } from '../onnx/model';
import { f32BitsToF16Bits } from '../io/half';

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

/** IEEE 754 half-precision bits of a number (through float32), rounded to nearest even (what numpy's astype(float16) gives). */
export function toHalf(value: number): number {
  f32[0] = value;
  return f32BitsToF16Bits(u32[0]!);
}
