import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { Datanet, ImportRecord } from '../../shared/api/schemas/datanets';
import type { Job } from '../../shared/api/schemas/jobs';
import { openDatabase } from '../../electron/backend/store/database';
import { call, testBackend } from '../fixtures/datanet-backend';
import { tempDir } from '../fixtures/temp-dir';

/** A real full disk: a small tmpfs (needs root, which CI and these machines have). */
function smallDisk(megabytes: number): string | null {
  const dir = tempDir('studio-full-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir], { stdio: 'ignore' });
    mounted.push(dir);
    return dir;
  } catch {
    return null;
  }
}
const mounted: string[] = [];
afterEach(() => {
  for (const dir of mounted.splice(0)) execFileSync('umount', ['-l', dir]);
});

const canMount = process.getuid?.() === 0;

describe('a full disk during import', () => {
  it.skipIf(!canMount)('fails the job with a clear message and leaves a valid store', async () => {
    const disk = smallDisk(6);
    expect(disk, 'mounting a tmpfs failed').not.toBeNull();
    const dataDir = path.join(disk!, 'data');
    const photos = tempDir();
    for (let i = 0; i < 12; i++) {
      // Noise does not compress: each PNG is about 0.75 MB.
      await sharp(randomBytes(500 * 500 * 3), { raw: { width: 500, height: 500, channels: 3 } }).png().toFile(path.join(photos, `noise-${i}.png`));
    }
    const b = testBackend(dataDir);
    const d = await call<Datanet>(b, 'datanets.create', { name: 'Photos', license: 'MIT', schema: { fields: [{ kind: 'image_class', name: 'kind', labels: ['a', 'b'] }] } });
    const started = await call<{ import: ImportRecord; job: Job }>(b, 'imports.start', { datanet: d.id, paths: [photos] });
    const job = await b.jobs.settled(started.job.id);
    expect(job.state).toBe('failed');
    expect(job.state === 'failed' && job.error).toMatch(/disk is full/);
    expect(b.datanets.imports.get(started.import.id).state).toBe('failed');
    expect(fs.readdirSync(path.join(dataDir, 'blobs', 'tmp'))).toEqual([]);
    await b.close();

    const db = openDatabase(path.join(dataDir, 'studio.db'));
    // Every committed item's image is really there.
    const cids = db.prepare(`SELECT json_extract(content, '$.image.cid') FROM items`).pluck().all() as string[];
    for (const cid of cids) expect(fs.existsSync(path.join(dataDir, 'blobs', cid.slice(-2), cid))).toBe(true);
    db.close();
  });
});

describe('a full disk during export', () => {
  it.skipIf(!canMount)('fails the job saying so, and leaves no half file under the name', async () => {
    const disk = smallDisk(1);
    expect(disk, 'mounting a tmpfs failed').not.toBeNull();
    const b = testBackend();
    const d = await call<Datanet>(b, 'datanets.create', { name: 'Big', license: 'MIT', schema: { fields: [{ kind: 'free_text', name: 'note' }] } });
    // About 3 MB of text that does not compress, for a 1 MB disk.
    b.datanets.db.transaction(() => {
      for (let i = 0; i < 300; i++) b.datanets.items.insert(d.id, { content: { text: randomBytes(5000).toString('hex'), fields: {}, image: null }, source: null, importId: null });
    })();
    const out = path.join(disk!, 'big.jsonl');
    const started = await call<Job>(b, 'exports.start', { datanet: d.id, format: 'jsonl', out });
    const job = await b.jobs.settled(started.id);
    expect(job.state).toBe('failed');
    expect(job.state === 'failed' && job.error).toBe(`The disk is full (while writing ${out}). Free some space and export again; no half-written file was kept.`);
    expect(fs.readdirSync(disk!)).toEqual([]);
    await b.close();
  });
});
