import fs from 'node:fs';
import path from 'node:path';
import { ApiFailure } from '../../../shared/api/errors';
import { makeFolder, MakeFolderError, REASONS } from './make-folder';

/** Nothing there, or a file in the way (ENOTDIR): the walk up from the target finds which. */
function statOrNone(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
}

export interface OutputTarget {
  /** What the path must be: a file written there, or a folder written into. */
  writes: 'file' | 'folder';
  /** The input field the path came in, named in the refusal. */
  field: string;
  /** Why the other kind is wrong, after "F is a folder; " ("jsonl export writes a file"). */
  why: string;
  /** A full path of the kind, for the refusal of a relative one ("/home/me/claims.json"). */
  example: string;
}

/**
 * Refuses, before any work or payment, a path a user gave that could not be written, as the
 * field's invalid_input: a relative path, a folder where a file goes or the other way round, a
 * file in the way above it ("EEXIST: mkdir" is what Node would say later), a folder the file
 * system will not make (under /proc, read-only, no permission), and for a file one that cannot be
 * created or opened for writing there. Makes the folder, and leaves no file behind.
 */
export function checkOutputTarget(out: string, target: OutputTarget): void {
  const bad = (message: string) => new ApiFailure({ code: 'invalid_input', field: target.field, message });
  const name = target.field;
  if (!path.isAbsolute(out)) throw bad(`${name} must be a full path (such as ${target.example}); ${out} is relative`);
  const stat = statOrNone(out);
  if (target.writes === 'file' && stat?.isDirectory()) throw bad(`${name} ${out} is a folder; ${target.why}`);
  if (target.writes === 'folder' && stat && !stat.isDirectory()) throw bad(`${name} ${out} is a file; ${target.why}`);
  for (let dir = path.dirname(out); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const above = statOrNone(dir);
    if (above === undefined) continue;
    if (!above.isDirectory()) throw bad(`${name} ${out} cannot be made: ${dir} is a file, not a folder`);
    break;
  }
  try {
    makeFolder(target.writes === 'folder' ? out : path.dirname(out));
  } catch (error) {
    if (error instanceof MakeFolderError) throw bad(error.message);
    throw error;
  }
  if (target.writes === 'folder') return;
  const existed = stat !== undefined;
  try {
    fs.closeSync(fs.openSync(out, existed ? 'r+' : 'wx'));
    if (!existed) fs.unlinkSync(out);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const why = code === 'EISDIR' ? 'it is a folder' : REASONS[code]?.replace('new folders', 'new files');
    throw bad(`${name} ${out} cannot be written: ${why ? `${why} (${code})` : (error as Error).message}`);
  }
}
