/**
 * GGUF v3's constants, from ggml's docs/gguf.md and gguf-py/gguf/constants.py (llama.cpp, the
 * release node-llama-cpp 3.21.1 bundles): the file's magic and version, metadata value types,
 * the ggml tensor types written here and their block sizes, and llama.cpp's file-type codes.
 */

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
export const GGUF_VERSION = 3;
/** GGUF_DEFAULT_ALIGNMENT; also written as general.alignment so a reader need not assume it. */
export const GGUF_ALIGNMENT = 32;
/** GGML_QUANT_VERSION: the revision of the quantized block layouts (Q8_0's has not changed since 2). */
export const GGML_QUANT_VERSION = 2;

/** GGUFValueType. */
export const VALUE_TYPE = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  string: 8,
  array: 9,
  u64: 10,
  i64: 11,
  f64: 12,
} as const;
export type ScalarType = Exclude<keyof typeof VALUE_TYPE, 'array'>;

/** The ggml tensor types an export writes (GGMLQuantizationType). */
export const GGML_TYPE = { F32: 0, F16: 1, Q8_0: 8 } as const;
export type GgmlType = keyof typeof GGML_TYPE;

/** Elements per block and bytes per block: Q8_0 is an fp16 scale and 32 int8 values. */
export const GGML_BLOCK: Record<GgmlType, { elements: number; bytes: number }> = {
  F32: { elements: 1, bytes: 4 },
  F16: { elements: 1, bytes: 2 },
  Q8_0: { elements: 32, bytes: 34 },
};

/** What an export is asked for; each maps to llama.cpp's general.file_type (LlamaFileType). */
export type ExportType = 'f32' | 'f16' | 'q8_0';
export const EXPORT_TYPES: readonly ExportType[] = ['f32', 'f16', 'q8_0'];
export const FILE_TYPE: Record<ExportType, number> = { f32: 0, f16: 1, q8_0: 7 };
/** The tensor type an export asks for, before the per-tensor exceptions (norms, biases, …). */
export const WEIGHT_TYPE: Record<ExportType, GgmlType> = { f32: 'F32', f16: 'F16', q8_0: 'Q8_0' };

/** tokenizer.ggml.token_type values (TokenType). */
export const TOKEN_TYPE = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const;

/** Bytes of a tensor of `shape` (outermost first, as Hugging Face and numpy give it) stored as `type`. */
export function tensorBytes(type: GgmlType, shape: readonly number[]): number {
  const { elements, bytes } = GGML_BLOCK[type];
  const rowLength = shape[shape.length - 1] ?? 1;
  if (rowLength % elements !== 0) throw new Error(`GGUF: a ${type} row must be a multiple of ${elements} values, got ${rowLength}`);
  const count = shape.reduce((a, d) => a * d, 1);
  return (count / elements) * bytes;
}

export function alignUp(n: number, alignment = GGUF_ALIGNMENT): number {
  return Math.ceil(n / alignment) * alignment;
}
