import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type ResolvedImage = { ok: true; path: string } | { ok: false; reason: string };

/** Whether `p` is `root` or below it (both already resolved); `..foo` is a name, not a way up. */
export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (rel.split(path.sep)[0] !== '..' && !path.isAbsolute(rel));
}

/**
 * Where an image reference in an imported file (a Label Studio task's `data.image`, the `image`
 * of a JSONL or HF row, a CSV `image` cell) points on this machine, refusing anything outside the
 * import folder `root`: a record must not make the import copy /etc/shadow or ~/.ssh into the
 * blob store. Accepted references: a path relative to the folder of the file that names it, an
 * absolute path, a file:// URL, and Label Studio's local-storage URL `/data/local-files/?d=PATH`
 * (PATH relative to `root`, Label Studio's document root). The check is made twice: on the path as
 * written (so a `../` outside is refused without even looking whether it exists there) and on its
 * real path (so a symlink inside the folder pointing out is refused too); the image is then read
 * through the real path, leaving no window for a link to change between check and read beyond a
 * rename race.
 */
export async function resolveImageRef(ref: string, sourceFile: string, root: string): Promise<ResolvedImage> {
  if (/^https?:\/\//i.test(ref)) return { ok: false, reason: `image ${ref}: remote images are not fetched; download them next to the export` };
  if (ref.startsWith('data:')) return { ok: false, reason: 'inline data: images are not imported; save the image next to the export and reference its path' };
  if (ref.startsWith('/data/upload/')) {
    return { ok: false, reason: `image ${ref} is a file uploaded into Label Studio; copy the uploaded files next to the export and reference them by relative path` };
  }
  let candidate: string;
  if (ref.startsWith('/data/local-files/')) {
    const d = new URLSearchParams(ref.slice(ref.indexOf('?') + 1)).get('d');
    if (!d) return { ok: false, reason: `image ${ref}: a local-files URL without its ?d=PATH` };
    candidate = path.resolve(root, d);
  } else if (ref.startsWith('file:')) {
    try {
      candidate = fileURLToPath(ref);
    } catch {
      return { ok: false, reason: `image ${ref}: not a valid file URL` };
    }
  } else {
    candidate = path.resolve(path.dirname(sourceFile), ref);
  }

  const refused = (how: string): ResolvedImage => ({ ok: false, reason: `image ${ref} is outside the import folder ${root}${how}; refused` });
  const realRoot = await fs.promises.realpath(root);
  if (!isInside(path.resolve(root), candidate) && !isInside(realRoot, candidate)) return refused('');
  let real: string;
  try {
    real = await fs.promises.realpath(candidate);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, reason: `image ${ref} not found (looked for ${candidate})` };
    if (code === 'ELOOP') return { ok: false, reason: `image ${ref}: symlink loop` };
    throw error;
  }
  if (!isInside(realRoot, real)) return refused(` (through a symlink, to ${real})`);
  return { ok: true, path: real };
}
