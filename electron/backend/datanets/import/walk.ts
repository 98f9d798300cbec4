import fs from 'node:fs';
import path from 'node:path';
import { detectFormat } from './detect-format';
import { describeReadError } from './readers/file-source';
import type { ImportFormat, WalkEvent } from './types';

/**
 * Every file under the given paths, in a deterministic order: the paths as given, each folder's
 * entries sorted by name (code unit order, not the locale's). Inside folders, hidden entries (names
 * starting with `.`) are skipped; a hidden path given explicitly is read. Symlinks are followed:
 * a link to a folder that contains it (a loop) is reported and not entered, and a folder or file
 * reached a second time through another link is silently not read twice. A folder or file that
 * cannot be read, a broken symlink and anything that is not a regular file or folder (a fifo would
 * block the import forever) are reported as `error` events, and the walk goes on.
 *
 * With `auto`, the format comes from the extension (see `detectFormat`); an unknown extension is an
 * error naming it. With any other format every file is read as that format.
 */
export async function* walkSources(paths: readonly string[], format: ImportFormat, signal: AbortSignal): AsyncGenerator<WalkEvent> {
  const seen = new Set<string>(); // real paths already walked: folders and files
  const error = (p: string, reason: string): WalkEvent => ({ type: 'error', path: p, line: null, reason });

  /** `knownReal`: the real path, when the caller knows it (a plain file listed in a real folder), saving a realpath call per file. */
  async function* visit(p: string, ancestors: readonly string[], knownReal?: string): AsyncGenerator<WalkEvent> {
    signal.throwIfAborted();
    let stat: fs.Stats;
    let real: string;
    try {
      // A plain file listed in a folder: one direct stat (microseconds) beats a thread-pool round trip.
      stat = knownReal ? fs.statSync(p) : await fs.promises.stat(p);
      real = knownReal ?? (await fs.promises.realpath(p));
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      const link = await fs.promises.lstat(p).then((s) => s.isSymbolicLink(), () => false);
      if (link && code === 'ENOENT') yield error(p, `broken symlink: it points to ${await fs.promises.readlink(p).catch(() => 'nothing')}, which does not exist`);
      else yield error(p, describeReadError(cause));
      return;
    }

    if (stat.isDirectory()) {
      if (ancestors.includes(real)) {
        yield error(p, `symlink loop: this folder is ${real}, which contains it; not entered again`);
        return;
      }
      if (seen.has(real)) return;
      seen.add(real);
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(p, { withFileTypes: true });
      } catch (cause) {
        yield error(p, `cannot list this folder: ${describeReadError(cause)}`);
        return;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const inside = [...ancestors, real];
      for (const entry of entries) {
        if (entry.name.startsWith('.')) continue;
        // A plain file (not a link) in a real folder is at that folder's real path plus its name.
        yield* visit(path.join(p, entry.name), inside, entry.isFile() ? path.join(real, entry.name) : undefined);
      }
      return;
    }

    if (!stat.isFile()) {
      yield error(p, 'not a regular file or folder (a fifo, socket or device); skipped');
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    if (format !== 'auto') {
      yield { type: 'file', file: { path: p, size: stat.size, format } };
      return;
    }
    let detected;
    try {
      detected = await detectFormat(p, signal);
    } catch (cause) {
      if (signal.aborted) throw cause;
      yield error(p, describeReadError(cause));
      return;
    }
    if ('reason' in detected) yield error(p, detected.reason);
    else yield { type: 'file', file: { path: p, size: stat.size, format: detected.format } };
  }

  for (const p of paths) yield* visit(path.resolve(p), []);
}
