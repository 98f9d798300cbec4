import fs from 'node:fs';
import type { BlobStore } from '../backend/store/blobs';
import { SECURITY_HEADERS } from './csp';

/** `/blobs/<cid>`: the one path both shells serve blob bytes under (thumbnails, images). */
export const BLOB_PATH = /^\/blobs\/(b[a-z2-7]{20,})$/;

const SIGNATURES: readonly (readonly [string, (b: Buffer) => boolean])[] = [
  ['image/png', (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))],
  ['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['image/gif', (b) => b.subarray(0, 4).toString('latin1') === 'GIF8'],
  ['image/webp', (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP'],
];

/** The type the bytes declare themselves; anything else is served as opaque bytes (with nosniff). */
export function sniffMime(head: Buffer): string {
  return SIGNATURES.find(([, matches]) => matches(head))?.[0] ?? 'application/octet-stream';
}

export interface BlobFile {
  readonly path: string;
  readonly size: number;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Looks a blob up for a transport to stream. Content-addressed bytes never change, so the browser
 * may keep them for good; undefined when there is no such blob.
 */
export function blobFile(blobs: BlobStore, cid: string): BlobFile | undefined {
  let file: string;
  try {
    file = blobs.pathOf(cid);
  } catch {
    return undefined;
  }
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const head = Buffer.alloc(12);
    const read = fs.readSync(fd, head, 0, head.length, 0);
    const size = fs.fstatSync(fd).size;
    return {
      path: file,
      size,
      headers: {
        ...SECURITY_HEADERS,
        'Content-Type': sniffMime(head.subarray(0, read)),
        'Content-Length': String(size),
        'Cache-Control': 'private, max-age=31536000, immutable',
      },
    };
  } finally {
    fs.closeSync(fd);
  }
}
