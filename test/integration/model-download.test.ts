/**
 * Base language models from the Hugging Face hub (a local fake of its two endpoints): only the
 * files a language model needs are fetched (a sharded checkpoint's index first, then the shards it
 * names), a cut connection is resumed with a Range request, a failed download resumes in the next
 * one, a checksum mismatch deletes the file and installs nothing, and a repository that lacks a
 * required file fails before any weights are fetched. Through the API and `studio model download`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../electron/backend';
import type { Job } from '../../shared/api/schemas/jobs';
import type { LanguageModel } from '../../shared/api/schemas/models';
import { call, testBackend } from '../fixtures/datanet-backend';
import type { FakeHub, FakeHubOptions } from '../fixtures/fake-hub';
import { downloadJob, hubForTest } from '../fixtures/hub-download';
import { runStudio } from '../fixtures/studio-cli';
import { tempDir } from '../fixtures/temp-dir';
import { tinyModelFiles } from '../fixtures/tiny-models';

const REPO = 'test-org/tiny-llama';
const SHARDS = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];

/** A sharded tiny Llama as the hub holds it, with files a language model does not need beside it. */
function repoFiles(shards = 2): Map<string, Uint8Array> {
  const files = new Map(tinyModelFiles({ architecture: 'llama', seed: 5, shards }).files);
  files.set('pytorch_model.bin', new Uint8Array(4096).fill(7));
  files.set('onnx/model.onnx', new Uint8Array(2048).fill(9));
  files.set('.gitattributes', new TextEncoder().encode('*.safetensors filter=lfs diff=lfs merge=lfs -text\n'));
  return files;
}
const NEEDED = (files: Map<string, Uint8Array>) => [...files.keys()].filter((p) => !['pytorch_model.bin', 'onnx/model.onnx', '.gitattributes'].includes(p));

const startHub = (options: Partial<FakeHubOptions> = {}): Promise<FakeHub> =>
  hubForTest({ repo: REPO, files: repoFiles(), lfs: (p) => /\.(safetensors|bin|onnx)$/.test(p), ...options });

const download = (b: Backend, input: object = { repo: REPO }) => downloadJob(b, 'models.download', 'models.download', input);

const partialDir = (b: Backend) => path.join(b.dataDir, 'models', 'language', '.partial', 'hf-tiny-llama');

describe('base model download from the hub', () => {
  it('fetches the index, then the shards it names, resumes a cut shard with a Range request, checks every file and installs the model', async () => {
    const hub = await startHub({ cut: new Map([[SHARDS[1]!, 1]]) });
    const b = testBackend();
    const { job, updates } = await download(b);
    expect(job, JSON.stringify(job)).toMatchObject({ state: 'succeeded', result: `installed tiny-llama from ${REPO}@main` });
    const files = repoFiles();
    const needed = NEEDED(files);
    const total = needed.reduce((s, p) => s + files.get(p)!.byteLength, 0);
    expect(job.progress).toMatchObject({ done: total, total, unit: 'bytes' });
    expect(updates.some((u) => u.state === 'running' && u.progress.total === total)).toBe(true);

    // Nothing it does not need; the index before any shard; the cut shard resumed where it stopped.
    const asked = hub.requests.map((r) => r.file);
    expect(new Set(asked)).toEqual(new Set(needed));
    expect(asked.indexOf('model.safetensors.index.json')).toBeLessThan(Math.min(...SHARDS.map((s) => asked.indexOf(s))));
    const cut = hub.requests.filter((r) => r.file === SHARDS[1]);
    expect(cut).toHaveLength(2);
    expect(cut[0]!.range).toBeUndefined();
    expect(cut[1]!.range).toMatch(/^bytes=[1-9]\d*-$/);

    const installed = path.join(b.dataDir, 'models', 'language', 'tiny-llama');
    expect(fs.readdirSync(installed).sort()).toEqual([...needed, '.studio-source'].sort());
    for (const p of needed) expect(fs.readFileSync(path.join(installed, p)).equals(Buffer.from(files.get(p)!)), p).toBe(true);
    const [model] = await call<LanguageModel[]>(b, 'models.list');
    expect(model).toMatchObject({ name: 'tiny-llama', architecture: 'llama', source: `hf:${REPO}@main` });
    expect(fs.existsSync(partialDir(b))).toBe(false);
  });

  it('keeps the partial file when a download fails, and the next one resumes it; a second start while it runs joins it', async () => {
    const hub = await startHub({ cut: new Map([[SHARDS[0]!, 3]]) });
    const b = testBackend();
    const first = await download(b);
    expect(first.job).toMatchObject({ state: 'failed', error: expect.stringMatching(/Downloading model-00001-of-00002.safetensors stopped after 3 tries .*it resumes from \d+ bytes/) as string });
    const part = fs.statSync(path.join(partialDir(b), `${SHARDS[0]}.part`)).size;
    expect(part).toBeGreaterThan(0);
    expect(await call(b, 'models.list')).toEqual([]);

    const before = hub.requests.length;
    const started = await call<Job>(b, 'models.download', { repo: REPO });
    const joined = await call<Job>(b, 'models.download', { repo: REPO });
    expect(joined.id).toBe(started.id);
    await expect(call(b, 'models.download', { repo: REPO, revision: 'v2', name: 'tiny-llama' })).rejects.toThrow(/test-org\/tiny-llama@main is being downloaded as tiny-llama; wait for it or cancel it/);
    expect((await b.jobs.settled(started.id)).state).toBe('succeeded');
    // The small files finished the first time: only the shards are asked for, the cut one from where it stopped.
    expect(hub.requests.slice(before)).toEqual([
      { file: SHARDS[0], range: `bytes=${part}-` },
      { file: SHARDS[1], range: undefined },
    ]);
  });

  it('fails on a checksum mismatch, deletes the bad file and installs nothing', async () => {
    await startHub({ wrongChecksum: new Set([SHARDS[1]!]) });
    const b = testBackend();
    const { job } = await download(b);
    expect(job).toMatchObject({ state: 'failed', error: expect.stringMatching(/model-00002-of-00002.safetensors failed its checksum check \(sha256 [0-9a-f]{64} instead of 0{64}\)/) as string });
    expect(fs.existsSync(path.join(partialDir(b), SHARDS[1]!))).toBe(false);
    expect(fs.existsSync(path.join(partialDir(b), `${SHARDS[1]}.part`))).toBe(false);
    expect(await call(b, 'models.list')).toEqual([]);
  });

  it('refuses a repository without a tokenizer or weights before fetching any weights', async () => {
    const hub = await startHub({ omit: new Set(['tokenizer.json']) });
    const b = testBackend();
    const { job } = await download(b);
    expect(job).toMatchObject({ state: 'failed', error: expect.stringMatching(/^test-org\/tiny-llama has no tokenizer.json: a base model needs config.json, tokenizer.json and safetensors weights/) as string });
    // The index was read to learn the shards; no weights were.
    expect(hub.requests.map((r) => r.file)).toEqual(['model.safetensors.index.json']);

    await hub.close();
    await startHub({ omit: new Set(['model.safetensors.index.json', ...SHARDS]) });
    expect((await download(b)).job).toMatchObject({ state: 'failed', error: expect.stringMatching(/has no model.safetensors \(or model.safetensors.index.json with its shards\)/) as string });
    await startHub({ omit: new Set([SHARDS[1]!]) });
    expect((await download(b)).job).toMatchObject({ state: 'failed', error: expect.stringMatching(/has no model-00002-of-00002.safetensors:/) as string });
    await expect(call(b, 'models.download', { repo: 'no-slash' })).rejects.toThrow(/"field":"repo"/);
    expect(await call(b, 'models.list')).toEqual([]);
  });

  it('studio model download installs a single-file model with the hub in HF_ENDPOINT', async () => {
    const files = new Map(tinyModelFiles({ architecture: 'gpt2', seed: 2 }).files);
    const hub = await hubForTest({ repo: 'test-org/tiny-gpt2', files, lfs: (p) => p.endsWith('.safetensors'), cut: new Map([['model.safetensors', 1]]) });
    const data = tempDir();
    const run = await runStudio(['--data-dir', data, '--json', 'model', 'download', 'test-org/tiny-gpt2', '--name', 'gpt2-small'], { HF_ENDPOINT: hub.url });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ result: 'installed gpt2-small from test-org/tiny-gpt2@main', job: { state: 'succeeded' } });
    const list = await runStudio(['--data-dir', data, 'model', 'list']);
    expect(list.stdout).toMatch(/^gpt2-small {2}gpt2 .* {2}hf:test-org\/tiny-gpt2@main$/m);
    const missing = await runStudio(['--data-dir', data, 'model', 'download', 'test-org/other'], { HF_ENDPOINT: hub.url });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/There is no model repository test-org\/other at revision main/);
  });
});
