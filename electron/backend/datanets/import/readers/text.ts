import fs from 'node:fs';
import path from 'node:path';
import type { FileReader, ReadEvent, ReadOptions } from '../types';
import { decodeUtf8, fileChunks, guardRead, INVALID_UTF8, tooLong } from './file-source';

/**
 * Text and Markdown: one item per file, the whole content as its text, the file's name in
 * `fields.filename`. A file over `maxLineBytes` is refused from its size before any of it is read
 * (the text must fit in one item). Decoding streams through a fatal decoder, so invalid UTF-8 is
 * found without a second pass; a leading BOM is dropped.
 */
async function* textEvents(file: string, options: ReadOptions): AsyncGenerator<ReadEvent> {
  const error = (reason: string): ReadEvent => ({ type: 'error', path: file, line: null, reason });
  // One open for the size and, for the usual small file, the bytes too. Synchronous on purpose:
  // for a file this small four direct system calls take microseconds, while the promise API's
  // round trips through the thread pool cost more than the reading (imports read thousands).
  options.signal.throwIfAborted();
  const fd = fs.openSync(file, 'r');
  let size: number;
  let whole: Buffer | null = null;
  try {
    size = fs.fstatSync(fd).size;
    if (size > 0 && size <= WHOLE_READ) {
      whole = Buffer.allocUnsafe(size);
      const n = fs.readSync(fd, whole, 0, size, 0);
      whole = whole.subarray(0, n);
    }
  } finally {
    fs.closeSync(fd);
  }
  if (size === 0) {
    yield error('empty file');
    return;
  }
  if (size > options.maxLineBytes) {
    yield error(tooLong('the file', size, options.maxLineBytes));
    return;
  }
  if (whole) {
    // Most text files are small: one read costs far less than a stream (and imports read thousands).
    const text = decodeUtf8(stripBom(whole));
    yield { type: 'bytes', path: file, read: whole.length };
    if (text === null) yield error(INVALID_UTF8);
    else if (text.trim() === '') yield error('empty file: only whitespace');
    else yield item(file, text);
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
  yield item(file, text);
}

const WHOLE_READ = 256 * 1024;

function stripBom(bytes: Buffer): Buffer {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}

function item(file: string, text: string): ReadEvent {
  return {
    type: 'item',
    item: { content: { text, fields: { filename: path.basename(file) }, image: null }, source: { path: file, line: null }, annotations: [] },
  };
}

export const readText: FileReader = (file, options) => guardRead(file, options.signal, textEvents(file, options));
