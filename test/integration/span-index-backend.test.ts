import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpanIndexService } from '../../electron/backend/attribution/span-index';
import { readTrainingRecords } from '../../electron/backend/training/dataset-source';
import { ModelsService } from '../../electron/backend/models/service';
import { loadTokenizer } from '../../engine/tokenize/load';
import { spanShares } from '../../shared/attribution/span-shares';
import type { Version } from '../../shared/api/schemas/datanets';
import type { LanguageModel } from '../../shared/api/schemas/models';
import { call, testBackend } from '../fixtures/datanet-backend';
import { pairsVersion } from '../fixtures/pairs-version';
import { tempDir } from '../fixtures/temp-dir';
import { writeTinyModel } from '../fixtures/tiny-models';

type Backend = ReturnType<typeof testBackend>;

const ANIMALS = ['otter', 'heron', 'lynx', 'marmot', 'ibis', 'newt', 'vole', 'egret'];
const PLACES = ['river', 'marsh', 'forest', 'meadow', 'cliff', 'delta'];
const PAIRS = Array.from({ length: 24 }, (_, i) => ({
  prompt: `Tell me about the ${ANIMALS[i % ANIMALS.length]} of the ${PLACES[i % PLACES.length]}.`,
  response: `The ${ANIMALS[(i * 3) % ANIMALS.length]} number ${i} sleeps by the ${PLACES[(i * 5) % PLACES.length]} and eats ${i * 7 + 3} seeds at dawn.`,
}));

async function setUp(b: Backend): Promise<Version> {
  const { version } = await pairsVersion(b, 'Field notes', PAIRS);
  await call<LanguageModel>(b, 'models.import', { path: writeTinyModel(path.join(tempDir(), 'tiny-gpt2'), { architecture: 'gpt2', seed: 1 }).dir });
  return version;
}

describe('span index of a datanet version', () => {
  it('builds as a job, and attributes an output that copies a record to that record', async () => {
    const b = testBackend();
    const version = await setUp(b);
    const spans = new SpanIndexService({ dataDir: b.dataDir, datanets: b.datanets, models: new ModelsService(b.dataDir), jobs: b.jobs });
    const target = { datanet: 'Field notes', version: 'latest', model: 'tiny-gpt2' };
    await expect(spans.attributeSpans(target, [1, 2, 3])).rejects.toThrow(/Version 1 has no span index for tiny-gpt2's tokenizer. Build it first/);

    // A cancelled build leaves nothing behind.
    const cancelled = spans.startBuild(target);
    b.jobs.cancel(cancelled.id);
    expect((await b.jobs.settled(cancelled.id)).state).toBe('cancelled');
    expect(spans.info(target)).toMatchObject({ meta: null, buildJob: null });
    expect(fs.existsSync(spans.root) ? fs.readdirSync(spans.root) : []).toEqual([]);

    const job = spans.startBuild(target);
    expect(job).toMatchObject({ kind: 'attribution.spanIndex', state: 'running', progress: { unit: 'records' } });
    expect(spans.startBuild(target).id).toBe(job.id);
    const done = await b.jobs.settled(job.id);
    expect(done.state, JSON.stringify(done)).toBe('succeeded');
    // The last progress is the worker's last stage.
    expect(done.progress).toMatchObject({ done: 24, total: 24, detail: 'writing the suffix array' });
    const info = spans.info(target);
    expect(info.dir).toBe(path.join(b.dataDir, 'attribution', 'spans', `${version.id}-${info.tokenizerHash}`));
    expect(done.state === 'succeeded' && done.result).toBe(info.dir);
    expect(info.meta).toMatchObject({ records: 24, separators: 24, source: { versionId: version.id, root: version.root, model: 'tiny-gpt2' } });
    expect(fs.existsSync(`${info.dir}.partial`)).toBe(false);
    expect(() => spans.startBuild(target)).toThrow(/is built/);

    // The output: record 17's response, word for word, inside text of its own.
    const { records } = await readTrainingRecords(b.datanets, { datanet: 'Field notes', version: 1 });
    const source = records.find((r) => r.kind === 'instruction' && r.response === PAIRS[17]!.response)!;
    const tokenizer = await loadTokenizer(new ModelsService(b.dataDir).modelDir('tiny-gpt2'));
    const output = tokenizer.encode(`Well, I read that ${PAIRS[17]!.response} Then it rains.`);
    const result = await spans.attributeSpans(target, output);
    expect(result).toMatchObject({ versionNumber: 1, versionId: version.id, model: 'tiny-gpt2', outputLength: output.length });
    expect(result.records[0]).toMatchObject({ id: source.id, itemId: source.id.split('@')[0], position: Number(source.id.split('@')[1]) });
    const longest = result.spans.reduce((a, s) => (s.length > a.length ? s : a));
    expect(longest.records.map((r) => r.id)).toEqual([source.id]);
    expect(longest.text).toContain('number 17 sleeps by the');
    // Shares: the copied record takes most of a fee, to the wei.
    const shares = spanShares(result.records, 10n ** 18n);
    expect(shares[0]!.id).toBe(source.id);
    expect(shares.reduce((s, x) => s + x.amount, 0n)).toBe(10n ** 18n);
    expect(shares[0]!.amount * 2n).toBeGreaterThan(10n ** 18n);

    await expect(spans.attributeSpans(target, [10 ** 9])).rejects.toThrow(/output token 0 is 1000000000, outside the index's vocabulary/);
  });
});
