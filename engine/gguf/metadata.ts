import { VALUE_TYPE, type ScalarType } from './format';

/**
 * GGUF metadata: typed key/value pairs in the order they are added, encoded as gguf.md lays them
 * out (key as a string, a uint32 value type, then the value; an array is its element type, a
 * uint64 count and the elements; a string a uint64 byte length and UTF-8 bytes, no terminator).
 * llama.cpp checks each key's type when it reads it, so every setter names the type the reference
 * writer (gguf-py) uses for that key.
 */

export type GgufValue =
  | { type: ScalarType; value: number | bigint | boolean | string }
  | { type: 'array'; of: ScalarType; values: readonly (number | bigint | boolean | string)[] };

export class GgufMetadata {
  private readonly entries = new Map<string, GgufValue>();

  private set(key: string, value: GgufValue): this {
    if (key.length === 0) throw new Error('GGUF metadata: a key cannot be empty');
    if (this.entries.has(key)) throw new Error(`GGUF metadata: ${key} is set twice`);
    this.entries.set(key, value);
    return this;
  }

  u32(key: string, value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new Error(`GGUF metadata: ${key} must be a uint32, got ${value}`);
    return this.set(key, { type: 'u32', value });
  }

  f32(key: string, value: number): this {
    if (!Number.isFinite(value)) throw new Error(`GGUF metadata: ${key} must be a finite number, got ${value}`);
    return this.set(key, { type: 'f32', value });
  }

  bool(key: string, value: boolean): this {
    return this.set(key, { type: 'bool', value });
  }

  string(key: string, value: string): this {
    return this.set(key, { type: 'string', value });
  }

  array(key: string, of: ScalarType, values: readonly (number | bigint | boolean | string)[]): this {
    return this.set(key, { type: 'array', of, values });
  }

  get(key: string): GgufValue | undefined {
    return this.entries.get(key);
  }

  get size(): number {
    return this.entries.size;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** The key/value section's bytes. */
  encode(): Uint8Array {
    const out = new ByteSink();
    for (const [key, v] of this.entries) {
      out.string(key);
      out.u32(VALUE_TYPE[v.type]);
      if (v.type === 'array') {
        out.u32(VALUE_TYPE[v.of]);
        out.u64(v.values.length);
        for (const item of v.values) out.scalar(v.of, item, key);
      } else {
        out.scalar(v.type, v.value, key);
      }
    }
    return out.bytes();
  }
}

/** A little-endian byte builder that grows as it is written. */
export class ByteSink {
  private buf = new Uint8Array(4096);
  private at = 0;
  private static readonly utf8 = new TextEncoder();

  private reserve(n: number): number {
    if (this.at + n > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < this.at + n) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(0, this.at));
      this.buf = next;
    }
    const at = this.at;
    this.at += n;
    return at;
  }

  /** A view on the next `n` bytes, taken after any growth (reserve may replace the buffer). */
  private space(n: number): DataView {
    const at = this.reserve(n);
    return new DataView(this.buf.buffer, at, n);
  }

  u32(v: number): void {
    this.space(4).setUint32(0, v, true);
  }

  u64(v: number | bigint): void {
    this.space(8).setBigUint64(0, BigInt(v), true);
  }

  raw(bytes: Uint8Array): void {
    const at = this.reserve(bytes.length);
    this.buf.set(bytes, at);
  }

  string(s: string): void {
    const bytes = ByteSink.utf8.encode(s);
    this.u64(bytes.length);
    this.raw(bytes);
  }

  zeros(n: number): void {
    const at = this.reserve(n);
    this.buf.fill(0, at, this.at);
  }

  get length(): number {
    return this.at;
  }

  scalar(type: ScalarType, value: number | bigint | boolean | string, key: string): void {
    const bad = (): never => {
      throw new Error(`GGUF metadata: ${key} holds ${JSON.stringify(typeof value === 'bigint' ? String(value) : value)}, not a ${type}`);
    };
    if (type === 'string') {
      if (typeof value !== 'string') bad();
      this.string(value as string);
      return;
    }
    if (type === 'bool') {
      if (typeof value !== 'boolean') bad();
      const at = this.reserve(1);
      this.buf[at] = value ? 1 : 0;
      return;
    }
    if (type === 'u64' || type === 'i64') {
      if (typeof value !== 'number' && typeof value !== 'bigint') bad();
      const big = BigInt(value);
      if (type === 'u64') this.space(8).setBigUint64(0, big, true);
      else this.space(8).setBigInt64(0, big, true);
      return;
    }
    if (typeof value !== 'number') bad();
    const n = value as number;
    const int = (lo: number, hi: number) => {
      if (!Number.isInteger(n) || n < lo || n > hi) bad();
    };
    switch (type) {
      case 'u8':
        int(0, 0xff);
        this.space(1).setUint8(0, n);
        return;
      case 'i8':
        int(-0x80, 0x7f);
        this.space(1).setInt8(0, n);
        return;
      case 'u16':
        int(0, 0xffff);
        this.space(2).setUint16(0, n, true);
        return;
      case 'i16':
        int(-0x8000, 0x7fff);
        this.space(2).setInt16(0, n, true);
        return;
      case 'u32':
        int(0, 0xffffffff);
        this.space(4).setUint32(0, n, true);
        return;
      case 'i32':
        int(-0x80000000, 0x7fffffff);
        this.space(4).setInt32(0, n, true);
        return;
      case 'f32':
        this.space(4).setFloat32(0, n, true);
        return;
      case 'f64':
        this.space(8).setFloat64(0, n, true);
        return;
    }
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.at);
  }
}
