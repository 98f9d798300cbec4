import { open, type FileHandle } from 'node:fs/promises';
import { dtypeBytes, nativeView, type NativeArray } from './dtypes';
import { widenInPlace } from './half';
import { readExact } from './file-io';
import { headerLength, parseHeader, SafetensorsError, type TensorInfo } from './safetensors-header';

/** How a tensor comes back: fp32 (fp16/bf16 widened), its raw little-endian bytes, or its native typed array. */
export type ReadAs = 'f32' | 'raw' | 'native';

// Typed arrays use the machine's byte order and safetensors is little-endian; every platform we
// ship on is little-endian, and this says so if that ever changes.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('safetensors: big-endian machines are not supported');

/**
 * One open .safetensors file. Opening reads only the header; each tensor is read on demand with a
 * single copy, from the file into the memory of the array returned.
 */
export class SafetensorsFile {
  private readonly byName: Map<string, TensorInfo>;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    readonly tensors: readonly TensorInfo[],
    readonly metadata: Readonly<Record<string, string>>,
    private readonly dataStart: number,
  ) {
    this.byName = new Map(tensors.map((t) => [t.name, t]));
  }

  static async open(path: string): Promise<SafetensorsFile> {
    const fh = await open(path, 'r');
    try {
      const size = (await fh.stat()).size;
      const prefix = new Uint8Array(8);
      if (size >= 8) await readExact(fh, path, prefix, 0);
      const n = headerLength(path, prefix, size);
      const json = new Uint8Array(n);
      await readExact(fh, path, json, 8);
      const header = parseHeader(path, json, size - 8 - n);
      return new SafetensorsFile(path, fh, header.tensors, header.metadata, header.dataStart);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  get names(): string[] {
    return this.tensors.map((t) => t.name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  info(name: string): TensorInfo {
    const t = this.byName.get(name);
    if (!t) throw new SafetensorsError(this.path, `no tensor named ${JSON.stringify(name)}`);
    return t;
  }

  /** Where the tensor's bytes lie in the file, for copying them elsewhere without reading them here. */
  byteRange(name: string): { offset: number; length: number } {
    const t = this.info(name);
    return { offset: this.dataStart + t.begin, length: t.end - t.begin };
  }

  read(name: string, as: 'f32'): Promise<Float32Array>;
  read(name: string, as: 'raw'): Promise<Uint8Array>;
  read(name: string, as: 'native'): Promise<NativeArray>;
  read(name: string, as: ReadAs): Promise<Float32Array | Uint8Array | NativeArray>;
  async read(name: string, as: ReadAs): Promise<Float32Array | Uint8Array | NativeArray> {
    const t = this.info(name);
    const bytes = t.end - t.begin;
    const n = bytes / dtypeBytes(t.dtype);
    const at = this.dataStart + t.begin;
    if (as === 'raw' || as === 'native') {
      const buffer = new ArrayBuffer(bytes);
      await readExact(this.fh, this.path, new Uint8Array(buffer), at);
      return as === 'raw' ? new Uint8Array(buffer) : nativeView(t.dtype, buffer);
    }
    if (t.dtype === 'F32') {
      const out = new Float32Array(n);
      await readExact(this.fh, this.path, new Uint8Array(out.buffer), at);
      return out;
    }
    if (t.dtype === 'F16' || t.dtype === 'BF16') {
      // Read the halves into the top half of the fp32 result and widen in place: the tensor is
      // never in memory twice.
      const buffer = new ArrayBuffer(n * 4);
      await readExact(this.fh, this.path, new Uint8Array(buffer, n * 2, n * 2), at);
      return widenInPlace(buffer, n, t.dtype);
    }
    throw new SafetensorsError(this.path, `tensor ${JSON.stringify(name)} is ${t.dtype}; only F32, F16 and BF16 read as f32 (read it as 'native')`);
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
