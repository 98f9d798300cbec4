/**
 * Influence attribution from the app's side (electron/backend/attribution/influence-*.ts) on a real
 * backend: an adapter trained through training.start on a datanet version that two contributors
 * contributed (each a selection of its items, on the embedded devnet), its gradient store built by
 * a job from the lineage, then an output equal to one training pair: that pair's item is the top
 * example, its contributor the top contributor, and the payout splits the contributors' part of a
 * fee to the wei. Refused: an adapter without lineage, a query before the store, an empty output.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../electron/backend';
import { InfluenceService } from '../../electron/backend/attribution/influence-store';
import { influencePayout } from '../../electron/backend/attribution/influence-payout';
import { selectionOf } from '../../electron/backend/ledger/selection';
import { ModelRegistrations } from '../../electron/backend/models/registration';
import { ModelsService } from '../../electron/backend/models/service';
import { INDEX_FILE, parseStoreIndex } from '../../engine/attribution/store-format';
import { learningRateAt } from '../../engine/train/schedule';
import { feeParts } from '../../shared/attribution/shares';
import type { Datanet, Version } from '../../shared/api/schemas/datanets';
import type { Job } from '../../shared/api/schemas/jobs';
import { call, testBackend } from '../fixtures/datanet-backend';
import { pairsVersion } from '../fixtures/pairs-version';
import { tempDir } from '../fixtures/temp-dir';
import { writeTinyModel } from '../fixtures/tiny-models';

beforeAll(() => {
  process.env.STUDIO_KEYSTORE_SCRYPT_N = String(2 ** 10);
  delete process.env.STUDIO_WALLET_PASSWORD;
});

const PASSWORD = 'a long password';
const WORDS = ['quick', 'brown', 'fox', 'jumps', 'over', 'lazy', 'dog', 'sleeps', 'runs', 'once', 'upon', 'time', 'tiny', 'model', 'hello', 'world', 'there', 'fine', 'thank', 'data', 'people', 'label', 'share', 'user'];
// Distinct pairs of random words: each pair is its own example.
const PAIRS = Array.from({ length: 24 }, (_, i) => ({ prompt: `${WORDS[i]} ${WORDS[(i * 7 + 3) % 24]} ${WORDS[(i * 5 + 1) % 24]}`, response: `${WORDS[(i * 11 + 5) % 24]} ${WORDS[(i * 13 + 2) % 24]}` }));

async function setUp(b: Backend): Promise<{ datanet: Datanet; version: Version }> {
  const { datanet, version } = await pairsVersion(b, 'Words', PAIRS);
  await call(b, 'models.import', { path: writeTinyModel(path.join(tempDir(), 'tiny-gpt2'), { architecture: 'gpt2', seed: 3, hidden: 64, maxPositions: 128 }).dir });
  return { datanet, version };
}

describe('influence attribution in the backend', () => {
  it('builds an adapter’s gradient store and attributes an output to its examples, records and contributors', async () => {
    const b = testBackend();
    const { version } = await setUp(b);
    const models = new ModelsService(b.dataDir);
    const influence = new InfluenceService({ dataDir: b.dataDir, db: b.datanets.db, datanets: b.datanets, models, jobs: b.jobs });
    try {
      // 72 steps, a checkpoint every 12: TracIn's snapshots are the first checkpoints of each quarter after the first.
      const train = await call<Job>(b, 'training.start', { model: 'tiny-gpt2', datanet: 'Words', out: 'words', epochs: 12, lr: 1e-2, warmup: 6, rank: 8, targets: 'all-linear', batch: 4, evalFraction: 0, maxLen: 64, checkpointEvery: 12 });
      const trained = await b.jobs.settled(train.id);
      expect(trained.state, JSON.stringify(trained)).toBe('succeeded');
      const adapterDir = path.join(b.dataDir, 'adapters', 'words');
      expect(fs.readdirSync(path.join(adapterDir, 'checkpoints')).sort()).toEqual(['step-24', 'step-36', 'step-60']);
      expect(fs.readdirSync(path.join(b.dataDir, 'runs', 'words')).filter((f) => f === 'checkpoints' || f === 'tracin')).toEqual([]);
      // Exported, the adapter is PEFT's folder: its snapshots stay home.
      const exported = models.exportAdapter('words', path.join(tempDir(), 'exported'));
      expect(exported.files.sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors', 'studio-adapter.json']);

      await expect(influence.attributeInfluence({ adapter: 'words', prompt: PAIRS[0]!.prompt, output: PAIRS[0]!.response })).rejects.toThrow(/has no gradient store yet/);
      expect((await influence.info('words')).built).toBeNull();
      const job = influence.startBuild('words');
      expect(influence.startBuild('words').id).toBe(job.id); // a second start joins the running build
      const built = await b.jobs.settled(job.id);
      expect(built.state, JSON.stringify(built)).toBe('succeeded');
      const info = await influence.info('words');
      expect(info).toMatchObject({ adapter: 'words', stale: false, built: { examples: 24, checkpoints: 4 } });
      expect(info.dir).toBe(path.join(b.dataDir, 'attribution', 'influence', 'words'));
      // TracIn's η per checkpoint: the learning rates of the steps since the one before, from the run's schedule.
      const stored = parseStoreIndex(fs.readFileSync(path.join(info.dir, INDEX_FILE), 'utf8'), INDEX_FILE);
      const rate = (s: number) => learningRateAt({ lr: 1e-2, warmupSteps: 6, totalSteps: 72 }, s);
      const sum = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => rate(from + i)).reduce((x, y) => x + y, 0);
      expect(stored.checkpoints.map((c) => [c.label, c.step])).toEqual([['step-24', 24], ['step-36', 36], ['step-60', 60], ['final', 72]]);
      const expected = [sum(0, 24), sum(24, 36), sum(36, 60), sum(60, 72)];
      stored.checkpoints.forEach((c, i) => expect(c.weight).toBeCloseTo(expected[i]!, 12));
      // A budget with room for two checkpoints: the snapshot in the middle of the run, and the adapter.
      const perCheckpoint = info.built!.bytes / 4;
      expect((await b.jobs.settled(influence.startBuild('words', { maxBytes: 2.5 * perCheckpoint }).id)).state).toBe('succeeded');
      const small = parseStoreIndex(fs.readFileSync(path.join(info.dir, INDEX_FILE), 'utf8'), INDEX_FILE);
      expect(small.checkpoints.map((c) => [c.label, c.step])).toEqual([['step-36', 36], ['final', 72]]);
      small.checkpoints.forEach((c, i) => expect(c.weight).toBeCloseTo([sum(0, 36), sum(36, 72)][i]!, 12));
      expect(small.bytes).toBeLessThanOrEqual(2.5 * perCheckpoint);
      expect((await b.jobs.settled(influence.startBuild('words').id)).state).toBe('succeeded');

      // Two contributors: A the first half of the items, B the second.
      const items = b.datanets.db.prepare('SELECT item_id FROM version_records WHERE version_id = ? ORDER BY position').pluck().all(version.id) as string[];
      const a = await call<{ address: string }>(b, 'wallet.import', { source: { kind: 'privateKey', privateKey: `0x${'41'.repeat(32)}` }, password: PASSWORD });
      const recordA = await call<{ recordId: string }>(b, 'contributions.create', { datanet: 'Words', items: items.slice(0, 12) });
      const walletB = await call<{ address: string }>(b, 'wallet.import', { source: { kind: 'privateKey', privateKey: `0x${'42'.repeat(32)}` }, password: PASSWORD, replace: true });
      const recordB = await call<{ recordId: string }>(b, 'contributions.create', { datanet: 'Words', items: items.slice(12) });
      const { manifest } = await new ModelRegistrations({ db: b.datanets.db, models, datanets: b.datanets, ledger: b.ledger }).manifest('words');
      expect(new Set(manifest.entries.map((e) => e.recordId))).toEqual(new Set([recordA.recordId, recordB.recordId]));

      // The output of one of B's pairs, word for word.
      const pick = 17;
      const position = b.datanets.db.prepare('SELECT position FROM version_records WHERE version_id = ? AND item_id = ?').pluck().get(version.id, items[pick]) as number;
      const pair = PAIRS[position]!;
      const result = await influence.attributeInfluence({ adapter: 'words', prompt: pair.prompt, output: pair.response, topK: 5, manifest });
      expect(result.examples).toBe(24);
      expect(result.scores).toHaveLength(24);
      expect(result.outputTokens).toBeGreaterThan(1);
      expect(result.top.datainf).toHaveLength(5);
      expect(result.top.datainf[0]).toMatchObject({ rank: 1, itemId: items[pick], position, id: `${items[pick]}@${position}` });
      expect(result.top.tracin[0]!.itemId).toBe(items[pick]);
      expect(result.records!.map((r) => r.recordId).sort()).toEqual([recordA.recordId, recordB.recordId].sort());
      expect(result.contributors![0]!.contributor).toBe(walletB.address.toLowerCase());
      // The sums add up: the contributors' scores are their records', the records' their examples'.
      const total = result.scores.reduce((s, e) => s + e.datainf, 0);
      expect(result.contributors!.reduce((s, c) => s + c.datainf, 0)).toBeCloseTo(total, 6);

      // The payout of a fee: the contributors' part after the owner's 20%, to the wei.
      const fee = 10n ** 18n + 3n;
      const part = feeParts(fee, 2000).contributors;
      const covering = manifest.entries.map((e) => {
        const selection = selectionOf(b.datanets.db, e.recordId);
        return { recordId: e.recordId, contributor: e.contributor.toLowerCase(), positions: selection ? new Set(selection.positions) : null };
      });
      const payout = influencePayout(result.scores.map((s) => ({ id: s.id, position: s.position, score: s.datainf })), covering, part);
      expect(payout.shares.reduce((s, x) => s + x.amount, 0n)).toBe(part);
      expect(payout.shares[0]!.account).toBe(walletB.address.toLowerCase());
      expect(payout.covering.get(result.top.datainf[0]!.id)).toEqual([recordB.recordId]);
      expect(a.address).not.toBe(walletB.address);

      // The same query again is served by the warm store.
      const again = await influence.attributeInfluence({ adapter: 'words', prompt: pair.prompt, output: pair.response, topK: 5 });
      expect(again.top.datainf.map((e) => e.id)).toEqual(result.top.datainf.map((e) => e.id));
      expect(again.records).toBeNull();
      await expect(influence.attributeInfluence({ adapter: 'words', prompt: pair.prompt, output: ' ' })).rejects.toThrow(/"field":"output"|output.*empty|is empty/);

      // Another adapter's store while queries of both run: the one warm store is swapped, never released under a query.
      const other = await call<Job>(b, 'training.start', { model: 'tiny-gpt2', datanet: 'Words', out: 'other', steps: 4, rank: 2, batch: 4, evalFraction: 0, maxLen: 64, checkpointEvery: 0 });
      expect((await b.jobs.settled(other.id)).state).toBe('succeeded');
      expect((await b.jobs.settled(influence.startBuild('other').id)).state).toBe('succeeded');
      const both = await Promise.all(['words', 'other', 'words', 'other'].map((adapter) => influence.attributeInfluence({ adapter, prompt: pair.prompt, output: pair.response, topK: 3 })));
      expect(both.map((r) => r.adapter)).toEqual(['words', 'other', 'words', 'other']);
      expect(both[2]!.top.datainf.map((e) => e.id)).toEqual(result.top.datainf.slice(0, 3).map((e) => e.id));

      // The adapter's files changed under its name: the store is stale until rebuilt.
      const weights = path.join(b.dataDir, 'adapters', 'words', 'adapter_model.safetensors');
      const bytes = fs.readFileSync(weights);
      bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
      fs.writeFileSync(weights, bytes);
      expect((await influence.info('words')).stale).toBe(true);
      await expect(influence.attributeInfluence({ adapter: 'words', prompt: pair.prompt, output: pair.response })).rejects.toThrow(/built for other adapter files/);
    } finally {
      await influence.close();
    }
  }, 240_000);

  it('refuses an adapter without lineage', async () => {
    const b = testBackend();
    await setUp(b);
    const models = new ModelsService(b.dataDir);
    const influence = new InfluenceService({ dataDir: b.dataDir, db: b.datanets.db, datanets: b.datanets, models, jobs: b.jobs });
    const train = await call<Job>(b, 'training.start', { model: 'tiny-gpt2', datanet: 'Words', out: 'trained', steps: 2, rank: 2, checkpointEvery: 0 });
    expect((await b.jobs.settled(train.id)).state).toBe('succeeded');
    const copy = path.join(tempDir(), 'plain');
    fs.mkdirSync(copy);
    for (const f of ['adapter_config.json', 'adapter_model.safetensors']) fs.copyFileSync(path.join(b.dataDir, 'adapters', 'trained', f), path.join(copy, f));
    await call(b, 'adapters.import', { path: copy, base: 'tiny-gpt2', name: 'plain' });
    expect(() => influence.startBuild('plain')).toThrow(/plain has no lineage/);
  }, 120_000);
});
