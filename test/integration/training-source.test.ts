import { describe, expect, it } from 'vitest';
import { IGNORE_INDEX, toExamples, type TrainingRecord } from '../../engine/data/index';
import { loadTokenizer } from '../../engine/tokenize/load';
import { ITEM_TEXT, openTrainingSource, parseTrainingRecordId, readTrainingRecords, trainingRecordId } from '../../electron/backend/training/dataset-source';
import type { Datanet, ImportRecord, Item, ItemsPage, RecordProof, Version } from '../../shared/api/schemas/datanets';
import type { Job } from '../../shared/api/schemas/jobs';
import type { LabelSchema } from '../../shared/datanets/schema';
import { SENTIMENT, call, testBackend } from '../fixtures/datanet-backend';
import { jsonl, writeFile } from '../fixtures/import-files';
import { tempDir } from '../fixtures/temp-dir';
import { writeTinyModel } from '../fixtures/tiny-models';

type Backend = ReturnType<typeof testBackend>;

async function datanetWith(b: Backend, name: string, schema: LabelSchema, files: Record<string, string>, map: Record<string, string> = {}): Promise<Datanet> {
  const d = await call<Datanet>(b, 'datanets.create', { name, license: 'MIT', schema });
  const dir = tempDir();
  for (const [rel, content] of Object.entries(files)) writeFile(dir, rel, content);
  const started = await call<{ import: ImportRecord; job: Job }>(b, 'imports.start', { datanet: d.id, paths: [dir], map });
  expect((await b.jobs.settled(started.job.id)).state).toBe('succeeded');
  return d;
}

async function freeze(b: Backend, datanet: string): Promise<Version> {
  const job = await call<Job>(b, 'versions.create', { datanet, note: '' });
  expect((await b.jobs.settled(job.id)).state).toBe('succeeded');
  return (await call<Version[]>(b, 'versions.list', { datanet })).at(-1)!;
}

async function allItems(b: Backend, datanet: string): Promise<Item[]> {
  return (await call<ItemsPage>(b, 'items.page', { datanet, limit: 100 })).items;
}

/** The record without its id (checked on its own). */
function withoutId(record: TrainingRecord): Omit<TrainingRecord, 'id'> {
  const rest: Partial<TrainingRecord> = { ...record };
  delete rest.id;
  return rest as Omit<TrainingRecord, 'id'>;
}

const INSTRUCTION: LabelSchema = { fields: [{ kind: 'instruction_pair', name: 'pair' }, { kind: 'rating', name: 'stars', max: 5 }] };

describe('training records from a datanet version', () => {
  it('instruction schema: each labeled pair becomes an instruction record that maps back to its version record; unlabeled items are skipped and counted', async () => {
    const b = testBackend();
    const pairs = [
      { prompt: 'Say hello', response: 'Hello world!' },
      { system: 'Answer in French.', prompt: 'Say hello', response: 'Bonjour le monde' },
      { prompt: 'Add 2 and 2', response: '4' },
    ];
    await datanetWith(b, 'Chat', INSTRUCTION, { 'pairs.jsonl': jsonl(pairs), 'loose.txt': 'a text with no pair' });
    const v1 = await freeze(b, 'Chat');
    expect(v1.recordCount).toBe(4);

    const { source, records } = await readTrainingRecords(b.datanets, { datanet: 'Chat', version: 'latest' });
    expect(source).toMatchObject({ versionNumber: 1, versionId: v1.id, root: v1.root, recordCount: 4, field: 'pair', trainsAs: 'instruction', labels: null });
    expect(source.counts).toEqual({ read: 4, records: 3, unlabeled: 1, noText: 0, invalid: 0 });
    expect(records.map(withoutId)).toEqual([
      { kind: 'instruction', prompt: 'Say hello', response: 'Hello world!' },
      { kind: 'instruction', system: 'Answer in French.', prompt: 'Say hello', response: 'Bonjour le monde' },
      { kind: 'instruction', prompt: 'Add 2 and 2', response: '4' },
    ]);

    // Every id names the item and its leaf in the version: the version's own proof agrees.
    for (const r of records) {
      const { itemId, position } = parseTrainingRecordId(r.id);
      expect(trainingRecordId(itemId, position)).toBe(r.id);
      const proof = await call<RecordProof>(b, 'versions.proof', { datanet: 'Chat', version: 1, item: itemId });
      expect(proof.position).toBe(position);
      expect(proof.verified).toBe(true);
      expect((JSON.parse(proof.record) as { labels: { pair: { prompt: string } } }).labels.pair.prompt).toBe((r as Extract<TrainingRecord, { kind: 'instruction' }>).prompt);
    }

    // Edits after the version change nothing in it; the next version has them.
    const first = parseTrainingRecordId(records[0]!.id).itemId;
    await call(b, 'annotations.set', { item: first, field: 'pair', value: { system: '', prompt: 'Say hello', response: 'Hi!' } });
    const loose = (await allItems(b, 'Chat')).find((i) => i.content.text === 'a text with no pair')!;
    await call(b, 'annotations.set', { item: loose.id, field: 'pair', value: { system: '', prompt: 'Label me', response: 'Done' } });
    const again = await readTrainingRecords(b.datanets, { datanet: 'Chat', version: 1 });
    expect(again.records).toEqual(records);
    await freeze(b, 'Chat');
    const v2 = await readTrainingRecords(b.datanets, { datanet: 'Chat', version: 'latest' });
    expect(v2.source.counts).toMatchObject({ records: 4, unlabeled: 0 });
    // Leaf order is arrival order: loose.txt was imported before pairs.jsonl.
    expect(v2.records.map((r) => (r as { response: string }).response)).toEqual(['Done', 'Hi!', 'Bonjour le monde', '4']);

    // The records feed the engine as they are: the response is what is learned.
    const tokenizer = await loadTokenizer(writeTinyModel(tempDir(), { architecture: 'qwen2' }).dir);
    const examples = toExamples(tokenizer, records);
    expect(examples.map((e) => e.sourceIds)).toEqual(records.map((r) => [r.id]));
    expect(tokenizer.decode([...examples[1]!.targets].filter((t) => t !== IGNORE_INDEX))).toBe('Bonjour le monde<|im_end|>');
  });

  it('classification schema: text items with a single choice become classification records with the schema’s labels', async () => {
    const b = testBackend();
    const schema: LabelSchema = { fields: [{ kind: 'single_choice', name: 'sentiment', labels: ['positive', 'negative', 'neutral'] }] };
    const rows = [
      { text: 'I love this fox', sentiment: 'positive' },
      { text: 'The dog sleeps', sentiment: 'neutral' },
      { text: 'Not labeled yet' },
      { text: 'Terrible coffee', sentiment: 'negative' },
    ];
    await datanetWith(b, 'Reviews', schema, { 'reviews.jsonl': jsonl(rows) }, { sentiment: 'sentiment' });
    await freeze(b, 'Reviews');
    const { source, records } = await readTrainingRecords(b.datanets, { datanet: 'Reviews', version: 1 });
    expect(source).toMatchObject({ field: 'sentiment', trainsAs: 'classification', labels: ['positive', 'negative', 'neutral'] });
    expect(source.counts).toEqual({ read: 4, records: 3, unlabeled: 1, noText: 0, invalid: 0 });
    expect(records.map(withoutId)).toEqual([
      { kind: 'classification', text: 'I love this fox', label: 'positive', labels: ['positive', 'negative', 'neutral'] },
      { kind: 'classification', text: 'The dog sleeps', label: 'neutral', labels: ['positive', 'negative', 'neutral'] },
      { kind: 'classification', text: 'Terrible coffee', label: 'negative', labels: ['positive', 'negative', 'neutral'] },
    ]);
    const positions = records.map((r) => parseTrainingRecordId(r.id).position);
    expect(positions).toEqual([0, 1, 3]);

    // The items' own text, labeled or not, as plain text.
    const text = await readTrainingRecords(b.datanets, { datanet: 'Reviews', version: 1, field: ITEM_TEXT });
    expect(text.source).toMatchObject({ field: ITEM_TEXT, trainsAs: 'text', labels: null });
    expect(text.records.map((r) => (r.kind === 'text' ? r.text : null))).toEqual(rows.map((r) => r.text));
  });

  it('image class over text items: an item without text is skipped and counted', async () => {
    const b = testBackend();
    const d = await call<Datanet>(b, 'datanets.create', { name: 'Pics', license: 'MIT', schema: { fields: [{ kind: 'image_class', name: 'animal', labels: ['cat', 'dog'] }] } });
    const image = { cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy', mime: 'image/png' as const, width: 4, height: 4, thumbCid: null };
    const [captioned, bare] = b.datanets.db.transaction(() => [
      b.datanets.items.insert(d.id, { content: { text: 'a cat on a mat', fields: {}, image }, source: null, importId: null }),
      b.datanets.items.insert(d.id, { content: { text: '', fields: {}, image: { ...image, cid: 'bafkreidivzimqfqtoqxkrpge6bjyhlvxqs3rhe73owtmdulaxr5do5in7u' } }, source: null, importId: null }),
    ])();
    await call(b, 'annotations.set', { item: captioned!.id, field: 'animal', value: 'cat' });
    await call(b, 'annotations.set', { item: bare!.id, field: 'animal', value: 'dog' });
    await freeze(b, 'Pics');
    const { source, records } = await readTrainingRecords(b.datanets, { datanet: 'Pics', version: 1 });
    expect(records).toEqual([{ kind: 'classification', id: `${captioned!.id}@0`, text: 'a cat on a mat', label: 'cat', labels: ['cat', 'dog'] }]);
    expect(source.counts).toEqual({ read: 2, records: 1, unlabeled: 0, noText: 1, invalid: 0 });
  });

  it('several usable fields: the caller picks one, or gets the list; free text trains as text', async () => {
    const b = testBackend();
    const d = await call<Datanet>(b, 'datanets.create', { name: 'S', license: 'MIT', schema: SENTIMENT });
    const items = b.datanets.db.transaction(() =>
      ['first item', 'second item'].map((text) => b.datanets.items.insert(d.id, { content: { text, fields: {}, image: null }, source: null, importId: null })),
    )();
    await call(b, 'annotations.set', { item: items[0]!.id, field: 'note', value: 'A note to learn from.' });
    await call(b, 'annotations.set', { item: items[1]!.id, field: 'note', value: '   ' });
    await call(b, 'annotations.set', { item: items[1]!.id, field: 'sentiment', value: 'negative' });
    await freeze(b, 'S');
    expect(() => openTrainingSource(b.datanets, { datanet: 'S', version: 1 })).toThrow(
      'The label schema of "S" has several fields to train on: choose one with field. Usable fields: sentiment (single_choice), note (free_text); or "$text" for the items\' own text as plain text.',
    );
    const notes = await readTrainingRecords(b.datanets, { datanet: 'S', version: 1, field: 'note' });
    expect(notes.records.map(withoutId)).toEqual([{ kind: 'text', text: 'A note to learn from.' }]);
    expect(notes.source.counts).toMatchObject({ records: 1, unlabeled: 1 });
    const sentiment = await readTrainingRecords(b.datanets, { datanet: 'S', version: 1, field: 'sentiment' });
    expect(sentiment.records).toEqual([{ kind: 'classification', id: `${items[1]!.id}@1`, text: 'second item', label: 'negative', labels: ['positive', 'negative', 'neutral'] }]);
    expect(() => openTrainingSource(b.datanets, { datanet: 'S', version: 1, field: 'topics' })).toThrow(/The field "topics" \(multiple_choice\) cannot be trained on\. Usable fields: sentiment/);
    expect(() => openTrainingSource(b.datanets, { datanet: 'S', version: 1, field: 'nope' })).toThrow(/The datanet "S" has no field "nope"\. Usable fields: sentiment/);
    expect(() => openTrainingSource(b.datanets, { datanet: 'S', version: 9, field: 'note' })).toThrow(/No version 9/);
  });

  it('a schema with no usable field is refused with a clear error naming the way out', async () => {
    const b = testBackend();
    const schema: LabelSchema = { fields: [{ kind: 'multiple_choice', name: 'topics', labels: ['a', 'b'] }, { kind: 'rating', name: 'stars', max: 5 }] };
    await datanetWith(b, 'NoField', schema, { 'a.txt': 'some text' });
    await freeze(b, 'NoField');
    let error: unknown;
    try {
      openTrainingSource(b.datanets, { datanet: 'NoField', version: 'latest' });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      error: {
        code: 'invalid_input',
        field: 'field',
        message:
          'The label schema of "NoField" has no field to train on (instruction_pair, single_choice, image_class or free_text). Usable fields: none; or "$text" for the items\' own text as plain text.',
      },
    });
    const { records } = await readTrainingRecords(b.datanets, { datanet: 'NoField', version: 'latest', field: ITEM_TEXT });
    expect(records.map(withoutId)).toEqual([{ kind: 'text', text: 'some text' }]);
  });

  it('refuses to train on a store altered under the version', async () => {
    const b = testBackend();
    await datanetWith(b, 'Alt', INSTRUCTION, { 'pairs.jsonl': jsonl([{ prompt: 'p1', response: 'r1' }, { prompt: 'p2', response: 'r2' }]) });
    await freeze(b, 'Alt');
    const [, second] = await allItems(b, 'Alt');
    b.datanets.db.prepare(`UPDATE items SET content = json_set(content, '$.text', 'forged') WHERE id = ?`).run(second!.id);
    const source = openTrainingSource(b.datanets, { datanet: 'Alt', version: 1 });
    await expect(async () => {
      for await (const record of source.records()) expect(record.kind).toBe('instruction');
    }).rejects.toThrow(`The record of ${second!.id} no longer matches version 1: the store was altered.`);
  });
});
