/**
 * A minimal protocol-buffers writer: varints, length-delimited fields and packed repeats, which is
 * all ONNX's ModelProto needs. Messages are built as nested byte arrays, innermost first.
 */
const enum WireType {
  Varint = 0,
  LengthDelimited = 2,
  Fixed32 = 5,
}

export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private varint(value: bigint | number): void {
    let v = BigInt(value);
    // Negative int64 values are written as their two's complement in ten bytes.
    if (v < 0n) v = BigInt.asUintN(64, v);
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number((v & 0x7fn) | 0x80n));
      v >>= 7n;
    }
    out.push(Number(v));
    this.push(Uint8Array.from(out));
  }

  private tag(field: number, wire: WireType): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, value: number | bigint): this {
    this.tag(field, WireType.Varint);
    this.varint(value);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WireType.LengthDelimited);
    this.varint(value.length);
    this.push(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WireType.Fixed32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  packedFloats(field: number, values: readonly number[]): this {
    const b = new Uint8Array(values.length * 4);
    const view = new DataView(b.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    return this.bytes(field, b);
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /**
   * A nested message. Its chunks are adopted, not concatenated, so a large tensor's bytes are
   * copied once, by finish(), however deep the message nests (or never, with chunks()).
   */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    this.tag(field, WireType.LengthDelimited);
    this.varint(inner.length);
    for (const chunk of inner.chunks) this.push(chunk);
    return this;
  }

  packedInts(field: number, values: readonly (number | bigint)[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  /** The encoded size so far. */
  get byteLength(): number {
    return this.length;
  }

  /** The encoding as pieces, in order, for writing to a file without joining them in memory. */
  pieces(): readonly Uint8Array[] {
    return this.chunks;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}
