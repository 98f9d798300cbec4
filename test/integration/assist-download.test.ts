import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../electron/backend';
import type { EmbeddingModel } from '../../shared/api/schemas/assist';
import { call, testBackend } from '../fixtures/datanet-backend';
import type { FakeHub, FakeHubOptions } from '../fixtures/fake-hub';
import { downloadJob, hubForTest } from '../fixtures/hub-download';
import { tinyEmbeddingModelFiles } from '../fixtures/tiny-embedding-model';

const REPO = 'test-org/tiny-embed';

/** The tiny embedding model as a hub repository: the ONNX weights an LFS file (sha-256), the JSON files plain git blobs. */
const startHub = (options: Omit<FakeHubOptions, 'repo' | 'files' | 'lfs'> = {}): Promise<FakeHub> =>
  hubForTest({ repo: REPO, files: tinyEmbeddingModelFiles(), lfs: (p) => p.endsWith('.onnx'), ...options });

const download = (b: Backend, input: object = { repo: REPO }) => downloadJob(b, 'assist.models.download', 'assist.download', input);

const totalBytes = [...tinyEmbeddingModelFiles().values()].reduce((s, b) => s + b.byteLength, 0);
const partialDir = (b: Backend) => path.join(b.dataDir, 'models', 'embeddings', '.partial', 'hf-tiny-embed');

describe('assist model download', () => {
  it('downloads a repository with progress, resumes a file whose connection dropped with a Range request, checks it, and installs the model', async () => {
    const hub = await startHub({ cut: new Map([['onnx/model.onnx', 1]]) });
    const b = testBackend();
    const { job, updates } = await download(b);
    expect(job).toMatchObject({ state: 'succeeded', result: `installed tiny-embed from ${REPO}@main` });
    expect(job.progress).toMatchObject({ done: totalBytes, total: totalBytes, unit: 'bytes' });
    expect(updates.some((u) => u.state === 'running' && u.progress.total === totalBytes)).toBe(true);

    const onnx = hub.requests.filter((r) => r.file === 'onnx/model.onnx');
    expect(onnx).toHaveLength(2);
    expect(onnx[0]!.range).toBeUndefined();
    expect(onnx[1]!.range).toMatch(/^bytes=[1-9]\d*-$/);

    const models = await call<EmbeddingModel[]>(b, 'assist.models.list');
    expect(models).toEqual([{ name: 'tiny-embed', source: `hf:${REPO}@main`, bytes: expect.any(Number) as number, active: true }]);
    const installed = path.join(b.dataDir, 'models', 'embeddings', 'tiny-embed');
    for (const [p, bytes] of tinyEmbeddingModelFiles()) expect(fs.readFileSync(path.join(installed, p)).equals(Buffer.from(bytes))).toBe(true);
    expect(fs.existsSync(partialDir(b))).toBe(false);
  });

  it('keeps the partial file when a download fails, and the next download resumes it', async () => {
    const hub = await startHub({ cut: new Map([['onnx/model.onnx', 3]]) });
    const b = testBackend();
    const first = await download(b);
    expect(first.job).toMatchObject({ state: 'failed', error: expect.stringMatching(/Downloading onnx\/model.onnx stopped after 3 tries .*Start the download again: it resumes from \d+ bytes/) as string });
    const part = fs.statSync(path.join(partialDir(b), 'onnx', 'model.onnx.part')).size;
    expect(part).toBeGreaterThan(0);
    expect(await call(b, 'assist.models.list')).toEqual([]);

    const second = await download(b);
    expect(second.job.state).toBe('succeeded');
    // The JSON files finished the first time: only the graph is asked for again, from where it stopped.
    expect(hub.requests.slice(-1)).toEqual([{ file: 'onnx/model.onnx', range: `bytes=${part}-` }]);
  });

  it('fails on a wrong checksum, deletes the bad file and installs nothing', async () => {
    await startHub({ wrongChecksum: new Set(['onnx/model.onnx']) });
    const b = testBackend();
    const { job } = await download(b);
    expect(job).toMatchObject({ state: 'failed', error: expect.stringMatching(/onnx\/model.onnx failed its checksum check \(sha256 [0-9a-f]{64} instead of 0{64}\)/) as string });
    expect(fs.existsSync(path.join(partialDir(b), 'onnx', 'model.onnx.part'))).toBe(false);
    expect(fs.existsSync(path.join(partialDir(b), 'onnx', 'model.onnx'))).toBe(false);
    expect(await call(b, 'assist.models.list')).toEqual([]);
  });

  it('checks plain git files by their blob id too', async () => {
    await startHub({ wrongChecksum: new Set(['tokenizer.json']) });
    const { job } = await download(testBackend());
    expect(job).toMatchObject({ state: 'failed', error: expect.stringMatching(/tokenizer.json failed its checksum check \(git blob id/) as string });
  });

  it('says clearly when the hub cannot be reached, when the repository does not exist, and when it has no ONNX weights', async () => {
    const closed = await startHub();
    await closed.close();
    const b = testBackend();
    const offline = await download(b);
    expect(offline.job).toMatchObject({ state: 'failed', error: expect.stringMatching(/^Could not reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)\. Check that this machine is online, or download the model folder elsewhere and import it in Settings → Assist\.$/) as string });

    await startHub({ omit: new Set(['onnx/model.onnx']) });
    expect((await download(b, { repo: 'test-org/missing' })).job).toMatchObject({ state: 'failed', error: expect.stringMatching(/There is no model repository test-org\/missing at revision main/) as string });
    expect((await download(b, { repo: REPO, name: 'other' })).job).toMatchObject({ state: 'failed', error: expect.stringMatching(/has no onnx\/model.onnx: assist needs a repository with ONNX weights/) as string });
    await expect(call(b, 'assist.models.download', { repo: 'not a repo' })).rejects.toThrow(/"field":"repo"/);
  });
});
