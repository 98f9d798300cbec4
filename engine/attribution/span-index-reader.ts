/**
 * Opens a span index written by span-index-writer.ts: each file is read whole into one buffer and
 * used as a typed array in place (no entry is parsed; record ids are decoded only for the records
 * a query credits). Memory is the index's size on disk, about 6 to 8 bytes a token.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FILES, SPAN_INDEX_FORMAT, type SpanIndexMeta } from './span-index-format';

export interface SpanIndex {
  readonly dir: string;
  readonly meta: SpanIndexMeta;
  /** The symbol stream: token id + 1, 0 the separator. */
  readonly text: Uint16Array | Uint32Array;
  /** Suffix array of the token positions (separators left out). */
  readonly sa: Uint32Array;
  /** starts[r]: the first symbol of record r; starts[records] = symbols. */
  readonly starts: Uint32Array;
  /** The record holding a symbol position. */
  recordOf(position: number): number;
  /** Record r's id, as it was added. */
  recordId(record: number): string;
}

function readWhole(file: string): ArrayBuffer {
  const size = fs.statSync(file).size;
  const buffer = new ArrayBuffer(size);
  const bytes = new Uint8Array(buffer);
  const fd = fs.openSync(file, 'r');
  try {
    for (let at = 0; at < size; ) {
      const got = fs.readSync(fd, bytes, at, Math.min(1 << 28, size - at), at);
      if (got === 0) throw new Error(`${file} ended at byte ${at} of ${size}`);
      at += got;
    }
  } finally {
    fs.closeSync(fd);
  }
  return buffer;
}

function readMeta(dir: string): SpanIndexMeta {
  const file = path.join(dir, FILES.meta);
  if (!fs.existsSync(file)) throw new Error(`${dir} is not a span index: it has no ${FILES.meta}`);
  let meta: SpanIndexMeta;
  try {
    meta = JSON.parse(fs.readFileSync(file, 'utf8')) as SpanIndexMeta;
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const format: unknown = meta.format;
  if (format !== SPAN_INDEX_FORMAT) throw new Error(`${file}: format ${JSON.stringify(format)}, expected ${SPAN_INDEX_FORMAT}`);
  return meta;
}

export function openSpanIndex(dir: string): SpanIndex {
  const folder = path.resolve(dir);
  const meta = readMeta(folder);
  const expect = (name: string, bytes: number) => {
    const size = fs.statSync(path.join(folder, name), { throwIfNoEntry: false })?.size;
    if (size !== bytes) throw new Error(`${path.join(folder, name)} has ${size ?? 'no'} bytes; meta.json says ${bytes}: the index is damaged, build it again`);
  };
  expect(FILES.tokens, meta.symbols * meta.tokenWidth);
  expect(FILES.sa, meta.tokens * 4);
  expect(FILES.starts, (meta.records + 1) * 4);
  expect(FILES.idsIndex, (meta.records + 1) * 8);
  const tokensBuffer = readWhole(path.join(folder, FILES.tokens));
  const text = meta.tokenWidth === 2 ? new Uint16Array(tokensBuffer) : new Uint32Array(tokensBuffer);
  const sa = new Uint32Array(readWhole(path.join(folder, FILES.sa)));
  const starts = new Uint32Array(readWhole(path.join(folder, FILES.starts)));
  const idOffsets = new Float64Array(readWhole(path.join(folder, FILES.idsIndex)));
  const ids = Buffer.from(readWhole(path.join(folder, FILES.ids)));
  if (ids.length !== idOffsets[meta.records]) throw new Error(`${path.join(folder, FILES.ids)} has ${ids.length} bytes; its index says ${idOffsets[meta.records]}: the index is damaged, build it again`);
  const records = meta.records;
  return {
    dir: folder,
    meta,
    text,
    sa,
    starts,
    recordOf(position) {
      // The last record starting at or before the position (an empty record starts where the next does).
      let lo = 0;
      let hi = records;
      while (hi - lo > 1) {
        const mid = (lo + hi) >>> 1;
        if (starts[mid]! <= position) lo = mid;
        else hi = mid;
      }
      return lo;
    },
    recordId(record) {
      if (!Number.isInteger(record) || record < 0 || record >= records) throw new Error(`span index: no record ${record} (it has ${records})`);
      return JSON.parse(ids.toString('utf8', idOffsets[record], idOffsets[record + 1]! - 1)) as string;
    },
  };
}
