import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { InstructionPair, LabelField, LabelSchema } from '../../../../shared/datanets/schema';
import { itemEntries } from './jsonl';
import { eachItem, exportedFiles, ImageCopier, OutputFile, schemaLabels, writeOutputs } from './output';
import type { Exporter, ExportOptions } from './types';

/**
 * Hugging Face dataset folder (`out` is the folder):
 *
 *   README.md           dataset card: YAML front matter (license, task_categories, size_categories,
 *                       configs → data_files per split), title, description, counts, schema,
 *                       label distribution of choice-like fields
 *   data/train.jsonl    one row per item
 *   data/test.jsonl     only when testFraction > 0
 *   data/images/…       images, the row's `image.file` is relative to data/
 *
 * A row is the JSONL export's id, text, content fields and image, then one column per schema field
 * (its value, null when unlabeled: every row has every column, so `datasets` infers one schema).
 * An instruction pair is spread into `system`, `prompt`, `response` columns (TRL's
 * prompt-completion layout), or `<field>_system`, … when the schema has several pairs. A content
 * field named like a column, the id, text or image, a schema field, or starting with `field.` is
 * `field.<name>` (see fieldKey).
 *
 * Round trip: `data/train.jsonl` and `data/test.jsonl` import back (format auto detects them as
 * hf; jsonl reads them the same) into a datanet with the same schema with every item exact — text,
 * typed content fields, image (from `image.file`, relative to data/) — and the same current
 * labels: each label column by its field's name, a pair gathered back from its three columns
 * (all null: unlabeled). The rows are known by their `id` (an item id, not stored), and read
 * against the schema they were written with (the pair columns are named from it). Importing the
 * whole folder would also read README.md and the copied images as items of their own: import the
 * data files. Not carried: label history and authors, `$reviewed`, thumbnails.
 *
 * The split is a hash, not a draw: an item is in test when the first 4 bytes of
 * sha256(seed + "\0" + item id), read as a fraction of 2^32, are below testFraction. The same id
 * lands in the same split every time, and adding items never moves the others.
 */
export function inTestSplit(id: string, testFraction: number, seed: string | number = ''): boolean {
  if (testFraction <= 0) return false;
  const h = createHash('sha256').update(`${seed}\u0000${id}`).digest().readUInt32BE(0);
  return h / 2 ** 32 < testFraction;
}

export const PAIR_PARTS = ['system', 'prompt', 'response'] as const;

/** Each schema field's columns: its name, or a pair's three (in PAIR_PARTS order). The HF reader gathers pairs back with it. */
export function labelColumns(schema: LabelSchema): { field: LabelField; columns: string[] }[] {
  const pairs = schema.fields.filter((f) => f.kind === 'instruction_pair').length;
  return schema.fields.map((field) => ({
    field,
    columns: field.kind !== 'instruction_pair' ? [field.name] : PAIR_PARTS.map((p) => (pairs === 1 ? p : `${field.name}_${p}`)),
  }));
}

type Split = 'train' | 'test';
const CHOICE_LIKE = new Set(['single_choice', 'multiple_choice', 'image_class', 'rating']);

/** Counts for the card, gathered while the rows stream by. */
class Tally {
  readonly items = { train: 0, test: 0 };
  readonly labeled = { train: 0, test: 0 };
  /** field → label → count per split; labels pre-filled in schema order so a label no item has shows 0. */
  readonly dist = new Map<string, Map<string, Record<Split, number>>>();

  constructor(schema: LabelSchema) {
    for (const f of schema.fields) {
      if (!CHOICE_LIKE.has(f.kind)) continue;
      const labels = f.kind === 'rating' ? Array.from({ length: f.max }, (_, i) => String(i + 1)) : 'labels' in f ? f.labels : [];
      this.dist.set(f.name, new Map(labels.map((l) => [l, { train: 0, test: 0 }])));
    }
  }

  add(split: Split, labels: [string, unknown][]): void {
    this.items[split]++;
    if (labels.length > 0) this.labeled[split]++;
    for (const [name, value] of labels) {
      const counts = this.dist.get(name);
      if (!counts) continue;
      for (const v of Array.isArray(value) ? value : [value]) {
        const key = String(v);
        const c = counts.get(key) ?? { train: 0, test: 0 };
        c[split]++;
        counts.set(key, c);
      }
    }
  }
}

export const exportHf: Exporter = async (items, options) => {
  const testFraction = options.testFraction ?? 0;
  if (!(testFraction >= 0 && testFraction < 1)) throw new RangeError(`testFraction must be at least 0 and below 1 (got ${testFraction})`);
  const dataDir = path.join(options.out, 'data');
  const train = new OutputFile(path.join(dataDir, 'train.jsonl'));
  const test = testFraction > 0 ? new OutputFile(path.join(dataDir, 'test.jsonl')) : null;
  const readme = new OutputFile(path.join(options.out, 'README.md'));
  const outputs = [train, ...(test ? [test] : []), readme];
  const copier = new ImageCopier(options.blobs, dataDir);
  const columns = labelColumns(options.schema);
  const reserved = new Set(['id', 'text', 'image', ...columns.flatMap((c) => [c.field.name, ...c.columns])]);
  const tally = new Tally(options.schema);

  await writeOutputs(outputs, async () => {
    for await (const item of eachItem(items, options.signal)) {
      const split: Split = test && inTestSplit(item.id, testFraction, options.seed) ? 'test' : 'train';
      const row = await itemEntries(item, copier, reserved);
      for (const { field, columns: cols } of columns) {
        const value = Object.hasOwn(item.labels, field.name) ? (item.labels[field.name] ?? null) : null;
        if (field.kind !== 'instruction_pair') row.push([field.name, value]);
        else cols.forEach((col, i) => row.push([col, value === null ? null : (value as InstructionPair)[PAIR_PARTS[i]!]]));
      }
      await (split === 'test' ? test! : train).write(`${JSON.stringify(Object.fromEntries(row))}\n`);
      tally.add(split, schemaLabels(item, options.schema));
    }
    await readme.write(datasetCard(options, tally, test !== null));
  });
  // A test split from an earlier export into this folder would be loaded beside the new train split.
  if (!test) await fs.promises.rm(path.join(dataDir, 'test.jsonl'), { force: true });
  return { files: exportedFiles(outputs, copier), items: tally.items.train + tally.items.test };
};

// Hugging Face's license ids (hub docs, "licenses"); an SPDX id outside them is `other`.
const HF_LICENSES = new Set(
  ('apache-2.0 mit openrail bigscience-openrail-m creativeml-openrail-m bigscience-bloom-rail-1.0 bigcode-openrail-m afl-3.0 artistic-2.0 bsl-1.0 ' +
    'bsd bsd-2-clause bsd-3-clause bsd-3-clause-clear c-uda cc cc0-1.0 cc-by-2.0 cc-by-2.5 cc-by-3.0 cc-by-4.0 cc-by-sa-3.0 cc-by-sa-4.0 ' +
    'cc-by-nc-2.0 cc-by-nc-3.0 cc-by-nc-4.0 cc-by-nd-4.0 cc-by-nc-nd-3.0 cc-by-nc-nd-4.0 cc-by-nc-sa-2.0 cc-by-nc-sa-3.0 cc-by-nc-sa-4.0 ' +
    'cdla-sharing-1.0 cdla-permissive-1.0 cdla-permissive-2.0 wtfpl ecl-2.0 epl-1.0 epl-2.0 etalab-2.0 eupl-1.1 eupl-1.2 agpl-3.0 gfdl gpl ' +
    'gpl-2.0 gpl-3.0 lgpl lgpl-2.1 lgpl-3.0 isc lppl-1.3c ms-pl mpl-2.0 odc-by odbl osl-3.0 postgresql ofl-1.1 ncsa unlicense zlib pddl').split(' '),
);

/** The card's license lines: HF's lowercase id (GPL-3.0-only → gpl-3.0), or `other` with the SPDX text as `license_name`. */
export function hfLicense(spdx: string): string[] {
  const id = spdx.trim().toLowerCase().replace(/-(only|or-later)$/, '');
  if (HF_LICENSES.has(id)) return [`license: ${id}`];
  return ['license: other', `license_name: ${spdx.trim().toLowerCase().replace(/[^a-z0-9.]+/g, '-')}`];
}

const TASKS: Partial<Record<LabelField['kind'], string>> = {
  single_choice: 'text-classification',
  multiple_choice: 'text-classification',
  rating: 'text-classification',
  text_spans: 'token-classification',
  instruction_pair: 'text-generation',
  image_class: 'image-classification',
  image_boxes: 'object-detection',
};

function sizeCategory(n: number): string {
  const bounds: [number, string][] = [[1e3, 'n<1K'], [1e4, '1K<n<10K'], [1e5, '10K<n<100K'], [1e6, '100K<n<1M'], [1e7, '1M<n<10M']];
  return bounds.find(([limit]) => n < limit)?.[1] ?? '10M<n<100M';
}

/** A table cell: a `|` would end the cell, a line break the row. */
const md = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s*[\r\n]+\s*/g, ' ');
const row = (cells: (string | number)[]): string => `| ${cells.join(' | ')} |`;

function datasetCard(options: ExportOptions, tally: Tally, hasTest: boolean): string {
  const splits: Split[] = hasTest ? ['train', 'test'] : ['train'];
  const total = tally.items.train + tally.items.test;
  const tasks = [...new Set(options.schema.fields.map((f) => TASKS[f.kind]).filter((t) => t !== undefined))];
  const yaml = [
    '---',
    ...hfLicense(options.license),
    `pretty_name: ${JSON.stringify(options.datanetName)}`, // a JSON string is a YAML double-quoted scalar
    ...(tasks.length > 0 ? ['task_categories:', ...tasks.map((t) => `- ${t}`)] : []),
    'size_categories:',
    `- ${sizeCategory(total)}`,
    'configs:',
    '- config_name: default',
    '  data_files:',
    ...splits.flatMap((s) => [`  - split: ${s}`, `    path: data/${s}.jsonl`]),
    '---',
  ];
  const counts = [
    row(['split', 'items', 'labeled']),
    '|---|---:|---:|',
    ...splits.map((s) => row([s, tally.items[s], tally.labeled[s]])),
    ...(hasTest ? [row(['all', total, tally.labeled.train + tally.labeled.test])] : []),
  ];
  const schema = [
    row(['field', 'kind', 'labels']),
    '|---|---|---|',
    ...options.schema.fields.map((f) => row([md(f.name), f.kind, 'labels' in f ? md(f.labels.join(', ')) : f.kind === 'rating' ? `1 to ${f.max}` : ''])),
  ];
  const distribution = [...tally.dist].flatMap(([name, counts]) => [
    `### ${name}`,
    '',
    row(['label', ...splits, ...(hasTest ? ['all'] : [])]),
    `|---|${splits.map(() => '---:|').join('')}${hasTest ? '---:|' : ''}`,
    ...[...counts].map(([label, c]) => row([md(label), ...splits.map((s) => c[s]), ...(hasTest ? [c.train + c.test] : [])])),
    '',
  ]);
  return [
    ...yaml,
    '',
    `# ${options.datanetName}`,
    '',
    options.description.trim() || '_No description._',
    '',
    '## Counts',
    '',
    'An item is labeled when at least one schema field has a value.',
    '',
    ...counts,
    '',
    '## Label schema',
    '',
    ...schema,
    '',
    ...(distribution.length > 0 ? ['## Label distribution', '', 'Items per label (an item with several labels of a multiple choice counts once for each).', '', ...distribution] : []),
    '## Format',
    '',
    'Each line of `data/*.jsonl` is one item: `id`, `text`, the item\'s other fields, `image` (for images: `cid`, `mime`, `width`, `height`, and `file`, relative to `data/`), then one column per label field, `null` when unlabeled. ' +
      'Text spans are `{start, end, label}` in UTF-16 offsets of `text`; boxes are `{x, y, width, height, label}` in percent of the image; an instruction pair is spread into `system`, `prompt`, `response` columns.',
    '',
    'Exported by Datanet Studio.',
    '',
  ].join('\n');
}
