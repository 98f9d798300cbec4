import path from 'node:path';
import { DiskFullError } from '../../../store/blobs';
import type { ReadOptions } from '../types';
import { describeReadError } from './file-source';
import { ImageRejected, storeImage, type ImageContent } from './image-content';
import { isPlainObject } from './json-lines';
import { resolveImageRef } from './local-image-path';

export interface ImageKey {
  /** The record's key for the image (`map.image`, else `image`). */
  key: string;
  /**
   * Whether a string under the key is an image path (Label Studio's `data.image`, the `image` column
   * of our CSV exports, a key the map names); otherwise only `{file}` objects are, and any other
   * value is left to be a content field, as it was before images were read from these formats.
   */
  paths: boolean;
  /** How reasons name the key's place, e.g. `data.` for a Label Studio task. */
  where?: string;
}

export type ImageRef =
  /** `rest` is the record without the image's key when that key was the image (`ref` null: no image). */
  | { rest: Record<string, unknown>; ref: string | null; cid: string | null }
  /** The value under the key cannot be an image: the record yields no item. */
  | { reason: string };

/**
 * The image reference a record holds under `how.key`: a path (when `paths`), or an object with a
 * string `file` — what our JSONL and HF exports write: `{cid, mime, width, height, file}`, `file`
 * relative to the exported file's folder — whose `cid` is what the file should hash to. A null or
 * empty path means no image. Synchronous, so records without an image cost no await.
 */
export function imageRefOf(record: Record<string, unknown>, how: ImageKey): ImageRef {
  const { key, paths, where = '' } = how;
  if (!Object.hasOwn(record, key)) return { rest: record, ref: null, cid: null };
  const { [key]: value, ...rest } = record;
  if (isPlainObject(value) && typeof value.file === 'string') return { rest, ref: value.file, cid: typeof value.cid === 'string' ? value.cid : null };
  if (!paths) return { rest: record, ref: null, cid: null };
  if (value === null || value === '') return { rest, ref: null, cid: null };
  if (typeof value === 'string') return { rest, ref: value, cid: null };
  return { reason: `${where}${key} must be a path or URL string` };
}

export type StoredImage = { image: ImageContent; filename: string; problems: string[] } | { reason: string };

/**
 * Stores the image a reference names, with its thumbnail (image-content.ts), read from a file
 * inside the import folder by the rules of `resolveImageRef` (relative paths from the folder of
 * `file`, the file being read). An image that is refused (outside the folder, remote, missing,
 * corrupt) is the record's reason to be skipped: the item would be an empty shell without it. A
 * file whose content id differs from the `cid` its record gives (changed since the export) is
 * reported and imported as it is.
 */
export async function storeImageRef(ref: string, cid: string | null, file: string, options: ReadOptions): Promise<StoredImage> {
  const resolved = await resolveImageRef(ref, file, options.root);
  if (!resolved.ok) return { reason: resolved.reason };
  let image: ImageContent;
  try {
    ({ image } = await storeImage(resolved.path, options.blobs, options.signal));
  } catch (error) {
    if (options.signal.aborted || error instanceof DiskFullError) throw error;
    // One record's unreadable image must not end the file the way guardRead would.
    return { reason: `image ${ref}: ${error instanceof ImageRejected ? error.message : describeReadError(error)}` };
  }
  const problems =
    cid !== null && cid !== image.cid ? [`image ${ref}: the file's content id is ${image.cid}, the record says ${cid} (changed since the export?); imported the file as it is`] : [];
  return { image, filename: path.basename(resolved.path), problems };
}
