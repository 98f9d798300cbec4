import path from 'node:path';
import { splitRecords } from './line-splitter';
import { decodeUtf8, fileChunks } from './readers/file-source';
import { isPlainObject } from './readers/json-lines';
import { isItemId } from './readers/record-mapping';
import type { FileFormat } from './types';

/** The format `auto` reads a file as, by its extension (case-insensitive). */
const BY_EXTENSION: Readonly<Record<string, FileFormat>> = {
  '.txt': 'text',
  '.md': 'text',
  '.markdown': 'text',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.png': 'images',
  '.jpg': 'images',
  '.jpeg': 'images',
  '.webp': 'images',
  '.gif': 'images',
  '.json': 'labelstudio',
};

/** How far into a JSONL file `auto` looks for its first record. */
export const PEEK_BYTES = 1024 * 1024;

/** Whether a JSON value is a Hugging Face style record: prompt + response (or completion), or messages. */
export function looksLikeHf(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const has = (k: string): boolean => Object.hasOwn(value, k);
  return (has('prompt') && (has('response') || has('completion'))) || Array.isArray((value as { messages?: unknown }).messages);
}

/**
 * The format of a JSON-lines file from its first record: a row of our own exports (an `id` that
 * is one of our item ids) is jsonl when it nests its labels in a `labels` object (our JSONL
 * export), else hf (our HF folder's data files, whose label columns may include prompt and
 * response); both readers read both kinds of row the same way. Other records: hf when they look
 * like one (`looksLikeHf`), else jsonl.
 */
export function jsonLinesFormat(value: unknown): 'jsonl' | 'hf' {
  if (isPlainObject(value) && isItemId(value.id)) return isPlainObject(value.labels) ? 'jsonl' : 'hf';
  return looksLikeHf(value) ? 'hf' : 'jsonl';
}

/**
 * JSONL or HF, from the first non-blank line (within the first MB). Anything unreadable there
 * means plain JSONL: its reader then reports the problem with the line number.
 */
async function jsonlOrHf(file: string, signal: AbortSignal): Promise<FileFormat> {
  for await (const event of splitRecords(fileChunks(file, signal, PEEK_BYTES - 1), { maxBytes: PEEK_BYTES })) {
    if (event.type !== 'record') continue;
    const text = decodeUtf8(event.bytes);
    if (text === null) return 'jsonl';
    if (text.trim() === '') continue;
    try {
      return jsonLinesFormat(JSON.parse(text));
    } catch {
      return 'jsonl';
    }
  }
  return 'jsonl';
}

/** The format a file found by the walk is read as, or why it is not imported. Throws on an unreadable file. */
export async function detectFormat(file: string, signal: AbortSignal): Promise<{ format: FileFormat } | { reason: string }> {
  const ext = path.extname(file).toLowerCase();
  const format = BY_EXTENSION[ext];
  if (format === undefined) return { reason: `unsupported file type ${ext === '' ? '(no extension)' : ext}; use --format to say how to read it` };
  if (format === 'jsonl') return { format: await jsonlOrHf(file, signal) };
  return { format };
}
