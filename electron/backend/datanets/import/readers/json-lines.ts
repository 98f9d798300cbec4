import { splitRecords } from '../line-splitter';
import type { ImportedItem, ReadEvent, ReadOptions } from '../types';
import { decodeUtf8, fileChunks, INVALID_UTF8, tooLong } from './file-source';

/** What one parsed line turns into: an item (or none) and the problems to report for that line. */
export interface LineResult {
  item: ImportedItem | null;
  problems: string[];
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return `a ${typeof v}`;
}

/**
 * The part JSONL and HF share: one JSON object per line, blank lines skipped, and every bad line
 * (too long, invalid UTF-8, broken JSON, not an object) reported with its line number while the
 * rest of the file goes on. `toItem` decides what an object means.
 */
export async function* readJsonLines(
  file: string,
  options: ReadOptions,
  toItem: (record: Record<string, unknown>, line: number) => LineResult | Promise<LineResult>,
): AsyncGenerator<ReadEvent> {
  let lines = 0;
  for await (const event of splitRecords(fileChunks(file, options.signal), { maxBytes: options.maxLineBytes })) {
    if (event.type === 'progress') {
      yield { type: 'bytes', path: file, read: event.read };
      continue;
    }
    lines++; // any record counts, even a bad one: only a file with nothing in it is "empty"
    if (event.type !== 'record') {
      if (event.type === 'too-long') yield { type: 'error', path: file, line: event.line, reason: tooLong('the line', event.bytes, options.maxLineBytes) };
      continue;
    }
    options.signal.throwIfAborted(); // a chunk holds thousands of records: stop between them, not at the next read
    const { line } = event;
    const text = decodeUtf8(event.bytes);
    if (text === null) {
      yield { type: 'error', path: file, line, reason: INVALID_UTF8 };
      continue;
    }
    if (text.trim() === '') {
      lines--;
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield { type: 'error', path: file, line, reason: `broken JSON: ${(error as Error).message}` };
      continue;
    }
    if (!isPlainObject(value)) {
      yield { type: 'error', path: file, line, reason: `expected a JSON object on the line, found ${kindOf(value)}` };
      continue;
    }
    const pending = toItem(value, line);
    const result = pending instanceof Promise ? await pending : pending; // most lines need no await
    for (const reason of result.problems) yield { type: 'error', path: file, line, reason };
    if (result.item) yield { type: 'item', item: result.item };
  }
  if (lines === 0) yield { type: 'error', path: file, line: null, reason: 'empty file: no lines to import' };
}
