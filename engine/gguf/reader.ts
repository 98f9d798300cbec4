import { open } from 'node:fs/promises';
import { readExact } from '../io/file-io';
import { alignUp, GGML_TYPE, GGUF_ALIGNMENT, GGUF_MAGIC, tensorBytes, VALUE_TYPE, type GgmlType, type ScalarType } from './format';

/**
 * Reads a GGUF file's header, metadata and tensor infos (and a tensor's bytes on request), for
 * checking what the writer produced. Only the ggml types the writer emits are named; others read
 * as their number.
 */

export type GgufReadValue = number | bigint | boolean | string | (number | bigint | boolean | string)[];

export interface GgufTensorInfo {
  name: string;
  /** ggml's ne: innermost dimension first. */
  ne: number[];
  type: GgmlType | number;
  /** From the start of the data section. */
  offset: number;
}

export interface GgufFileInfo {
  version: number;
  metadata: Map<string, { type: ScalarType | 'array'; value: GgufReadValue }>;
  tensors: GgufTensorInfo[];
  dataStart: number;
  fileSize: number;
}

const TYPE_NAMES = new Map<number, ScalarType | 'array'>(Object.entries(VALUE_TYPE).map(([k, v]) => [v, k as ScalarType | 'array']));
const GGML_NAMES = new Map<number, GgmlType>(Object.entries(GGML_TYPE).map(([k, v]) => [v, k as GgmlType]));

class Cursor {
  private at = 0;
  private readonly view: DataView;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly file: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get position(): number {
    return this.at;
  }
  private take(n: number): number {
    if (this.at + n > this.bytes.length) throw new Error(`${this.file}: the header ends early (wanted ${n} bytes at ${this.at})`);
    const at = this.at;
    this.at += n;
    return at;
  }
  u32 = () => this.view.getUint32(this.take(4), true);
  u64 = () => {
    const v = this.view.getBigUint64(this.take(8), true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${this.file}: a count of ${v} is not plausible`);
    return Number(v);
  };
  string = () => {
    const n = this.u64();
    return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes.subarray(this.take(n), this.at));
  };
  scalar(type: ScalarType): number | bigint | boolean | string {
    switch (type) {
      case 'u8':
        return this.view.getUint8(this.take(1));
      case 'i8':
        return this.view.getInt8(this.take(1));
      case 'u16':
        return this.view.getUint16(this.take(2), true);
      case 'i16':
        return this.view.getInt16(this.take(2), true);
      case 'u32':
        return this.u32();
      case 'i32':
        return this.view.getInt32(this.take(4), true);
      case 'f32':
        return this.view.getFloat32(this.take(4), true);
      case 'bool':
        return this.view.getUint8(this.take(1)) !== 0;
      case 'string':
        return this.string();
      case 'u64':
        return this.view.getBigUint64(this.take(8), true);
      case 'i64':
        return this.view.getBigInt64(this.take(8), true);
      case 'f64':
        return this.view.getFloat64(this.take(8), true);
    }
  }
}

/** Reads up to `limit` bytes of header (metadata with a large vocabulary runs to megabytes). */
export async function readGgufInfo(file: string, limit = 64 << 20): Promise<GgufFileInfo> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const bytes = new Uint8Array(Math.min(size, limit));
    await readExact(fh, file, bytes, 0);
    const c = new Cursor(bytes, file);
    if (c.u32() !== GGUF_MAGIC) throw new Error(`${file}: not a GGUF file (bad magic)`);
    const version = c.u32();
    const tensorCount = c.u64();
    const kvCount = c.u64();
    const metadata: GgufFileInfo['metadata'] = new Map();
    for (let i = 0; i < kvCount; i++) {
      const key = c.string();
      const type = TYPE_NAMES.get(c.u32());
      if (!type) throw new Error(`${file}: ${key} has an unknown value type`);
      if (type === 'array') {
        const of = TYPE_NAMES.get(c.u32());
        if (!of || of === 'array') throw new Error(`${file}: ${key} is an array of an unsupported type`);
        const n = c.u64();
        const values: (number | bigint | boolean | string)[] = [];
        for (let j = 0; j < n; j++) values.push(c.scalar(of));
        metadata.set(key, { type, value: values });
      } else {
        metadata.set(key, { type, value: c.scalar(type) });
      }
    }
    const tensors: GgufTensorInfo[] = [];
    for (let i = 0; i < tensorCount; i++) {
      const name = c.string();
      const dims = c.u32();
      const ne = Array.from({ length: dims }, () => c.u64());
      const code = c.u32();
      tensors.push({ name, ne, type: GGML_NAMES.get(code) ?? code, offset: c.u64() });
    }
    const alignment = metadata.get('general.alignment')?.value;
    const dataStart = alignUp(c.position, typeof alignment === 'number' ? alignment : GGUF_ALIGNMENT);
    return { version, metadata, tensors, dataStart, fileSize: size };
  } finally {
    await fh.close();
  }
}

/** One tensor's stored bytes. */
export async function readGgufTensor(file: string, info: GgufFileInfo, name: string): Promise<Uint8Array> {
  const t = info.tensors.find((x) => x.name === name);
  if (!t) throw new Error(`${file}: no tensor ${name}`);
  if (typeof t.type === 'number') throw new Error(`${file}: ${name} has ggml type ${t.type}, which this reader does not size`);
  const bytes = new Uint8Array(tensorBytes(t.type, [...t.ne].reverse()));
  const fh = await open(file, 'r');
  try {
    await readExact(fh, file, bytes, info.dataStart + t.offset);
  } finally {
    await fh.close();
  }
  return bytes;
}
