/**
 * Splits a byte stream into records without ever holding more than one record, for JSONL, HF and
 * CSV. A record longer than `maxBytes` is not gathered: its bytes are counted and dropped until the
 * record ends, so a 5 GB line costs no more memory than a short one.
 *
 * JSONL records end at every newline. CSV records end at a newline outside a quoted field (RFC 4180:
 * a field that starts with `"` runs to the matching `"`, `""` inside it is a quote), so a quoted
 * field may span lines; `line` is the 1-based line the record starts on. A trailing `\r` (CRLF
 * files) and a UTF-8 byte order mark at the start of the file are removed.
 */

import { BoundedRecord } from './bounded-record';

export type SplitEvent =
  /** A whole record, without its line ending. `bytes` may be a view into the read chunk: use it before the next event. */
  | { type: 'record'; bytes: Buffer; line: number }
  /** A record over the limit, skipped; `bytes` is its full length. */
  | { type: 'too-long'; line: number; bytes: number }
  /** CSV only: the file ended inside a quoted field that opened on `line`. */
  | { type: 'unterminated'; line: number }
  /** Bytes of the source consumed so far, after each chunk. */
  | { type: 'progress'; read: number };

export interface SplitOptions {
  maxBytes: number;
  /** Set for CSV/TSV: the field delimiter's byte (`,` or tab), which makes the splitter quote-aware. */
  csvDelimiter?: number;
}

const NEWLINE = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BOM = [0xef, 0xbb, 0xbf] as const;

// CSV quoting states of the record-boundary scanner. After a quoted field closes the bytes up to the
// next delimiter are treated as unquoted, as csv-parse does with `relax_quotes`.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3;

export async function* splitRecords(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: SplitOptions): AsyncGenerator<SplitEvent> {
  const { maxBytes, csvDelimiter } = options;
  // +1 leaves room for the `\r` of a CRLF line that is exactly at the limit.
  const record = new BoundedRecord(maxBytes + 1);
  let line = 1;
  let recordLine = 1;
  let state = FIELD_START;
  let read = 0;
  let first = true;

  const append = (piece: Buffer): void => record.append(piece);

  const finish = (): SplitEvent => {
    let event: SplitEvent;
    const taken = record.take();
    if ('tooLong' in taken) {
      event = { type: 'too-long', line: recordLine, bytes: taken.tooLong };
    } else {
      let bytes = taken.bytes;
      if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
      if (first && bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2]) bytes = bytes.subarray(3);
      event = bytes.length > maxBytes ? { type: 'too-long', line: recordLine, bytes: bytes.length } : { type: 'record', bytes, line: recordLine };
    }
    first = false;
    state = FIELD_START;
    return event;
  };

  // Where the current record ends in `chunk` from `from` (the newline's index), or -1; counts the
  // newlines inside quoted fields it passes so `line` stays the physical line number. It jumps from
  // quote to quote with indexOf (native), so long quote-free stretches cost nothing in JavaScript.
  const recordEnd = (chunk: Buffer, from: number): number => {
    if (csvDelimiter === undefined) return chunk.indexOf(NEWLINE, from);
    const len = chunk.length;
    let nextNewline = chunk.indexOf(NEWLINE, from); // -1: none left in this chunk
    let i = from;
    while (i < len) {
      if (state === QUOTED) {
        const q = chunk.indexOf(QUOTE, i);
        const stop = q === -1 ? len : q;
        while (nextNewline !== -1 && nextNewline < stop) {
          line++;
          nextNewline = chunk.indexOf(NEWLINE, nextNewline + 1);
        }
        if (q === -1) return -1;
        state = QUOTE_IN_QUOTED;
        i = q + 1;
        continue;
      }
      // Outside a quoted field: the bytes up to the next quote or newline are plain; only the last
      // of them decides the state (a delimiter starts a new field, anything else is unquoted text).
      const end = nextNewline === -1 ? len : nextNewline;
      const q = chunk.indexOf(QUOTE, i);
      const stop = q === -1 || q > end ? end : q;
      if (stop > i) state = chunk[stop - 1] === csvDelimiter ? FIELD_START : UNQUOTED;
      if (stop === end) return nextNewline;
      // chunk[stop] is a quote: it opens a field, escapes a quote, or is plain text mid-field.
      if (state === FIELD_START || state === QUOTE_IN_QUOTED) state = QUOTED;
      i = stop + 1;
    }
    return -1;
  };

  for await (const input of source) {
    const chunk = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    let pos = 0;
    while (pos < chunk.length) {
      const end = recordEnd(chunk, pos);
      if (end === -1) {
        append(chunk.subarray(pos));
        break;
      }
      append(chunk.subarray(pos, end));
      yield finish();
      line++;
      recordLine = line;
      pos = end + 1;
    }
    read += chunk.length;
    yield { type: 'progress', read };
  }
  if (state === QUOTED) {
    yield { type: 'unterminated', line: recordLine };
  } else if (!record.empty) {
    yield finish();
  }
}
