import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Backend } from '../../electron/backend';
import type { AssistStatus, Duplicates, EmbeddingModel, SemanticSearchResult, Suggestion } from '../../shared/api/schemas/assist';
import type { Datanet } from '../../shared/api/schemas/datanets';
import type { Job } from '../../shared/api/schemas/jobs';
import { call, testBackend } from '../fixtures/datanet-backend';
import { tempDir } from '../fixtures/temp-dir';
import { TOPIC_ITEMS, TOPIC_SCHEMA, writeTinyEmbeddingModel, HIDDEN_SIZE } from '../fixtures/tiny-embedding-model';

afterEach(() => {
  vi.restoreAllMocks();
});

/** A backend with the tiny model imported and the topic datanet filled and partly labeled. */
async function topicBackend(): Promise<{ b: Backend; d: Datanet; ids: Map<string, string> }> {
  const b = testBackend();
  await call(b, 'assist.models.import', { path: writeTinyEmbeddingModel(path.join(tempDir(), 'tiny-model')) });
  const d = await call<Datanet>(b, 'datanets.create', { name: 'Topics', license: 'MIT', schema: TOPIC_SCHEMA });
  const ids = new Map<string, string>();
  for (const { text, topic } of TOPIC_ITEMS) {
    const { id } = b.datanets.items.insert(d.id, { content: { text, fields: {}, image: null }, source: null, importId: null });
    ids.set(text, id);
    if (topic) await call(b, 'annotations.set', { item: id, field: 'topic', value: topic });
  }
  return { b, d, ids };
}

async function computeEmbeddings(b: Backend, datanet: string): Promise<Job> {
  const job = await call<Job>(b, 'assist.embeddings.compute', { datanet });
  return b.jobs.settled(job.id);
}

const idOf = (ids: Map<string, string>, text: string) => ids.get(text)!;

describe('assist models', () => {
  it('imports a generated model folder without touching the network, lists it as active, and removes it with its embeddings', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const { b, d } = await topicBackend();
    expect(fetchSpy).not.toHaveBeenCalled();
    const models = await call<EmbeddingModel[]>(b, 'assist.models.list');
    expect(models).toEqual([{ name: 'tiny-model', source: expect.stringContaining('tiny-model') as string, bytes: expect.any(Number) as number, active: true }]);
    expect(fs.existsSync(path.join(b.dataDir, 'models', 'embeddings', 'tiny-model', 'onnx', 'model.onnx'))).toBe(true);

    expect((await computeEmbeddings(b, d.id)).state).toBe('succeeded');
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(await call<EmbeddingModel[]>(b, 'assist.models.remove', { name: 'tiny-model' })).toEqual([]);
    expect(b.datanets.db.prepare('SELECT count(*) FROM embeddings').pluck().get()).toBe(0);
    expect(await call<AssistStatus>(b, 'assist.status', { datanet: d.id })).toMatchObject({ model: null, embeddedCount: 0 });
    await expect(call(b, 'assist.embeddings.compute', { datanet: d.id })).rejects.toThrow(/No embedding model is installed.*Settings → Assist/);
  });

  it('refuses a folder missing tokenizer.json, saying which file and what a model folder holds', async () => {
    const b = testBackend();
    const dir = writeTinyEmbeddingModel(path.join(tempDir(), 'broken'), { omit: ['tokenizer.json'] });
    await expect(call(b, 'assist.models.import', { path: dir })).rejects.toThrow(/"field":"path".*has no tokenizer.json.*A model folder holds config.json, tokenizer.json/);
    await expect(call(b, 'assist.models.import', { path: path.join(dir, 'nowhere') })).rejects.toThrow(/is not a folder/);
    expect(await call(b, 'assist.models.list')).toEqual([]);
  });

  it('refuses a folder whose graph does not load, and a second model under a taken name', async () => {
    const b = testBackend();
    const dir = writeTinyEmbeddingModel(path.join(tempDir(), 'garbled'));
    fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), 'not a protobuf');
    await expect(call(b, 'assist.models.import', { path: dir })).rejects.toThrow(/"field":"path".*does not load/);
    expect(await call(b, 'assist.models.list')).toEqual([]);
    expect(fs.readdirSync(path.join(b.dataDir, 'models', 'embeddings', '.partial'))).toEqual([]);

    const good = writeTinyEmbeddingModel(path.join(tempDir(), 'good'));
    await call(b, 'assist.models.import', { path: good });
    await expect(call(b, 'assist.models.import', { path: good })).rejects.toThrow(/"code":"conflict","message":"An embedding model named [^ ]+ is already installed/);
  });
});

describe('assist embeddings', () => {
  it('stores one normalized float32 vector per item and model, and later runs embed only what is new', async () => {
    const { b, d } = await topicBackend();
    const before = await call<AssistStatus>(b, 'assist.status', { datanet: d.id });
    expect(before).toMatchObject({ model: 'tiny-model', itemCount: TOPIC_ITEMS.length, embeddedCount: 0, job: null });

    const job = await computeEmbeddings(b, d.id);
    expect(job).toMatchObject({ state: 'succeeded', result: `${TOPIC_ITEMS.length} items newly embedded, ${TOPIC_ITEMS.length} in all, with tiny-model` });
    expect(job.progress).toMatchObject({ done: TOPIC_ITEMS.length, total: TOPIC_ITEMS.length, unit: 'items' });
    const rows = b.datanets.db.prepare('SELECT model, vector FROM embeddings WHERE datanet_id = ?').all(d.id) as { model: string; vector: Buffer }[];
    expect(rows).toHaveLength(TOPIC_ITEMS.length);
    for (const row of rows) {
      expect(row.model).toBe('tiny-model');
      expect(row.vector.byteLength).toBe(HIDDEN_SIZE * 4);
      const v = new Float32Array(new Uint8Array(row.vector).buffer);
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    }

    // A new item and an image without text: the next run takes only those two.
    b.datanets.items.insert(d.id, { content: { text: 'A puppy yapped at night.', fields: {}, image: null }, source: null, importId: null });
    b.datanets.items.insert(d.id, { content: { text: '', fields: {}, image: { cid: 'bafkreitest', mime: 'image/png', width: 1, height: 1, thumbCid: null } }, source: null, importId: null });
    const again = await computeEmbeddings(b, d.id);
    expect(again).toMatchObject({ state: 'succeeded', result: `2 items newly embedded, ${TOPIC_ITEMS.length + 2} in all, with tiny-model` });
    expect(await call<AssistStatus>(b, 'assist.status', { datanet: d.id })).toMatchObject({ itemCount: TOPIC_ITEMS.length + 2, embeddedCount: TOPIC_ITEMS.length + 2 });
  });

  it('resumes a run that was cut short: what was stored stays, the rest is embedded', async () => {
    const { b, d } = await topicBackend();
    await computeEmbeddings(b, d.id);
    // As if the process died after the first batches: three items have no vector yet.
    b.datanets.db.prepare('DELETE FROM embeddings WHERE item_seq IN (SELECT item_seq FROM embeddings ORDER BY item_seq DESC LIMIT 3)').run();
    const kept = b.datanets.db.prepare('SELECT item_seq, vector FROM embeddings ORDER BY item_seq').all();
    const job = await computeEmbeddings(b, d.id);
    expect(job).toMatchObject({ state: 'succeeded', result: `3 items newly embedded, ${TOPIC_ITEMS.length} in all, with tiny-model` });
    expect(b.datanets.db.prepare('SELECT item_seq, vector FROM embeddings ORDER BY item_seq LIMIT ?').all(kept.length)).toEqual(kept);
  });
});

describe('assist answers', () => {
  it('suggests the label of the nearest labeled items, with the neighbours and a confidence', async () => {
    const { b, d, ids } = await topicBackend();
    await computeEmbeddings(b, d.id);
    const kitten = await call<Suggestion>(b, 'assist.suggest', { item: idOf(ids, 'The kitten napped on the rug.'), field: 'topic', k: 3 });
    expect(kitten).toMatchObject({ kind: 'suggestion', field: 'topic', value: 'animals' });
    if (kitten.kind !== 'suggestion') throw new Error('no suggestion');
    expect(kitten.neighbours[0]).toMatchObject({ itemId: idOf(ids, 'The cat sat on the mat.'), value: 'animals', preview: 'The cat sat on the mat.' });
    expect(kitten.neighbours).toHaveLength(3);
    expect(kitten.confidence).toBeGreaterThan(0.6);

    const rain = await call<Suggestion>(b, 'assist.suggest', { item: idOf(ids, 'A downpour with gusty gales this evening.'), field: 'topic' });
    expect(rain).toMatchObject({ kind: 'suggestion', value: 'weather' });
    const food = await call<Suggestion>(b, 'assist.suggest', { item: idOf(ids, 'Some toast and stew for brunch.'), field: 'topic' });
    expect(food).toMatchObject({ kind: 'suggestion', value: 'food' });
    // A labeled item is not its own neighbour.
    const cat = await call<Suggestion>(b, 'assist.suggest', { item: idOf(ids, 'The cat sat on the mat.'), field: 'topic', k: 6 });
    if (cat.kind !== 'suggestion') throw new Error('no suggestion');
    expect(cat.neighbours.map((n) => n.itemId)).not.toContain(idOf(ids, 'The cat sat on the mat.'));
    expect(cat.neighbours).toHaveLength(5);

    await expect(call(b, 'assist.suggest', { item: idOf(ids, 'The cat sat on the mat.'), field: 'nope' })).rejects.toThrow(/"field":"field"/);
  });

  it('embeds an item the job has not reached yet when asked about it', async () => {
    const { b, d } = await topicBackend();
    await computeEmbeddings(b, d.id);
    const fresh = b.datanets.items.insert(d.id, { content: { text: 'A hound howled at the carpet.', fields: {}, image: null }, source: null, importId: null });
    expect(await call<Suggestion>(b, 'assist.suggest', { item: fresh.id, field: 'topic' })).toMatchObject({ kind: 'suggestion', value: 'animals' });
    expect((await call<AssistStatus>(b, 'assist.status', { datanet: d.id })).embeddedCount).toBe(TOPIC_ITEMS.length + 1);
  });

  it('says why there is no suggestion', async () => {
    const b = testBackend();
    const d = await call<Datanet>(b, 'datanets.create', { name: 'Empty', license: 'MIT', schema: TOPIC_SCHEMA });
    const { id } = b.datanets.items.insert(d.id, { content: { text: 'The cat sat on the mat.', fields: {}, image: null }, source: null, importId: null });
    expect(await call(b, 'assist.suggest', { item: id, field: 'topic' })).toEqual({ kind: 'none', field: 'topic', reason: 'no_model' });
    await call(b, 'assist.models.import', { path: writeTinyEmbeddingModel(path.join(tempDir(), 'tiny')) });
    expect(await call(b, 'assist.suggest', { item: id, field: 'topic' })).toEqual({ kind: 'none', field: 'topic', reason: 'no_labeled_neighbours' });
  });

  it('finds a near-duplicate above the threshold and leaves a mere paraphrase out', async () => {
    const { b, d, ids } = await topicBackend();
    await computeEmbeddings(b, d.id);
    const dup = await call<Duplicates>(b, 'assist.duplicates', { item: idOf(ids, 'The cat sat on the mat.') });
    expect(dup.model).toBe('tiny-model');
    expect(dup.items.map((n) => n.itemId)).toEqual([idOf(ids, 'the cat sat on the mat!')]);
    expect(dup.items[0]!.similarity).toBeGreaterThan(0.95);
    const looser = await call<Duplicates>(b, 'assist.duplicates', { item: idOf(ids, 'The cat sat on the mat.'), threshold: 0.5 });
    expect(looser.items.map((n) => n.itemId)).toContain(idOf(ids, 'The kitten napped on the rug.'));
    expect(looser.items.map((n) => n.itemId)).not.toContain(idOf(ids, 'The cat sat on the mat.'));
  });

  it('ranks a paraphrase first in semantic search', async () => {
    const { b, d, ids } = await topicBackend();
    await computeEmbeddings(b, d.id);
    const result = await call<SemanticSearchResult>(b, 'assist.search', { datanet: 'Topics', query: 'a storm and a windy night', limit: 3 });
    expect(result.items).toHaveLength(3);
    expect(result.items[0]!.item.id).toBe(idOf(ids, 'Heavy rain and strong wind tonight.'));
    expect(result.items[1]!.item.id).toBe(idOf(ids, 'A downpour with gusty gales this evening.'));
    expect(result.items[0]!.score).toBeGreaterThan(result.items[2]!.score);
    expect(result.items[0]!.item.labels).toMatchObject({ topic: 'weather' });
  });
});
