// Round trips of every export format through the real backend (issue 4, "Done when"): a datanet
// is built through the API (items of every content kind imported from real files, a PNG among
// them; every field kind labelled with `annotations.set`), exported with `exports.start`, and the
// export imported with `imports.start` into a new datanet with the same schema, once with format
// auto and once with the format named. The two datanets are then compared item by item.
//
// What "the same" means per format (each exporter's header comment says the same):
// - jsonl, hf, labelstudio: the same items exactly — text, content fields with their JSON types
//   (a chat stays an array of messages), the image (same CID, type and size) — so the same
//   content hashes, and the same current label of every schema field, instruction pairs included.
//   Label Studio only: an empty list of spans or boxes is no region, so it comes back unlabeled.
// - csv: the same text, image and current labels (every kind: cells are decoded by the field's
//   kind), but CSV has no types and no empty-versus-missing: content field values come back as
//   text (3 → "3", true → "true", a chat → the JSON text of its messages), a null or "" field is
//   absent, and an empty free text label is unlabeled.
// In no format: label history and authors (the import credits the importer), `$reviewed`.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { readerFor } from '../../electron/backend/datanets/import/readers';
import type { FileFormat, ImportFormat } from '../../electron/backend/datanets/import/types';
import { walkSources } from '../../electron/backend/datanets/import/walk';
import type { Datanet, ImportError, ImportRecord, Item, ItemsPage } from '../../shared/api/schemas/datanets';
import type { Job } from '../../shared/api/schemas/jobs';
import type { ItemContent } from '../../shared/datanets/item';
import { call, testBackend } from '../fixtures/datanet-backend';
import { blobFiles, collect, jsonl, readerOptions, READER_SCHEMA, sortEvents, writeFile, writeImage } from '../fixtures/import-files';
import { SAMPLE_SCHEMA, SAMPLE_TEXT, SAMPLE_TEXT_LABELS } from '../fixtures/sample-items';
import { tempDir } from '../fixtures/temp-dir';

type Backend = ReturnType<typeof testBackend>;
type ExportFormat = 'jsonl' | 'csv' | 'labelstudio' | 'hf';
type Started = { import: ImportRecord; job: Job };

/** What the comparison looks at: the content (the thumbnail aside: it is made again) and the schema labels. */
interface Comparable {
  text: string;
  fields: ItemContent['fields'];
  image: { cid: string; mime: string; width: number; height: number } | null;
  labels: Record<string, unknown>;
}

const PAIR_TEXT = 'Be brief.\n\nWhat is 2+2?\n\n4';
const CHAT_TEXT = 'user: hi\n\nassistant: hello';
const CHAT = [
  { role: 'user', content: 'hi' },
  { role: 'assistant', content: 'hello' },
];

/** The source files: a user's JSONL (odd keys included), HF records, a PNG, a Label Studio task with data keys named like our own. */
async function writeSources(): Promise<{ main: string; renamed: string }> {
  const main = tempDir('studio-src-');
  writeFile(
    main,
    'texts.jsonl',
    jsonl([
      // A user's `id` (not one of our item ids), and keys that collide with the exports' own: all content fields.
      {
        id: 'orig-1',
        text: SAMPLE_TEXT,
        title: 'Review, "quoted"\nsecond line',
        count: 3,
        ratio: 0.25,
        verified: true,
        missing: null,
        labels: 'a field named labels',
        image: 'a field named image',
        'field.x': 'a field whose name starts with field.',
      },
      { id: 7, text: 'No labels here, just text.' },
      { text: 'Only text.' },
      // An image with a caption and no filename field, named by a JSONL `image: {file}`.
      { text: 'A captioned picture', image: { file: 'cat photo.png' } },
    ]),
  );
  writeFile(main, 'chats.jsonl', jsonl([{ system: 'Be brief.', prompt: 'What is 2+2?', response: '4' }, { messages: CHAT }]));
  await writeImage(main, 'cat photo.png', 'png', 40, 30);
  // Label Studio data keys never become labels: content fields named like schema fields and HF columns.
  const task = { id: 1, data: { text: 'Odd names', sentiment: 'a field, not a label', chat: 'a field named like the pair', prompt: 'a field named prompt', empty: '', nested: { a: [1] } } };
  writeFile(main, 'odd.json', JSON.stringify([task]));
  // With map text=body, the key `text` is a content field.
  const renamed = writeFile(tempDir('studio-src-'), 'renamed.jsonl', jsonl([{ body: 'Body under another key', text: 'a field named text' }]));
  return { main, renamed };
}

async function importAndWait(b: Backend, input: Record<string, unknown>): Promise<{ record: ImportRecord; errors: ImportError[]; job: Job }> {
  const started = await call<Started>(b, 'imports.start', input);
  const job = await b.jobs.settled(started.job.id);
  const errors = await call<ImportError[]>(b, 'imports.errors', { import: started.import.id, limit: 1000 });
  return { record: b.datanets.imports.get(started.import.id), errors, job };
}

async function allItems(b: Backend, datanet: string): Promise<Item[]> {
  return (await call<ItemsPage>(b, 'items.page', { datanet, limit: 1000 })).items;
}

/** The source datanet: 9 items of every content kind, labelled through the API with every field kind. */
async function buildSource(b: Backend): Promise<{ datanet: Datanet; items: Item[] }> {
  const datanet = await call<Datanet>(b, 'datanets.create', { name: 'Source', license: 'CC-BY-4.0', description: 'Every kind.', schema: SAMPLE_SCHEMA });
  const { main, renamed } = await writeSources();
  for (const input of [{ paths: [main] }, { paths: [renamed], map: { text: 'body' } }]) {
    const { record, errors } = await importAndWait(b, { datanet: datanet.id, ...input });
    expect(errors).toEqual([]);
    expect(record.state).toBe('done');
  }
  const items = await allItems(b, datanet.id);
  expect(items).toHaveLength(9);
  const byText = (text: string): string => {
    const found = items.filter((i) => i.content.text === text);
    expect(found, text).toHaveLength(1);
    return found[0]!.id;
  };
  const labels: [string, Record<string, unknown>][] = [
    [
      byText(SAMPLE_TEXT),
      SAMPLE_TEXT_LABELS,
    ],
    // The HF import labelled the pair from the record; a person corrected the response.
    [byText(PAIR_TEXT), { chat: { system: 'Be brief.', prompt: 'What is 2+2?', response: 'Four.' }, topics: ['a|b'], sentiment: 'neutral' }],
    // The pair the HF import took from the chat is cleared: a cleared label must stay cleared.
    [byText(CHAT_TEXT), { chat: null, topics: [], sentiment: 'negative' }],
    [
      byText(''),
      {
        animal: 'cat',
        boxes: [
          { x: 10, y: 20, width: 30.5, height: 40, label: 'cat' },
          { x: 50, y: 0, width: 50, height: 100, label: 'dog' },
        ],
        stars: 2,
      },
    ],
    [byText('Only text.'), { entities: [], boxes: [], stars: 5 }],
    [byText('Odd names'), { note: '', sentiment: 'negative', chat: { system: '', prompt: 'Q', response: '' } }],
    [byText('A captioned picture'), { animal: 'dog', note: 'a caption' }],
    [byText('Body under another key'), { topics: ['quality', 'price'], animal: 'dog', boxes: [{ x: 0, y: 0, width: 100, height: 100, label: 'dog' }] }],
  ];
  for (const [item, values] of labels) {
    for (const [field, value] of Object.entries(values)) await call(b, 'annotations.set', { item, field, value });
  }
  return { datanet, items: await allItems(b, datanet.id) };
}

function comparable(item: Item): Comparable {
  const { image } = item.content;
  const schemaNames = new Set(SAMPLE_SCHEMA.fields.map((f) => f.name));
  return {
    text: item.content.text,
    fields: item.content.fields,
    image: image && { cid: image.cid, mime: image.mime, width: image.width, height: image.height },
    labels: Object.fromEntries(Object.entries(item.labels).filter(([k]) => schemaNames.has(k))),
  };
}

/** What an item should come back as from `format`: the rules at the top of this file. */
function expectedFrom(format: ExportFormat, item: Comparable): Comparable {
  const dropped = (field: string, value: unknown): boolean =>
    (format === 'labelstudio' && (field === 'entities' || field === 'boxes') && Array.isArray(value) && value.length === 0) ||
    (format === 'csv' && field === 'note' && typeof value === 'string' && value.trim() === '');
  const labels = Object.fromEntries(Object.entries(item.labels).filter(([field, value]) => !dropped(field, value)));
  if (format !== 'csv') return { ...item, labels };
  const fields: ItemContent['fields'] = {};
  for (const [name, value] of Object.entries(item.fields)) {
    if (value === null || value === '') continue;
    fields[name] = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : canonicalize(value)!;
  }
  return { ...item, fields, labels };
}

/**
 * CSV's JSON text of a chat, with its members in a fixed order: the API hands messages out as
 * {role, content} while the store (and so the export) keeps canonical JSON; which order the text
 * has is not something the format promises, its value is.
 */
function csvComparable(item: Item): Comparable {
  const c = comparable(item);
  const fields = Object.fromEntries(Object.entries(c.fields).map(([k, v]) => [k, typeof v === 'string' && v.startsWith('[{') ? canonicalize(JSON.parse(v))! : v]));
  return { ...c, fields };
}

const order = (a: Comparable, b: Comparable): number => (a.text + (a.image?.cid ?? '')).localeCompare(b.text + (b.image?.cid ?? ''));
/** A content hash computed here, independently of the store's: sha-256 of the RFC 8785 text of text, fields and image. */
const hashOf = (c: Comparable): string => createHash('sha256').update(canonicalize({ text: c.text, fields: c.fields, image: c.image })!).digest('hex');

/** The files to import back: the export file, or the HF folder's data files (an empty split is no file to import). */
function exportedFiles(format: ExportFormat, out: string): string[] {
  if (format !== 'hf') return [out];
  return ['train', 'test'].map((s) => path.join(out, 'data', `${s}.jsonl`)).filter((f) => fs.existsSync(f) && fs.statSync(f).size > 0);
}

const AUTO_DETECTS: Record<ExportFormat, FileFormat> = { jsonl: 'jsonl', csv: 'csv', labelstudio: 'labelstudio', hf: 'hf' };

describe.each<ExportFormat>(['jsonl', 'csv', 'labelstudio', 'hf'])('round trip: %s', (format) => {
  it('exports a datanet of every content and field kind and imports it back into a new datanet, format auto and named', { timeout: 60_000 }, async () => {
    const b = testBackend();
    const source = await buildSource(b);
    const originals = source.items.map(comparable);
    // The source really has what the formats must carry (so a comparison of nothing cannot pass).
    expect(originals.filter((o) => o.image !== null).map((o) => [o.text, o.fields.filename])).toEqual([
      ['', 'cat photo.png'],
      ['A captioned picture', undefined],
    ]);
    expect(originals.some((o) => Array.isArray(o.fields.messages))).toBe(true);
    expect(new Set(originals.flatMap((o) => Object.keys(o.labels)))).toEqual(new Set(SAMPLE_SCHEMA.fields.map((f) => f.name)));

    const dir = tempDir('studio-roundtrip-');
    const out = path.join(dir, format === 'hf' ? 'hf' : `export.${format === 'labelstudio' ? 'json' : format}`);
    const job = await call<Job>(b, 'exports.start', { datanet: source.datanet.id, format, out, ...(format === 'hf' ? { testFraction: 0.5 } : {}) });
    const done = await b.jobs.settled(job.id);
    expect(done.state, JSON.stringify(done)).toBe('succeeded');
    const files = exportedFiles(format, out);
    expect(files.length).toBeGreaterThan(0);

    const walked = await collect(walkSources(files, 'auto', new AbortController().signal));
    expect(walked.map((e) => (e.type === 'file' ? e.file.format : e.reason))).toEqual(files.map(() => AUTO_DETECTS[format]));

    const expected = originals.map((o) => expectedFrom(format, o)).sort(order);
    for (const how of ['auto', format] as ImportFormat[]) {
      const target = await call<Datanet>(b, 'datanets.create', { name: `Back ${how}`, license: 'CC-BY-4.0', schema: SAMPLE_SCHEMA });
      const { record, errors, job: importJob } = await importAndWait(b, { datanet: target.id, paths: files, format: how });
      expect(errors, how).toEqual([]);
      expect(importJob.state, how).toBe('succeeded');
      expect(record, how).toMatchObject({ state: 'done', itemsAdded: originals.length, itemsDuplicate: 0, errors: 0 });

      const back = (await allItems(b, target.id)).map(format === 'csv' ? csvComparable : comparable).sort(order);
      expect(back, how).toEqual(expected);
      // Matched by content hash: the same content is the same item (its id differs only by datanet).
      const byHash = new Map(expected.map((e) => [hashOf(e), e]));
      for (const item of back) expect(byHash.get(hashOf(item)), `${how}: ${item.text}`).toEqual(item);
      if (format !== 'csv') expect(back.map(hashOf).sort(), how).toEqual(originals.map(hashOf).sort());
    }
  });
});

describe('reading our export shapes without breaking users’ files', () => {
  const OURS = 'it_0123456789abcdef01234567';

  it('keeps a user JSONL id, labels key, image string and field.* key as content fields', async () => {
    const dir = tempDir();
    const file = writeFile(
      dir,
      'user.jsonl',
      jsonl([
        { id: 1, text: 'numeric id', sentiment: 'positive' },
        { id: 'it_short', text: 'an id like ours but not one', labels: ['x', 'y'], image: 'photo.png', 'field.x': 1 },
        { id: OURS.toUpperCase(), text: 'upper-case hex is not ours', labels: { color: 'red' } },
        { text: 'nested labels of our shape', labels: { sentiment: 'negative', stars: '3' }, sentiment: 'positive' },
      ]),
    );
    const { items, errors } = sortEvents(await collect(readerFor('jsonl')(file, readerOptions(dir))));
    expect(errors).toEqual([]);
    expect(items.map((i) => [i.content.fields, i.annotations.map((a) => [a.field, a.value])])).toEqual([
      [{ id: 1 }, [['sentiment', 'positive']]],
      [{ id: 'it_short', labels: '["x","y"]', image: 'photo.png', 'field.x': 1 }, []],
      [{ id: OURS.toUpperCase(), labels: '{"color":"red"}' }, []],
      // Nested labels take precedence; the top-level key of the same name stays a content field.
      [{ sentiment: 'positive' }, [['sentiment', 'negative'], ['stars', 3]]],
    ]);
  });

  it('reads our rows: the id dropped, field.* renamed back, unknown nested labels and a changed image reported', async () => {
    const dir = tempDir();
    await writeImage(dir, 'images/a.png', 'png', 8, 6);
    const file = writeFile(
      dir,
      'ours.jsonl',
      jsonl([
        { id: OURS, text: 't', 'field.id': 'orig', 'field.field.x': 2, labels: { sentiment: 'neutral', gone: 'x', notes: '' } },
        { id: OURS, text: '', filename: 'a.png', image: { cid: 'bafkreiwrongwrongwrong', mime: 'image/png', width: 8, height: 6, file: 'images/a.png' }, labels: {} },
      ]),
    );
    const { items, errors } = sortEvents(await collect(readerFor('jsonl')(file, readerOptions(dir))));
    expect(items.map((i) => i.content.fields)).toEqual([{ id: 'orig', 'field.x': 2 }, { filename: 'a.png' }]);
    // In our JSON rows an empty free text is a label (only null is unlabeled).
    expect(items[0]!.annotations.map((a) => [a.field, a.value])).toEqual([['sentiment', 'neutral'], ['notes', '']]);
    expect(items[1]!.content.image).toMatchObject({ mime: 'image/png', width: 8, height: 6 });
    expect(errors).toEqual([
      { path: file, line: 1, reason: "label 'gone' (from 'labels'): the datanet's schema has no field 'gone'; skipped" },
      { path: file, line: 2, reason: expect.stringMatching(/^image images\/a\.png: the file's content id is \S+, the record says bafkreiwrongwrongwrong \(changed since the export\?\); imported the file as it is$/) as string },
    ]);
  });

  it('refuses a JSONL or CSV image outside the import folder, storing nothing', async () => {
    const root = tempDir();
    const outside = tempDir();
    const secret = await writeImage(outside, 'secret.png', 'png', 8, 8);
    const ref = path.relative(path.join(root, 'export'), secret);
    const jsonlFile = writeFile(root, 'export/x.jsonl', jsonl([{ id: OURS, text: '', image: { file: ref }, labels: {} }, { text: 'user row', image: { file: secret } }]));
    const csvFile = writeFile(root, 'export/x.csv', `id,text,image\n${OURS},,${ref}\n`);
    for (const [format, file, lines] of [['jsonl', jsonlFile, [1, 2]], ['csv', csvFile, [2]]] as const) {
      const options = readerOptions(root);
      const { items, errors } = sortEvents(await collect(readerFor(format)(file, options)));
      expect(items, format).toEqual([]);
      expect(errors.map((e) => [e.line, e.reason]), format).toEqual(
        lines.map((line, i) => [line, `image ${i === 0 ? ref : secret} is outside the import folder ${root}; refused`]),
      );
      expect(blobFiles(options.blobs), format).toEqual([]);
    }
  });

  it('reads a CSV image column only in our rows or when the map names it', async () => {
    const dir = tempDir();
    await writeImage(dir, 'pics/a.png', 'png', 8, 6);
    const user = writeFile(dir, 'user.csv', 'text,image\nhello,pics/a.png\n');
    const plain = sortEvents(await collect(readerFor('csv')(user, readerOptions(dir))));
    expect(plain.items.map((i) => [i.content.fields, i.content.image])).toEqual([[{ image: 'pics/a.png' }, null]]);
    const mapped = sortEvents(await collect(readerFor('csv')(user, readerOptions(dir, { map: { image: 'image' } }))));
    expect(mapped.errors).toEqual([]);
    expect(mapped.items.map((i) => [i.content.text, i.content.fields, i.content.image?.width])).toEqual([['hello', {}, 8]]);
  });

  it('detects our HF rows as hf and our JSONL rows as jsonl, whichever keys come first', async () => {
    const dir = tempDir();
    const hfRow = writeFile(dir, 'train.jsonl', jsonl([{ id: OURS, text: 't', sentiment: null, system: null, prompt: null, response: null }]));
    const jsonlRow = writeFile(dir, 'items.jsonl', jsonl([{ id: OURS, text: 't', prompt: 'p', response: 'r', labels: {} }]));
    const noPair = writeFile(dir, 'nopair.jsonl', jsonl([{ id: OURS, text: 't', sentiment: 'positive' }]));
    const walked = await collect(walkSources([hfRow, jsonlRow, noPair], 'auto', new AbortController().signal));
    expect(walked.map((e) => (e.type === 'file' ? e.file.format : e.reason))).toEqual(['hf', 'jsonl', 'hf']);
    // Either reader reads either row the same way.
    for (const format of ['jsonl', 'hf'] as const) {
      const { items, errors } = sortEvents(await collect(readerFor(format)(jsonlRow, readerOptions(dir, { schema: READER_SCHEMA }))));
      expect(errors, format).toEqual([]);
      expect(items.map((i) => [i.content.text, i.content.fields, i.annotations]), format).toEqual([['t', { prompt: 'p', response: 'r' }, []]]);
    }
  });
});
