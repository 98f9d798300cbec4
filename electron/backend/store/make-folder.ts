import fs from 'node:fs';
import path from 'node:path';

/** Why a folder could not be made, worded for a person; the code stays in brackets for a search. */
export const REASONS: Record<string, string> = {
  ENOENT: 'the file system refuses new folders there',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted there',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENAMETOOLONG: 'the name is too long',
  EINVAL: 'the name is not allowed there',
  ENOTDIR: 'a file is in the way',
  EEXIST: 'a file of that name is in the way',
};

/** A folder that could not be made: `folder` is the one that failed (the target or one above it). */
export class MakeFolderError extends Error {
  constructor(
    readonly folder: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`Cannot make the folder ${folder}: ${reason}.`, options);
    this.name = 'MakeFolderError';
  }
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code && REASONS[code]) return `${REASONS[code]} (${code})`;
  return error instanceof Error ? error.message : String(error);
}

/** Nothing there (or a file further up, ENOTDIR, which the walk up then finds), else what is there. */
function statOrNone(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new MakeFolderError(p, `it cannot be read: ${reasonOf(error)}`, { cause: error });
  }
}

/**
 * Makes `dir` and the folders above it that are missing, one level at a time, for paths a user
 * gave. Not `mkdirSync(dir, { recursive: true })`: Node's recursive mkdir loops forever where the
 * parent exists and mkdir of the child keeps failing with ENOENT (anything under /proc), which on
 * the backend's main thread hangs every request. Each level is made once; a failure throws a
 * MakeFolderError naming the folder and why. Returns the absolute path.
 */
export function makeFolder(dir: string): string {
  const target = path.resolve(dir);
  const missing: string[] = [];
  for (let at = target; ; at = path.dirname(at)) {
    const stat = statOrNone(at);
    if (stat) {
      if (!stat.isDirectory()) throw new MakeFolderError(missing.at(-1) ?? target, `${at} is a file, not a folder`);
      break;
    }
    // A root that is not there (a drive letter with no drive): the mkdir below says why.
    if (path.dirname(at) === at) {
      missing.push(at);
      break;
    }
    missing.push(at);
  }
  for (const folder of missing.reverse()) {
    try {
      fs.mkdirSync(folder);
    } catch (error) {
      // Made meanwhile by someone else: as good as made here.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && statOrNone(folder)?.isDirectory()) continue;
      throw new MakeFolderError(folder, reasonOf(error), { cause: error });
    }
  }
  return target;
}
