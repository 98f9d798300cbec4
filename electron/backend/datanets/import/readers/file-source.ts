import fs from 'node:fs';
import { DiskFullError } from '../../../store/blobs';
import { formatBytes } from '../../../../../shared/format';
import type { ReadEvent } from '../types';

/** Reads a file as a stream of chunks; aborting the signal ends the stream with an AbortError. */
export function fileChunks(file: string, signal: AbortSignal, end?: number): AsyncIterable<Buffer> {
  return fs.createReadStream(file, { signal, highWaterMark: 256 * 1024, end });
}

// One decoder for whole records: `fatal` turns invalid UTF-8 into an exception instead of U+FFFD,
// `ignoreBOM` keeps a BOM as text (the splitters remove the one at the start of a file).
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The text of complete UTF-8 bytes, or null when they are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

export const INVALID_UTF8 = 'not valid UTF-8 text (a binary file, or saved in another encoding such as Latin-1 or UTF-16?); convert it to UTF-8';


export function tooLong(what: string, bytes: number, limit: number, outcome = 'skipped'): string {
  return `${what} is ${formatBytes(bytes)}, over the ${formatBytes(limit)} limit; ${outcome}`;
}

/** A reason a person understands for a failed read of a file or folder. */
export function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied: this account may not read it';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'ENOENT':
      return 'not found (moved or deleted during the import, or a symlink to nothing)';
    case 'ELOOP':
      return 'symlink loop: the link leads back to itself';
    case 'EIO':
      return 'the disk reported a read error (EIO)';
    default:
      return `cannot read it: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * Runs a reader's events and turns a failure to read the file (cannot open, I/O error midway) into
 * one `error` event, so a bad file never stops the import. A cancel and a full disk are not the
 * file's fault: they go up to the job, which stops.
 */
export async function* guardRead(file: string, signal: AbortSignal, events: AsyncIterable<ReadEvent>): AsyncGenerator<ReadEvent> {
  try {
    yield* events;
  } catch (error) {
    if (signal.aborted || error instanceof DiskFullError) throw error;
    yield { type: 'error', path: file, line: null, reason: describeReadError(error) };
  }
}
