import { open, rename, rm } from 'node:fs/promises';
import { writeAll } from './file-io';
import { dtypeBytes, dtypeRank, isSafetensorsDtype, type SafetensorsDtype } from './dtypes';

export interface TensorToWrite {
  name: string;
  dtype: SafetensorsDtype;
  shape: readonly number[];
  /** Little-endian bytes: any typed array or byte view over them. */
  data: ArrayBufferView;
}

interface Plan {
  header: Uint8Array;
  /** Tensors in the order their bytes follow the header. */
  order: TensorToWrite[];
  totalBytes: number;
}

function bytesOf(t: TensorToWrite): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/**
 * Lays a file out as the reference implementation does, so the bytes match its `save_file`:
 * tensors sorted by dtype (larger elements first, which keeps every tensor aligned to its element
 * size) then by name; `__metadata__` first with its keys sorted; compact JSON; the header padded
 * with spaces to a multiple of 8 bytes.
 */
function plan(tensors: readonly TensorToWrite[], metadata: Readonly<Record<string, string>> | undefined): Plan {
  const seen = new Set<string>();
  for (const t of tensors) {
    if (t.name === '__metadata__') throw new Error('safetensors: "__metadata__" cannot be a tensor name');
    if (seen.has(t.name)) throw new Error(`safetensors: tensor ${JSON.stringify(t.name)} is given twice`);
    seen.add(t.name);
    if (!isSafetensorsDtype(t.dtype)) throw new Error(`safetensors: tensor ${JSON.stringify(t.name)} has unknown dtype ${JSON.stringify(t.dtype)}`);
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new Error(`safetensors: tensor ${JSON.stringify(t.name)} has shape ${JSON.stringify(t.shape)}, not non-negative integers`);
    }
    const want = t.shape.reduce((a, d) => a * d, 1) * dtypeBytes(t.dtype);
    if (t.data.byteLength !== want) {
      throw new Error(`safetensors: tensor ${JSON.stringify(t.name)} is ${t.dtype} ${JSON.stringify(t.shape)} (${want} bytes) but its data has ${t.data.byteLength}`);
    }
  }
  const order = [...tensors].sort((a, b) => dtypeRank(b.dtype) - dtypeRank(a.dtype) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const entries: string[] = [];
  if (metadata) {
    const keys = Object.keys(metadata).sort();
    for (const k of keys) {
      if (typeof metadata[k] !== 'string') throw new Error(`safetensors: __metadata__.${k} must be a string`);
    }
    entries.push(`"__metadata__":{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`);
  }
  let at = 0;
  for (const t of order) {
    const end = at + t.data.byteLength;
    entries.push(`${JSON.stringify(t.name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${at},${end}]}`);
    at = end;
  }
  const json = new TextEncoder().encode(`{${entries.join(',')}}`);
  const padded = Math.ceil(json.length / 8) * 8;
  const header = new Uint8Array(8 + padded).fill(0x20, 8 + json.length);
  new DataView(header.buffer).setBigUint64(0, BigInt(padded), true);
  header.set(json, 8);
  return { header, order, totalBytes: header.length + at };
}

/** The whole file in memory, for small files (adapters, tests). */
export function encodeSafetensors(tensors: readonly TensorToWrite[], metadata?: Readonly<Record<string, string>>): Uint8Array {
  const { header, order, totalBytes } = plan(tensors, metadata);
  const out = new Uint8Array(totalBytes);
  out.set(header, 0);
  let at = header.length;
  for (const t of order) {
    out.set(bytesOf(t), at);
    at += t.data.byteLength;
  }
  return out;
}

/**
 * Writes the file tensor by tensor (nothing is concatenated in memory) to a temporary name, then
 * renames it into place, so a reader never sees half a file and a crash leaves the old one.
 */
export async function writeSafetensors(
  path: string,
  tensors: readonly TensorToWrite[],
  metadata?: Readonly<Record<string, string>>,
): Promise<void> {
  const { header, order } = plan(tensors, metadata);
  const tmp = `${path}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await writeAll(fh, header);
    for (const t of order) await writeAll(fh, bytesOf(t));
    await fh.sync();
    await fh.close();
    await rename(tmp, path);
  } catch (e) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
}
