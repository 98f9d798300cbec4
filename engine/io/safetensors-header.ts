import { dtypeBytes, isSafetensorsDtype, type SafetensorsDtype } from './dtypes';

/**
 * The safetensors header: 8 bytes of little-endian u64 N, then N bytes of JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}`, then the
 * data; offsets count from the start of the data. Validation follows the reference implementation
 * (huggingface/safetensors), so a file we accept is one it accepts: the tensors tile the data
 * exactly, with no gap, overlap or trailing byte.
 */

/** The reference implementation's limit: a larger header is refused before it is read. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface TensorInfo {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Offsets into the data section, as in the header. */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** Tensors in the order of their data. */
  tensors: TensorInfo[];
  metadata: Record<string, string>;
  /** Where the data starts in the file: 8 + the header's length. */
  dataStart: number;
}

export class SafetensorsError extends Error {
  constructor(file: string, problem: string, options?: ErrorOptions) {
    super(`${file}: ${problem}`, options);
    this.name = 'SafetensorsError';
  }
}

/** Reads the header length from the first 8 bytes and checks it against the file's size. */
export function headerLength(file: string, prefix: Uint8Array, fileSize: number): number {
  if (fileSize < 8 || prefix.length < 8) {
    throw new SafetensorsError(file, `truncated: ${fileSize} bytes is shorter than the 8-byte header length`);
  }
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError(file, `header too large: ${n} bytes (the limit is ${MAX_HEADER_BYTES})`);
  }
  const length = Number(n);
  if (8 + length > fileSize) {
    throw new SafetensorsError(file, `truncated: the header says ${length} bytes but the file has ${fileSize - 8} after the length`);
  }
  return length;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseMetadata(file: string, value: unknown): Record<string, string> {
  if (value === null) return {};
  if (!isPlainObject(value)) throw new SafetensorsError(file, '__metadata__ is not an object of strings');
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new SafetensorsError(file, `__metadata__.${k} is ${JSON.stringify(v)}, not a string`);
  }
  return value as Record<string, string>;
}

function parseTensor(file: string, name: string, value: unknown): TensorInfo {
  const where = `tensor ${JSON.stringify(name)}`;
  if (!isPlainObject(value)) throw new SafetensorsError(file, `${where} is not an object`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (!isSafetensorsDtype(dtype)) throw new SafetensorsError(file, `${where} has unknown dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw new SafetensorsError(file, `${where} has shape ${JSON.stringify(shape)}, not a list of non-negative integers`);
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0) ||
    offsets[0] > offsets[1]
  ) {
    throw new SafetensorsError(file, `${where} has data_offsets ${JSON.stringify(offsets)}, not [begin, end] with 0 <= begin <= end`);
  }
  const elements = (shape as number[]).reduce((a, d) => a * d, 1);
  const bytes = elements * dtypeBytes(dtype);
  if (!Number.isSafeInteger(bytes)) throw new SafetensorsError(file, `${where} has shape ${JSON.stringify(shape)}, too large`);
  const [begin, end] = offsets as [number, number];
  if (end - begin !== bytes) {
    throw new SafetensorsError(
      file,
      `${where} is ${dtype} ${JSON.stringify(shape)} (${bytes} bytes) but its data_offsets [${begin}, ${end}] span ${end - begin}`,
    );
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/** Parses and validates the header JSON; `dataBytes` is the file's size after the header. */
export function parseHeader(file: string, json: Uint8Array, dataBytes: number): SafetensorsHeader {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch {
    throw new SafetensorsError(file, 'the header is not valid UTF-8');
  }
  if (!text.startsWith('{')) throw new SafetensorsError(file, 'the header does not start with "{" (not a safetensors file?)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError(file, `the header is not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (!isPlainObject(parsed)) throw new SafetensorsError(file, 'the header is not a JSON object');

  let metadata: Record<string, string> = {};
  const tensors: TensorInfo[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (name === '__metadata__') metadata = parseMetadata(file, value);
    else tensors.push(parseTensor(file, name, value));
  }

  // The data must be tiled exactly: sorted by offset, each tensor starts where the last ended.
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const t of tensors) {
    if (t.begin < at) throw new SafetensorsError(file, `tensor ${JSON.stringify(t.name)} at [${t.begin}, ${t.end}] overlaps the tensor before it (which ends at ${at})`);
    if (t.begin > at) throw new SafetensorsError(file, `tensor ${JSON.stringify(t.name)} starts at ${t.begin}, leaving a gap after ${at}`);
    if (t.end > dataBytes) {
      throw new SafetensorsError(file, `tensor ${JSON.stringify(t.name)} ends at ${t.end}, past the end of the data (${dataBytes} bytes): offsets out of range or the file is truncated`);
    }
    at = t.end;
  }
  if (at !== dataBytes) throw new SafetensorsError(file, `the tensors cover ${at} bytes of data but the file has ${dataBytes} (trailing bytes)`);
  return { tensors, metadata, dataStart: 8 + json.length };
}
