import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { exportItems, type ExportFormat, type ExportOptions } from '../../electron/backend/datanets/export';
import { inTestSplit } from '../../electron/backend/datanets/export/hf';
import { readerFor } from '../../electron/backend/datanets/import/readers';
import type { FileFormat, ImportedItem } from '../../electron/backend/datanets/import/types';
import { BlobStore } from '../../electron/backend/store/blobs';
import type { Item } from '../../shared/api/schemas/datanets';
import { labelStudioConfigToSchema } from '../../shared/datanets/label-studio-config';
import type { LabelSchema } from '../../shared/datanets/schema';
import { manyItems, SAMPLE_SCHEMA, SAMPLE_TEXT, sampleItems } from '../fixtures/sample-items';
import { tempDir } from '../fixtures/temp-dir';

type Json = Record<string, unknown>;

function setup(): { blobs: BlobStore; dir: string; options: (out: string, more?: Partial<ExportOptions>) => ExportOptions } {
  const blobs = new BlobStore(path.join(tempDir(), 'blobs'));
  const dir = tempDir('studio-export-');
  const options = (out: string, more: Partial<ExportOptions> = {}): ExportOptions => ({
    out: path.join(dir, out),
    schema: SAMPLE_SCHEMA,
    datanetName: 'Reviews "2024"',
    license: 'CC-BY-4.0',
    description: 'Product reviews, labelled by hand.',
    blobs,
    ...more,
  });
  return { blobs, dir, options };
}

/** The schema labels of an item, as an exporter should write them (no `$` bookkeeping fields). */
const labelsOf = (item: Item): Json => Object.fromEntries(Object.entries(item.labels).filter(([k]) => !k.startsWith('$')));

async function readBack(format: FileFormat, file: string, schema: LabelSchema, blobs: BlobStore, root: string): Promise<{ items: ImportedItem[]; errors: string[] }> {
  const items: ImportedItem[] = [];
  const errors: string[] = [];
  const options = { map: {}, maxLineBytes: 10 * 1024 * 1024, schema, root, blobs, signal: new AbortController().signal };
  for await (const event of readerFor(format)(file, options)) {
    if (event.type === 'item') items.push(event.item);
    if (event.type === 'error') errors.push(`${event.line ?? '-'}: ${event.reason}`);
  }
  return { items, errors };
}

const annotationsOf = (item: ImportedItem): Json => Object.fromEntries(item.annotations.map((a) => [a.field, a.value]));

/** No `.partial` or `.spool` files left behind in a folder tree. */
function leftovers(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.(partial|spool)$/.test(f));
}

describe('export: JSONL', () => {
  it('writes one parseable line per item with content fields spread, labels nested and images copied', async () => {
    const { blobs, dir, options } = setup();
    const items = await sampleItems(blobs);
    const result = await exportItems('jsonl', items, options('out/items.jsonl'));
    expect(result.items).toBe(5);
    expect(result.files).toEqual([path.join(dir, 'out/items.jsonl'), path.join(dir, 'out/images')]);
    const lines = fs.readFileSync(path.join(dir, 'out/items.jsonl'), 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    const rows = lines.map((l) => JSON.parse(l) as Json);
    expect(rows).toHaveLength(5);

    expect(Object.keys(rows[0]!)).toEqual(['id', 'text', 'title', 'count', 'verified', 'missing', 'field.id', 'labels']);
    expect(rows[0]).toEqual({
      id: 'it_text00001',
      text: SAMPLE_TEXT,
      title: 'Review, "quoted"\nsecond line',
      count: 3,
      verified: true,
      missing: null,
      'field.id': 'orig-1',
      labels: labelsOf(items[0]!),
    });
    expect(Object.keys(rows[0]!.labels as Json)).toEqual(['sentiment', 'topics', 'entities', 'note', 'stars']); // schema order, no $reviewed
    expect(rows[1]!.labels).toEqual(labelsOf(items[1]!));
    expect(rows[3]).toEqual({ id: 'it_plain0001', text: 'No labels here, just text.', labels: {} });
    expect(rows[4]!.messages).toEqual(items[4]!.content.fields.messages);

    const image = items[2]!.content.image!;
    expect(rows[2]!.image).toEqual({ cid: image.cid, mime: 'image/png', width: 4, height: 3, file: `images/${image.cid}/cat photo.png` });
    const copied = path.join(dir, 'out', (rows[2]!.image as Json).file as string);
    expect(fs.readFileSync(copied).equals(fs.readFileSync(blobs.pathOf(image.cid)))).toBe(true);
    expect(rows[2]!.labels).toEqual(labelsOf(items[2]!));
    expect(leftovers(dir)).toEqual([]);
  });

  it('streams from an async source', async () => {
    const { dir, options } = setup();
    async function* all(): AsyncGenerator<Item> {
      for (const item of manyItems(3000)) {
        if (item.seq % 100 === 0) await new Promise(setImmediate); // a page read from the database
        yield item;
      }
    }
    const done = await exportItems('jsonl', all(), options('b.jsonl'));
    expect(done.items).toBe(3000);
    expect(fs.readFileSync(path.join(dir, 'b.jsonl'), 'utf8').trimEnd().split('\n')).toHaveLength(3000);
  });
});

it.each<ExportFormat>(['jsonl', 'csv', 'labelstudio', 'hf'])('%s: an abort ends the export and leaves no file behind', async (format) => {
  const { blobs, dir, options } = setup();
  const sample = await sampleItems(blobs);
  const controller = new AbortController();
  async function* source(): AsyncGenerator<Item> {
    let n = 0;
    for (const item of [...sample, ...manyItems(100)]) {
      await new Promise(setImmediate);
      if (++n === 50) controller.abort(new Error('stopped by the test'));
      yield item;
    }
  }
  await expect(exportItems(format, source(), options(`out/${format}`, { signal: controller.signal }))).rejects.toThrow('stopped by the test');
  const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile());
  // Images already copied may stay (whole files, named by content); nothing else does.
  expect(files.filter((f) => !f.split(path.sep).includes('images'))).toEqual([]);
});

describe('export: CSV', () => {
  it('writes RFC 4180 CSV that csv-parse reads back to the same values', async () => {
    const { blobs, dir, options } = setup();
    const items = await sampleItems(blobs);
    const result = await exportItems('csv', items, options('items.csv'));
    expect(result.items).toBe(5);
    const text = fs.readFileSync(path.join(dir, 'items.csv'), 'utf8');
    const [header, ...rows] = parse(text);
    expect(header).toEqual([
      'id', 'text', 'title', 'count', 'verified', 'missing', 'field.id', 'system', 'prompt', 'response', 'filename', 'messages', 'image',
      'sentiment', 'topics', 'entities', 'chat', 'note', 'stars', 'animal', 'boxes',
    ]);
    expect(rows).toHaveLength(5);
    const records = rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]])));
    const [text1, pair, image, plain, chat] = records;
    expect(text1).toMatchObject({ id: 'it_text00001', text: SAMPLE_TEXT, title: 'Review, "quoted"\nsecond line', count: '3', verified: 'true', missing: '', 'field.id': 'orig-1' });
    expect(text1).toMatchObject({ sentiment: 'positive', topics: 'price|service, support', note: 'Line one\nline "two", ünïcödé ✓', stars: '4', chat: '', boxes: '' });
    expect(JSON.parse(text1!.entities!)).toEqual(items[0]!.labels.entities);
    expect(pair!.topics).toBe('["a|b"]'); // a label holding `|` cannot be joined by it
    expect(JSON.parse(pair!.chat!)).toEqual(items[1]!.labels.chat);
    expect(image).toMatchObject({ text: '', image: `images/${items[2]!.content.image!.cid}/cat photo.png`, animal: 'cat', stars: '2', filename: 'cat photo.png' });
    expect(JSON.parse(image!.boxes!)).toEqual(items[2]!.labels.boxes);
    expect(plain).toMatchObject({ sentiment: '', topics: '', entities: '', stars: '' });
    expect(chat!.topics).toBe('[]');
    expect(JSON.parse(chat!.messages!)).toEqual(items[4]!.content.fields.messages);
    expect(leftovers(dir)).toEqual([]);
  });

  it('round-trips labels through the CSV importer', async () => {
    const { blobs, dir, options } = setup();
    const items = await sampleItems(blobs);
    await exportItems('csv', items, options('items.csv'));
    const back = await readBack('csv', path.join(dir, 'items.csv'), SAMPLE_SCHEMA, blobs, dir);
    // The sample ids are not item ids of a datanet, so these rows read as a user's CSV: the `image` column
    // is a plain field and the image item, without text, is refused (round-trip.test.ts has our own rows).
    expect(back.errors).toEqual([expect.stringMatching(/^\d+: the text is empty/)]);
    const expected = items.filter((i) => i.content.image === null);
    expect(back.items.map((i) => i.content.text)).toEqual(expected.map((i) => i.content.text));
    expect(back.items.map(annotationsOf)).toEqual(expected.map(labelsOf).map((l) => expect.objectContaining(l) as unknown));
    expect(back.items.map((i) => Object.keys(annotationsOf(i)).length)).toEqual(expected.map((i) => Object.keys(labelsOf(i)).length));
  });
});

describe('export: Label Studio', () => {
  it('writes tasks and a config that the Label Studio importer reads back to the same items and labels', async () => {
    const { blobs, dir, options } = setup();
    const items = await sampleItems(blobs);
    const result = await exportItems('labelstudio', items, options('ls/tasks.json'));
    expect(result.files).toEqual([path.join(dir, 'ls/tasks.json'), path.join(dir, 'ls/tasks.config.xml'), path.join(dir, 'ls/images')]);

    const config = fs.readFileSync(path.join(dir, 'ls/tasks.config.xml'), 'utf8');
    expect(labelStudioConfigToSchema(config)).toEqual({ fields: SAMPLE_SCHEMA.fields.filter((f) => f.kind !== 'instruction_pair') });

    const tasks = JSON.parse(fs.readFileSync(path.join(dir, 'ls/tasks.json'), 'utf8')) as Json[];
    expect(tasks.map((t) => t.id)).toEqual([1, 2, 3, 4, 5]);
    const results = (t: Json): Json[] => ((t.annotations as { result: Json[] }[])[0]?.result ?? []);
    expect(results(tasks[0]!).map((r) => [r.from_name, r.to_name, r.type])).toEqual([
      ['sentiment', 'text', 'choices'],
      ['topics', 'text', 'choices'],
      ['entities', 'text', 'labels'],
      ['entities', 'text', 'labels'],
      ['note', 'text', 'textarea'],
      ['stars', 'text', 'rating'],
    ]);
    expect(results(tasks[0]!)[3]!.value).toEqual({ start: 12, end: 22, text: 'Acme, Inc.', labels: ['ORG'] }); // 12, not 11: the emoji counts two
    expect(results(tasks[2]!).map((r) => [r.from_name, r.to_name, r.type])).toEqual([
      ['stars', 'text', 'rating'],
      ['animal', 'image', 'choices'],
      ['boxes', 'image', 'rectanglelabels'],
      ['boxes', 'image', 'rectanglelabels'],
    ]);
    expect(results(tasks[2]!)[2]).toMatchObject({ original_width: 4, original_height: 3 });
    expect(new Set(results(tasks[0]!).map((r) => r.id)).size).toBe(6);
    expect(tasks[3]!.annotations).toEqual([]);
    // Label Studio has no control for a pair: it rides in the task's meta.
    expect(tasks[1]!.meta).toEqual({ item_id: 'it_pair00001', instruction_pair: { chat: items[1]!.labels.chat } });

    const back = await readBack('labelstudio', path.join(dir, 'ls/tasks.json'), SAMPLE_SCHEMA, blobs, path.join(dir, 'ls'));
    expect(back.errors).toEqual([]);
    expect(back.items.map((i) => i.content.text)).toEqual(items.map((i) => i.content.text));
    // Every label comes back, the instruction pair too (from the task's meta).
    for (const [i, original] of items.entries()) expect(annotationsOf(back.items[i]!), original.id).toEqual(labelsOf(original));
    // Content fields keep their JSON values; a chat comes back as its array of messages.
    for (const [i, original] of items.entries()) expect(back.items[i]!.content.fields, original.id).toEqual(original.content.fields);
    expect(Array.isArray(back.items[4]!.content.fields.messages)).toBe(true);
    const image = back.items[2]!.content.image!;
    expect(image).toMatchObject({ cid: items[2]!.content.image!.cid, mime: 'image/png', width: 4, height: 3 });
  });
});

describe('export: Hugging Face folder', () => {
  const readRows = (file: string): Json[] => fs.readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Json);

  it('splits deterministically by item id and writes a card with counts and the label distribution', async () => {
    const { dir, options } = setup();
    const count = 1000;
    const opts = { testFraction: 0.2, schema: { fields: SAMPLE_SCHEMA.fields.slice(0, 2) } };
    const result = await exportItems('hf', manyItems(count), options('hf', opts));
    expect(result.items).toBe(count);
    expect(result.files).toEqual(['data/train.jsonl', 'data/test.jsonl', 'README.md'].map((f) => path.join(dir, 'hf', f)));
    const train = readRows(path.join(dir, 'hf/data/train.jsonl'));
    const test = readRows(path.join(dir, 'hf/data/test.jsonl'));
    expect(train.length + test.length).toBe(count);
    expect(test.length).toBeGreaterThan(150);
    expect(test.length).toBeLessThan(250);
    expect(test.every((r) => inTestSplit(r.id as string, 0.2))).toBe(true);
    expect(train.some((r) => inTestSplit(r.id as string, 0.2))).toBe(false);
    expect(Object.keys(train[0]!)).toEqual(['id', 'text', 'sentiment', 'topics']);

    // The same export again gives the same files; another seed another split.
    await exportItems('hf', manyItems(count), options('again', opts));
    for (const f of ['data/train.jsonl', 'data/test.jsonl', 'README.md']) {
      expect(fs.readFileSync(path.join(dir, 'again', f), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'hf', f), 'utf8'));
    }
    await exportItems('hf', manyItems(count), options('seeded', { ...opts, seed: 7 }));
    expect(fs.readFileSync(path.join(dir, 'seeded/data/test.jsonl'), 'utf8')).not.toBe(fs.readFileSync(path.join(dir, 'hf/data/test.jsonl'), 'utf8'));
    // Exported again into the same folder without a test split: the old split goes, or a loader would read it beside the new train.
    await exportItems('hf', manyItems(count), options('again', { ...opts, testFraction: 0 }));
    expect(fs.existsSync(path.join(dir, 'again/data/test.jsonl'))).toBe(false);
    expect(readRows(path.join(dir, 'again/data/train.jsonl'))).toHaveLength(count);

    const card = fs.readFileSync(path.join(dir, 'hf/README.md'), 'utf8');
    const front = /^---\n([\s\S]*?)\n---\n/.exec(card)?.[1];
    expect(front).toBeDefined();
    expect(front).toContain('license: cc-by-4.0');
    expect(front).toContain('pretty_name: "Reviews \\"2024\\""');
    expect(front).toContain('task_categories:\n- text-classification');
    expect(front).toContain('configs:\n- config_name: default\n  data_files:\n  - split: train\n    path: data/train.jsonl\n  - split: test\n    path: data/test.jsonl');
    expect(card).toContain('# Reviews "2024"\n\nProduct reviews, labelled by hand.');

    // The numbers, counted here independently of the exporter.
    const labeled = (rows: Json[]): number => rows.filter((r) => r.sentiment !== null || r.topics !== null).length;
    expect(card).toContain(`| train | ${train.length} | ${labeled(train)} |`);
    expect(card).toContain(`| test | ${test.length} | ${labeled(test)} |`);
    expect(card).toContain(`| all | ${count} | ${labeled(train) + labeled(test)} |`);
    const has = (rows: Json[], field: string, label: string): number => rows.filter((r) => r[field] === label || (Array.isArray(r[field]) && (r[field] as unknown[]).includes(label))).length;
    for (const label of ['positive', 'negative', 'neutral']) {
      const [a, b] = [has(train, 'sentiment', label), has(test, 'sentiment', label)];
      expect(a).toBeGreaterThan(0);
      expect(card).toContain(`| ${label} | ${a} | ${b} | ${a + b} |`);
    }
    expect(card).toContain(`| price | ${has(train, 'topics', 'price')} | ${has(test, 'topics', 'price')} | ${has(train, 'topics', 'price') + has(test, 'topics', 'price')} |`);
    expect(card).toContain('| service, support | 0 | 0 | 0 |');
    expect(card).toContain('| a\\|b | 0 | 0 | 0 |');
  });

  it('spreads instruction pairs into columns, copies images, and writes no test split by default', async () => {
    const { blobs, dir, options } = setup();
    const items = await sampleItems(blobs);
    const result = await exportItems('hf', items, options('hf', { license: 'LicenseRef-Proprietary' }));
    expect(result.files).toEqual([path.join(dir, 'hf/data/train.jsonl'), path.join(dir, 'hf/README.md'), path.join(dir, 'hf/data/images')]);
    expect(fs.existsSync(path.join(dir, 'hf/data/test.jsonl'))).toBe(false);
    const rows = readRows(path.join(dir, 'hf/data/train.jsonl'));
    const labelColumns = ['sentiment', 'topics', 'entities', 'system', 'prompt', 'response', 'note', 'stars', 'animal', 'boxes'];
    for (const row of rows) expect(Object.keys(row).slice(-labelColumns.length)).toEqual(labelColumns);
    expect(rows[1]).toMatchObject({ 'field.system': 'Be brief.', 'field.prompt': 'What is 2+2?', 'field.response': '4', system: 'Be brief.', prompt: 'What is 2+2?', response: 'Four.' });
    expect(rows[0]).toMatchObject({ system: null, prompt: null, response: null, entities: items[0]!.labels.entities, stars: 4 });
    const cid = items[2]!.content.image!.cid;
    expect(rows[2]!.image).toMatchObject({ cid, file: `images/${cid}/cat photo.png` });
    expect(fs.existsSync(path.join(dir, 'hf/data/images', cid, 'cat photo.png'))).toBe(true);

    const card = fs.readFileSync(path.join(dir, 'hf/README.md'), 'utf8');
    expect(card.startsWith('---\nlicense: other\nlicense_name: licenseref-proprietary\n')).toBe(true);
    for (const task of ['text-classification', 'token-classification', 'text-generation', 'image-classification', 'object-detection']) expect(card).toContain(`- ${task}\n`);
    expect(card).not.toContain('split: test');
    expect(card).toContain('| train | 5 | 4 |');
    expect(card).toContain('### stars\n\n| label | train |\n|---|---:|\n| 1 | 0 |\n| 2 | 1 |\n| 3 | 0 |\n| 4 | 1 |\n| 5 | 0 |');
    expect(card).toContain('### animal\n\n| label | train |\n|---|---:|\n| cat | 1 |\n| dog | 0 |');
  });

  it('refuses a test fraction outside [0, 1)', async () => {
    const { options } = setup();
    await expect(exportItems('hf', [], options('hf', { testFraction: 1 }))).rejects.toThrow(/testFraction/);
  });
});

it.each<ExportFormat>(['jsonl', 'csv', 'labelstudio', 'hf'])('%s: an empty datanet exports valid, empty files', async (format) => {
  const { dir, options } = setup();
  const result = await exportItems(format, [], options(format === 'hf' ? 'hf' : `empty.${format}`));
  expect(result.items).toBe(0);
  expect(result.files.every((f) => fs.existsSync(f))).toBe(true);
  if (format === 'labelstudio') expect(JSON.parse(fs.readFileSync(path.join(dir, 'empty.labelstudio'), 'utf8'))).toEqual([]);
  if (format === 'csv') expect(fs.readFileSync(path.join(dir, 'empty.csv'), 'utf8')).toBe('id,text,sentiment,topics,entities,chat,note,stars,animal,boxes\n');
});
