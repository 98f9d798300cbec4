import type { FileHandle } from 'node:fs/promises';

/** One read or write call moves at most this much: Linux stops near 2 GiB per call anyway. */
const MAX_CHUNK = 1 << 30;

/**
 * Fills `into` from the file at `position`, straight into its memory (no intermediate Buffer),
 * looping over short reads; a file that ends early is an error naming it.
 */
export async function readExact(fh: FileHandle, file: string, into: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < into.length) {
    const want = Math.min(into.length - done, MAX_CHUNK);
    const { bytesRead } = await fh.read(into, done, want, position + done);
    if (bytesRead === 0) {
      throw new Error(`${file}: truncated: wanted ${into.length} bytes at offset ${position}, the file ended after ${done}`);
    }
    done += bytesRead;
  }
}

/** Writes all of `bytes` at `position` (or the current position), looping over short writes. */
export async function writeAll(fh: FileHandle, bytes: Uint8Array, position?: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const n = Math.min(bytes.length - done, MAX_CHUNK);
    const { bytesWritten } = await fh.write(bytes, done, n, position === undefined ? null : position + done);
    done += bytesWritten;
  }
}
