import fs from 'node:fs';
import path from 'node:path';
import type { FileReader, ReadEvent, ReadOptions } from '../types';
import { fileChunks, guardRead, INVALID_UTF8, tooLong } from './file-source';

/**
 * Text and Markdown: one item per file, the whole content as its text, the file's name in
 * `fields.filename`. A file over `maxLineBytes` is refused from its size before any of it is read
 * (the text must fit in one item). Decoding streams through a fatal decoder, so invalid UTF-8 is
 * found without a second pass; a leading BOM is dropped.
 */
async function* textEvents(file: string, options: ReadOptions): AsyncGenerator<ReadEvent> {
  const error = (reason: string): ReadEvent => ({ type: 'error', path: file, line: null, reason });
  const { size } = await fs.promises.stat(file);
  if (size === 0) {
    yield error('empty file');
    return;
  }
  if (size > options.maxLineBytes) {
    yield error(tooLong('the file', size, options.maxLineBytes));
    return;
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const parts: string[] = [];
  let read = 0;
  for await (const chunk of fileChunks(file, options.signal)) {
    read += chunk.length;
    // The file may have grown since stat: the limit holds for what is actually read.
    if (read > options.maxLineBytes) {
      yield error(tooLong('the file', read, options.maxLineBytes));
      return;
    }
    try {
      parts.push(decoder.decode(chunk, { stream: true }));
    } catch {
      yield error(INVALID_UTF8);
      return;
    }
    yield { type: 'bytes', path: file, read };
  }
  try {
    parts.push(decoder.decode()); // a multi-byte character cut off at the end of the file is invalid too
  } catch {
    yield error(INVALID_UTF8);
    return;
  }
  const text = parts.join('');
  if (text.trim() === '') {
    yield error('empty file: only whitespace');
    return;
  }
  yield {
    type: 'item',
    item: { content: { text, fields: { filename: path.basename(file) }, image: null }, source: { path: file, line: null }, annotations: [] },
  };
}

export const readText: FileReader = (file, options) => guardRead(file, options.signal, textEvents(file, options));
