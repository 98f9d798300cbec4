import { createHash, randomBytes, webcrypto } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import * as Digest from 'multiformats/hashes/digest';
import { sha256 } from 'multiformats/hashes/sha2';
import { isOutOfSpace } from './out-of-space';

/** CIDv1, raw codec, sha-256, base32: the id IPFS gives the same bytes (`ipfs add --cid-version 1 --raw-leaves`, one block). */
export function cidOfDigest(digest: Uint8Array): string {
  return CID.create(1, raw.code, Digest.create(sha256.code, digest)).toString();
}

export function cidOfBytes(bytes: Uint8Array): string {
  return cidOfDigest(createHash('sha256').update(bytes).digest());
}

export class DiskFullError extends Error {
  constructor(where: string, options?: { cause?: unknown }) {
    super(`The disk is full (while writing ${where}). Free some space and resume the import; nothing half-written was kept.`, options);
    this.name = 'DiskFullError';
  }
}

function rethrowIo(error: unknown, where: string): never {
  if (isOutOfSpace(error)) throw new DiskFullError(where, { cause: error });
  throw error;
}

/**
 * Content-addressed files under blobs/, named by CID. A blob is written to a temporary file,
 * fsynced, then renamed into place: a crash leaves either the whole blob or none, and the same
 * bytes are stored once.
 */
export class BlobStore {
  constructor(readonly dir: string) {
    fs.mkdirSync(path.join(dir, 'tmp'), { recursive: true });
  }

  pathOf(cid: string): string {
    if (!/^b[a-z2-7]{20,}$/.test(cid)) throw new Error(`Not a base32 CIDv1: ${cid}`);
    return path.join(this.dir, cid.slice(-2), cid);
  }

  has(cid: string): boolean {
    return fs.existsSync(this.pathOf(cid));
  }

  /**
   * Stores bytes already in memory. The write and the fsync go through the thread pool: an import
   * stores many blobs at once, and their fsyncs overlap each other and the database work instead
   * of blocking the main thread one after another. The bytes are durable before the blob gets its
   * name, so an item committed after this resolves never points at a half-written blob.
   */
  async putBytes(bytes: Uint8Array): Promise<string> {
    // Hashed in the thread pool too: an import of images hashes most of its bytes here.
    const cid = cidOfDigest(new Uint8Array(await webcrypto.subtle.digest('SHA-256', bytes)));
    if (this.has(cid)) return cid;
    const tmp = this.tempPath();
    try {
      const handle = await fs.promises.open(tmp, 'w');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      this.commit(tmp, cid);
    } catch (error) {
      fs.rmSync(tmp, { force: true });
      rethrowIo(error, `blob ${cid}`);
    }
    return cid;
  }

  /** Streams a file in, hashing as it copies: large files are never held in memory. */
  async putFile(file: string, signal?: AbortSignal): Promise<{ cid: string; bytes: number }> {
    const tmp = this.tempPath();
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      const out = fs.createWriteStream(tmp);
      await pipeline(
        fs.createReadStream(file),
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            hash.update(chunk);
            bytes += chunk.length;
            yield chunk;
          }
        },
        out,
        { signal },
      );
      // fsync in the thread pool (a synchronous fsync here held the main thread for seconds in an import of images).
      const handle = await fs.promises.open(tmp, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      const cid = cidOfDigest(hash.digest());
      if (this.has(cid)) fs.rmSync(tmp);
      else this.commit(tmp, cid);
      return { cid, bytes };
    } catch (error) {
      fs.rmSync(tmp, { force: true });
      rethrowIo(error, `a copy of ${file}`);
    }
  }

  /** Removes temporary files a crash left behind (called at open). */
  sweep(): number {
    const tmpDir = path.join(this.dir, 'tmp');
    const leftovers = fs.readdirSync(tmpDir);
    for (const f of leftovers) fs.rmSync(path.join(tmpDir, f), { force: true });
    return leftovers.length;
  }

  private tempPath(): string {
    return path.join(this.dir, 'tmp', `${process.pid}-${randomBytes(8).toString('hex')}`);
  }

  /** Shard folders known to exist: one mkdir per folder, not per blob. */
  private readonly shards = new Set<string>();

  private commit(tmp: string, cid: string): void {
    const final = this.pathOf(cid);
    const shard = path.dirname(final);
    if (!this.shards.has(shard)) {
      fs.mkdirSync(shard, { recursive: true });
      this.shards.add(shard);
    }
    fs.renameSync(tmp, final);
  }
}
