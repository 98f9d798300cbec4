import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { writeAll } from '../io/file-io';
import { alignUp, GGML_TYPE, GGUF_ALIGNMENT, GGUF_MAGIC, GGUF_VERSION, tensorBytes, type GgmlType } from './format';
import { ByteSink, type GgufMetadata } from './metadata';
import { encodeTensor } from './quantize';

/**
 * Writes a GGUF v3 file (ggml docs/gguf.md): header (magic, version, tensor count, metadata
 * count), metadata, tensor infos (name, dimensions innermost first, ggml type, offset into the data
 * section), zero padding to the alignment, then each tensor's bytes at its offset, each padded to
 * the alignment. Sizes follow from shapes and types, so the header is written first and tensors
 * are read, converted and written one at a time: the model is never in memory whole. The file
 * appears under its name only once complete (written to a temporary name, then renamed).
 */

export interface GgufTensorSource {
  name: string;
  /** Outermost first ([rows, cols] for a matrix), as Hugging Face and numpy give it; ggml's ne is the reverse. */
  shape: readonly number[];
  type: GgmlType;
  /** The values as float32, read when the tensor's turn comes. */
  values: () => Float32Array | Promise<Float32Array>;
}

export interface WriteGgufOptions {
  /** Bytes written so far and the file's size, after the header and after each tensor. */
  onProgress?: (written: number, total: number) => void;
  /** Checked between tensors; an aborted write removes its temporary file. */
  signal?: AbortSignal;
}

/** GGML_MAX_NAME is 64 bytes with the terminator. */
const MAX_NAME_BYTES = 63;

export interface GgufLayout {
  header: Uint8Array;
  /** Each tensor's offset from the start of the data section. */
  offsets: number[];
  dataStart: number;
  totalBytes: number;
}

/** The header bytes and where every tensor goes; general.alignment is added to `metadata` if absent. */
export function layoutGguf(metadata: GgufMetadata, tensors: readonly Pick<GgufTensorSource, 'name' | 'shape' | 'type'>[]): GgufLayout {
  const alignment = metadata.get('general.alignment');
  if (!alignment) metadata.u32('general.alignment', GGUF_ALIGNMENT);
  else if (alignment.type !== 'u32' || alignment.value !== GGUF_ALIGNMENT) throw new Error(`GGUF: general.alignment must be the uint32 ${GGUF_ALIGNMENT} here`);
  const names = new Set<string>();
  const infos = new ByteSink();
  const offsets: number[] = [];
  let at = 0;
  for (const t of tensors) {
    if (names.has(t.name)) throw new Error(`GGUF: tensor ${t.name} is given twice`);
    names.add(t.name);
    if (new TextEncoder().encode(t.name).length > MAX_NAME_BYTES) throw new Error(`GGUF: tensor name ${t.name} is longer than ggml's ${MAX_NAME_BYTES} bytes`);
    if (t.shape.length < 1 || t.shape.length > 4 || !t.shape.every((d) => Number.isSafeInteger(d) && d > 0)) {
      throw new Error(`GGUF: tensor ${t.name} has shape [${t.shape.join(', ')}]; ggml takes 1 to 4 positive dimensions`);
    }
    infos.string(t.name);
    infos.u32(t.shape.length);
    for (const d of [...t.shape].reverse()) infos.u64(d);
    infos.u32(GGML_TYPE[t.type]);
    infos.u64(at);
    offsets.push(at);
    at = alignUp(at + tensorBytes(t.type, t.shape));
  }
  const head = new ByteSink();
  head.u32(GGUF_MAGIC);
  head.u32(GGUF_VERSION);
  head.u64(tensors.length);
  head.u64(metadata.size);
  head.raw(metadata.encode());
  head.raw(infos.bytes());
  head.zeros(alignUp(head.length) - head.length);
  const header = head.bytes();
  return { header, offsets, dataStart: header.length, totalBytes: header.length + at };
}

export async function writeGguf(path: string, metadata: GgufMetadata, tensors: readonly GgufTensorSource[], options: WriteGgufOptions = {}): Promise<{ bytes: number }> {
  const layout = layoutGguf(metadata, tensors);
  const tmp = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.partial`;
  const fh = await open(tmp, 'w');
  try {
    await writeAll(fh, layout.header);
    let written = layout.header.length;
    options.onProgress?.(written, layout.totalBytes);
    for (let i = 0; i < tensors.length; i++) {
      options.signal?.throwIfAborted();
      const t = tensors[i]!;
      const values = await t.values();
      const bytes = encodeTensor(t.type, values, t.shape);
      const end = i + 1 < tensors.length ? layout.dataStart + layout.offsets[i + 1]! : layout.totalBytes;
      const pad = end - (layout.dataStart + layout.offsets[i]!) - bytes.length;
      await writeAll(fh, bytes);
      if (pad > 0) await writeAll(fh, new Uint8Array(pad));
      written = end;
      options.onProgress?.(written, layout.totalBytes);
    }
    await fh.sync();
    await fh.close();
    await rename(tmp, path);
    return { bytes: layout.totalBytes };
  } catch (e) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
}
