import fs from 'node:fs';
import { imageSizeFromFile } from 'image-size/fromFile';
import sharp from 'sharp';
import type { ItemContent } from '../../../../../shared/datanets/item';
import type { BlobStore } from '../../../store/blobs';

export type ImageContent = NonNullable<ItemContent['image']>;

/** A file that is not an image we import, with the reason a person reads. */
export class ImageRejected extends Error {}

const MIME = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif' } as const;
export const THUMB_MAX = 256;

function hasErrnoCode(error: unknown): boolean {
  return typeof (error as NodeJS.ErrnoException | null)?.code === 'string';
}

/**
 * Stores an image and its thumbnail in the blob store. The dimensions come from the header only
 * (image-size); the thumbnail (at most 256 px a side, WebP) is made first because decoding it is
 * what finds a corrupt or truncated file, and a rejected file must leave no blob behind. sharp's
 * default `failOn: 'warning'` refuses truncated data that a viewer would show half grey.
 * EXIF-rotated photos (orientation 5–8) report width and height as they are displayed, which is
 * what box percentages refer to.
 */
export async function storeImage(file: string, blobs: BlobStore, signal: AbortSignal): Promise<{ image: ImageContent; bytes: number }> {
  const { size } = await fs.promises.stat(file);
  if (size === 0) throw new ImageRejected('empty file');
  let dims;
  try {
    dims = await imageSizeFromFile(file);
  } catch (error) {
    if (hasErrnoCode(error)) throw error; // cannot read it: the caller names the I/O problem
    throw new ImageRejected(`not an image this app reads (png, jpeg, webp, gif): ${(error as Error).message}`);
  }
  const mime = MIME[dims.type as keyof typeof MIME] as ImageContent['mime'] | undefined;
  if (mime === undefined) throw new ImageRejected(`a ${dims.type ?? 'unknown'} image; only png, jpeg, webp and gif are imported`);
  const rotated = (dims.orientation ?? 1) >= 5;
  const width = rotated ? dims.height : dims.width;
  const height = rotated ? dims.width : dims.height;
  if (!(width > 0 && height > 0)) throw new ImageRejected('corrupt image: its header gives no size');
  signal.throwIfAborted();
  let thumb: Buffer;
  try {
    thumb = await sharp(file).rotate().resize(THUMB_MAX, THUMB_MAX, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 80, effort: 0 }).toBuffer(); // effort 0: half the time of the default, for a 256 px preview
  } catch (error) {
    throw new ImageRejected(`corrupt image: ${(error as Error).message}`);
  }
  const { cid, bytes } = await blobs.putFile(file, signal);
  const thumbCid = await blobs.putBytes(thumb);
  return { image: { cid, mime, width, height, thumbCid }, bytes };
}
