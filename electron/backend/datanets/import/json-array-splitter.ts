/**
 * Streams the elements of a top-level JSON array (a Label Studio export is one array of tasks, and
 * can be gigabytes) without parsing the whole document: it tracks only strings, escapes and
 * bracket depth, and hands out each element's bytes, with the line it starts on, to be parsed on
 * its own. An element over `maxBytes` is counted and dropped, never gathered. Brackets are not
 * checked for matching pairs: a broken element fails its own JSON.parse.
 */

import { BoundedRecord } from './bounded-record';
export type ArrayEvent =
  | { type: 'element'; bytes: Buffer; line: number }
  | { type: 'too-long'; line: number; bytes: number }
  /** The document is not an array, ends early, or has data after it: nothing more is read. */
  | { type: 'malformed'; line: number; reason: string }
  | { type: 'progress'; read: number };

const isSpace = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
const BOM = [0xef, 0xbb, 0xbf] as const;

export async function* splitJsonArray(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: { maxBytes: number }): AsyncGenerator<ArrayEvent> {
  const { maxBytes } = options;
  // `as`: TypeScript would otherwise narrow these to their first value and miss the loop's assignments.
  let phase = 'before' as 'before' | 'inside' | 'after';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  let read = 0;
  // The element being gathered, and the line of its first byte (null: only space so far).
  const element = new BoundedRecord(maxBytes);
  const append = (piece: Buffer): void => element.append(piece);
  let elementLine: number | null = null;
  const finish = (): ArrayEvent | null => {
    const at = elementLine;
    const taken = element.take();
    elementLine = null;
    if (at === null) return null;
    return 'tooLong' in taken ? { type: 'too-long', line: at, bytes: taken.tooLong } : { type: 'element', bytes: taken.bytes, line: at };
  };

  for await (const input of source) {
    const chunk = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    const offset = read; // of this chunk in the file: a BOM is the file's first three bytes, whatever the chunks
    read += chunk.length;
    let start = 0; // where the current element's bytes begin in this chunk
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === 0x0a) line++;
      if (phase !== 'inside') {
        if (isSpace(b) || (offset + i < 3 && b === BOM[offset + i])) continue;
        if (phase === 'before' && b === 0x5b /* [ */) {
          phase = 'inside';
          depth = 1;
          start = i + 1;
          continue;
        }
        yield {
          type: 'malformed',
          line,
          reason: phase === 'before' ? 'not a Label Studio JSON export: it should be an array of tasks, starting with [' : 'unexpected data after the end of the task array',
        };
        return;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (b === 0x5c /* \ */) escaped = true;
        else if (b === 0x22 /* " */) inString = false;
        continue;
      }
      if (isSpace(b)) continue;
      // At depth 1 a comma ends an element and `]` ends the array (and its last element).
      if (depth === 1 && (b === 0x2c /* , */ || b === 0x5d /* ] */)) {
        append(chunk.subarray(start, i));
        const event = finish();
        if (event) yield event;
        start = i + 1;
        if (b === 0x5d) {
          depth = 0;
          phase = 'after';
        }
        continue;
      }
      elementLine ??= line;
      if (b === 0x22) inString = true;
      else if (b === 0x7b /* { */ || b === 0x5b /* [ */) depth++;
      else if ((b === 0x7d /* } */ || b === 0x5d) && depth > 1) depth--;
    }
    if (phase === 'inside') append(chunk.subarray(start));
    yield { type: 'progress', read };
  }
  if (phase === 'before') yield { type: 'malformed', line, reason: read === 0 ? 'empty file' : 'not a Label Studio JSON export: the file holds no array' };
  else if (phase === 'inside') yield { type: 'malformed', line, reason: 'the file ends before the task array is closed (a truncated export?)' };
}
