import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './database';
import { makeFolder } from './make-folder';

export interface BackupProgress {
  totalPages: number;
  remainingPages: number;
}

/** A file name that sorts by time and never collides within a second: studio-20261127-081500.db. */
export function backupFileName(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `studio-${stamp}.db`;
}

/**
 * A consistent copy of the database while the app keeps writing (SQLite's online backup API).
 * It is written under a temporary name and renamed when complete, so a cancelled or failed
 * backup never leaves a file that looks whole.
 */
export async function backupDatabase(
  db: Db,
  destination: string,
  options: { signal?: AbortSignal; onProgress?: (p: BackupProgress) => void } = {},
): Promise<string> {
  if (fs.existsSync(destination)) throw new Error(`${destination} already exists; choose another name.`);
  makeFolder(path.dirname(destination));
  const partial = `${destination}.partial`;
  fs.rmSync(partial, { force: true });
  try {
    const done = await db.backup(partial, {
      progress: (p) => {
        options.signal?.throwIfAborted();
        options.onProgress?.(p);
        return 100;
      },
    });
    options.onProgress?.(done);
    fs.renameSync(partial, destination);
    return destination;
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
}
