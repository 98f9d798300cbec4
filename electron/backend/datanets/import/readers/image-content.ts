import fs from 'node:fs';
import { imageSize } from 'image-size';
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

/** Images up to this size are read once into memory: hashed, stored and thumbnailed from the same bytes. */
const WHOLE_IMAGE = 64 * 1024 * 1024;

/**
 * Stores an image and its thumbnail in the blob store. The dimensions come from the header only
 * (image-size); the thumbnail (at most 256 px a side, JPEG or WebP) is made first because decoding it is
 * what finds a corrupt or truncated file, and a rejected file must leave no blob behind. sharp's
 * default `failOn: 'warning'` refuses truncated data that a viewer would show half grey.
 * EXIF-rotated photos (orientation 5–8) report width and height as they are displayed, which is
 * what box percentages refer to.
 */
export async function storeImage(file: string, blobs: BlobStore, signal: AbortSignal): Promise<{ image: ImageContent; bytes: number }> {
  const { size } = await fs.promises.stat(file);
  if (size === 0) throw new ImageRejected('empty file');
  // The usual photo or scan: one read (the thread pool) instead of three (header, decode, copy).
  const whole = size <= WHOLE_IMAGE ? await fs.promises.readFile(file, { signal }) : null;
  if (whole?.length === 0) throw new ImageRejected('empty file');
  let dims;
  try {
    dims = whole ? imageSize(whole) : await imageSizeFromFile(file);
  } catch (error) {
    if (hasErrnoCode(error)) throw error; // cannot read it: the caller names the I/O problem
    // image-size's own words for "no known signature" ("unsupported file type: undefined") say nothing to a person.
    const detail = /unsupported file type/i.test((error as Error).message) ? '' : `: ${(error as Error).message}`;
    throw new ImageRejected(`not an image this app reads: its bytes are not a png, jpeg, webp or gif picture, whatever its name says${detail}`);
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
    thumb = await thumbnail(whole ?? file, mime);
  } catch (error) {
    throw new ImageRejected(`corrupt image: ${(error as Error).message}`);
  }
  signal.throwIfAborted();
  let cid: string;
  let bytes: number;
  if (whole) {
    cid = await blobs.putBytes(whole);
    bytes = whole.length;
  } else {
    ({ cid, bytes } = await blobs.putFile(file, signal));
  }
  const thumbCid = await blobs.putBytes(thumb);
  return { image: { cid, mime, width, height, thumbCid }, bytes };
}

/**
 * At most THUMB_MAX a side, upright (EXIF orientation applied). JPEG when the picture is opaque
 * (a third of WebP's encoding time, which was half of a thumbnail's cost after the decode); WebP
 * (effort 0) when it has transparency, which JPEG would lose.
 */
async function thumbnail(input: Buffer | string, mime: ImageContent['mime']): Promise<Buffer> {
  const image = sharp(input);
  const hasAlpha = mime !== 'image/jpeg' && (await image.metadata()).hasAlpha;
  const small = image.rotate().resize(THUMB_MAX, THUMB_MAX, { fit: 'inside', withoutEnlargement: true });
  return (hasAlpha ? small.webp({ quality: 80, effort: 0 }) : small.jpeg({ quality: 80, optimiseCoding: false })).toBuffer();
}
