import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { splitRecords } from '../line-splitter';
import type { FileReader, ReadEvent, ReadOptions } from '../types';
import { decodeUtf8, fileChunks, guardRead, INVALID_UTF8, tooLong } from './file-source';
import type { ImageContent } from './image-content';
import { imageRefOf, storeImageRef } from './record-image';
import { isItemId, mapRecord } from './record-mapping';
import { counted } from '../../../../../shared/format';

/**
 * CSV and TSV (by the `.tsv`/`.tab` extension, a tab delimiter): a header row, then one item per
 * record, mapped by the rules of `mapRecord` with the header's names as keys. An image is read
 * from the column `map.image` names, and in rows of our CSV export (an `id` cell that is one of
 * our item ids) from the `image` column: a path relative to the CSV file's folder, resolved inside
 * the import folder (`storeImageRef`); such an item may have an empty text. In other CSVs an
 * `image` column is a content field like any other.
 *
 * Records are cut by the quote-aware line splitter (so a record over the limit is never gathered,
 * and every record knows its line). A record without a quote is split on the delimiter, which is
 * exactly what csv-parse returns for it; the records with quotes of each chunk read are parsed by
 * csv-parse in one call (RFC 4180 quoting, `""` escapes, newlines in fields), each row checked
 * against its record's raw text, and parsed one by one if the batch does not line up or fails, so
 * an error names its own line. (One call per record costs csv-parse ~10 µs in option setup; a
 * batch ~3 µs a record.) We do not run csv-parse's streaming parser over the whole file: after an
 * error it drops the rest of the chunk it was reading, losing records that were fine, and a
 * wrong-length row must be reported and skipped, not end the file. Empty lines are skipped.
 */
const CSV_OPTIONS = { relax_quotes: true, relax_column_count: true, record_delimiter: '\n' } as const;
/** Our exported rows, read as CSV: every cell is text (see `mapRecord`). */
const CSV_CELLS = { typed: false } as const;

/**
 * The cells of a record whose quoted fields are all well formed (`"…"`, `""` inside, then the
 * delimiter or the end), in one pass: what csv-parse returns for such a record, at a fraction of
 * its cost (it was most of a table's reading time). Null for anything else (a quote inside an
 * unquoted field, text after a closing quote, an unclosed quote, a carriage return), which
 * csv-parse then reads or reports.
 */
export function wellQuotedCells(text: string, delimiter: string): string[] | null {
  if (text.includes('\r')) return null;
  const cells: string[] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) === 34 /* " */) {
      let cell = '';
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) return null;
        if (text.charCodeAt(q + 1) === 34) {
          cell += text.slice(from, q + 1);
          from = q + 2;
          continue;
        }
        cell += text.slice(from, q);
        i = q + 1;
        break;
      }
      cells.push(cell);
      if (i === n) return cells;
      if (text[i] !== delimiter) return null;
      i++;
    } else {
      const d = text.indexOf(delimiter, i);
      const cell = text.slice(i, d < 0 ? n : d);
      if (cell.includes('"')) return null;
      cells.push(cell);
      if (d < 0) return cells;
      i = d + 1;
    }
  }
}

function cellsOf(text: string, delimiter: string): string[] | { reason: string } {
  if (!text.includes('"')) return text.split(delimiter);
  const quick = wellQuotedCells(text, delimiter);
  if (quick) return quick;
  try {
    const rows: string[][] = parse(text, { ...CSV_OPTIONS, delimiter });
    if (rows.length !== 1) return { reason: 'malformed quoting: this record reads as several rows; check its quotes' };
    return rows[0]!;
  } catch (error) {
    return { reason: `malformed CSV: ${(error as Error).message}` };
  }
}

/** Header names as keys: blanks get a position name, a repeated name is an error (it would hide a column). */
function headerKeys(cells: string[]): string[] | { reason: string } {
  const keys = cells.map((c, i) => (c.trim() === '' ? `column_${i + 1}` : c.trim()));
  const repeated = keys.find((k, i) => keys.indexOf(k) !== i);
  if (repeated !== undefined) return { reason: `the header names the column '${repeated}' twice; rename one so no column is lost; file skipped` };
  return keys;
}

/** Rows of quoted records parsed in one csv-parse call, or null when the rows do not line up with the records. */
function parseTogether(records: string[], delimiter: string): string[][] | null {
  try {
    // csv-parse's typings do not model `raw: true`, which makes each row `{record, raw}`.
    const rows = parse(records.join('\n'), { ...CSV_OPTIONS, delimiter, raw: true }) as unknown as { record: string[]; raw: string }[];
    if (rows.length !== records.length) return null;
    const aligned = rows.every((row, i) => row.raw === records[i] || row.raw === `${records[i]!}\n`);
    return aligned ? rows.map((row) => row.record) : null;
  } catch {
    return null;
  }
}

/** The cells of each record, in order (see the top comment for the batching). */
function cellsOfAll(records: string[], delimiter: string): (string[] | { reason: string })[] {
  const cells: (string[] | null)[] = records.map((r) => (r.includes('"') ? wellQuotedCells(r, delimiter) : r.split(delimiter)));
  const rest = records.filter((_, i) => cells[i] === null);
  const together = rest.length > 1 ? parseTogether(rest, delimiter) : null;
  let q = 0;
  return records.map((r, i) => cells[i] ?? (together ? together[q++]! : cellsOf(r, delimiter)));
}

/** A record waiting for its chunk's batch to be parsed, or a problem found on the way, kept in line order. */
type Pending = { line: number; text: string } | { line: number | null; reason: string };

async function* csvEvents(file: string, options: ReadOptions): AsyncGenerator<ReadEvent> {
  const delimiter = /\.(tsv|tab)$/i.test(path.basename(file)) ? '\t' : ',';
  const error = (line: number | null, reason: string): ReadEvent => ({ type: 'error', path: file, line, reason });
  let header: string[] | null = null;
  let rows = 0;
  let pending: Pending[] = [];

  async function* flush(columns: string[]): AsyncGenerator<ReadEvent> {
    options.signal.throwIfAborted(); // a chunk holds thousands of records: stop between chunks, not at the end
    const batch = pending;
    pending = [];
    const records = batch.filter((p): p is { line: number; text: string } => 'text' in p);
    const cells = cellsOfAll(records.map((r) => r.text), delimiter);
    let r = 0;
    for (const entry of batch) {
      if (!('text' in entry)) {
        yield error(entry.line, entry.reason);
        continue;
      }
      const { line } = entry;
      const row = cells[r++]!;
      if (!Array.isArray(row)) {
        yield error(line, row.reason);
        continue;
      }
      if (row.length !== columns.length) {
        yield error(line, `this row has ${counted(row.length, 'column')}, the header has ${columns.length}; skipped`);
        continue;
      }
      const record: Record<string, unknown> = Object.fromEntries(columns.map((key, i) => [key, row[i]]));
      const exported = isItemId(record.id);
      const taken = imageRefOf(record, { key: options.map.image ?? 'image', paths: exported || options.map.image !== undefined });
      if ('reason' in taken) {
        yield error(line, taken.reason);
        continue;
      }
      let image: ImageContent | null = null;
      if (taken.ref !== null) {
        const stored = await storeImageRef(taken.ref, null, file, options);
        if ('reason' in stored) {
          yield error(line, stored.reason);
          continue;
        }
        image = stored.image;
        for (const reason of stored.problems) yield error(line, reason);
      }
      const mapped = mapRecord(taken.rest, {
        map: options.map,
        schema: options.schema,
        text: image ? 'optional' : 'required',
        labels: true,
        exported: exported ? CSV_CELLS : null,
      });
      if (!mapped.ok) {
        yield error(line, mapped.reason);
        continue;
      }
      for (const reason of mapped.problems) yield error(line, reason);
      yield { type: 'item', item: { content: { text: mapped.text, fields: mapped.fields, image }, source: { path: file, line }, annotations: mapped.annotations } };
    }
  }

  for await (const event of splitRecords(fileChunks(file, options.signal), { maxBytes: options.maxLineBytes, csvDelimiter: delimiter.charCodeAt(0) })) {
    if (event.type === 'progress') {
      if (header !== null) yield* flush(header);
      yield { type: 'bytes', path: file, read: event.read };
      continue;
    }
    if (event.type === 'unterminated') {
      pending.push({ line: event.line, reason: `a quoted field opens on line ${event.line} and is never closed; the rest of the file was skipped` });
      continue;
    }
    const text = event.type === 'record' ? decodeUtf8(event.bytes) : null;
    if (header === null) {
      // The header is read at once: every row after it needs its names.
      if (event.type === 'too-long') {
        yield error(event.line, tooLong('the header row', event.bytes, options.maxLineBytes, 'file skipped'));
        return;
      }
      if (text === null) {
        yield error(event.line, `the header row is ${INVALID_UTF8}; file skipped`);
        return;
      }
      if (text.trim() === '') continue;
      const cells = cellsOf(text, delimiter);
      const keys = Array.isArray(cells) ? headerKeys(cells) : { reason: `the header row: ${cells.reason}; file skipped` };
      if (!Array.isArray(keys)) {
        yield error(event.line, keys.reason);
        return;
      }
      header = keys;
      for (const [target, source] of Object.entries(options.map)) {
        if (keys.includes(source)) continue;
        const reason = `the map ${target}=${source} names no column of the header (${keys.join(', ')})`;
        if (target === 'text') {
          yield error(event.line, `${reason}; file skipped`);
          return;
        }
        yield error(event.line, reason);
      }
      continue;
    }
    if (text !== null && text.trim() === '') continue;
    rows++;
    if (event.type === 'too-long') pending.push({ line: event.line, reason: tooLong('the record', event.bytes, options.maxLineBytes) });
    else if (text === null) pending.push({ line: event.line, reason: INVALID_UTF8 });
    else pending.push({ line: event.line, text });
  }
  if (header === null) {
    yield* pending.map((p) => error(p.line, 'reason' in p ? p.reason : 'unreadable'));
    yield error(null, 'empty file: no header row');
    return;
  }
  yield* flush(header);
  if (rows === 0) yield error(null, 'the file has a header row but no records');
}

export const readCsv: FileReader = (file, options) => guardRead(file, options.signal, csvEvents(file, options));
