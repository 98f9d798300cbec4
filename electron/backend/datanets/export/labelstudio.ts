import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { Item } from '../../../../shared/api/schemas/datanets';
import { schemaToLabelStudioConfig } from '../../../../shared/datanets/label-studio-config';
import type { ImageBox, LabelField, LabelSchema, TextSpan } from '../../../../shared/datanets/schema';
import { eachItem, exportedFiles, fieldKey, ImageCopier, OutputFile, writeOutputs } from './output';
import type { Exporter } from './types';

/**
 * Label Studio JSON export: `<out>` is a JSON array of tasks, and `<out minus .json>.config.xml`
 * the labeling config (`schemaToLabelStudioConfig`) to create the Label Studio project with.
 *
 *   {"id": <item seq>, "data": {"text": …, "image": "images/…", <content fields>…},
 *    "meta": {"item_id": "it_…", "instruction_pair"?: {<field>: {system, prompt, response}}},
 *    "annotations": [{"result": [...], "was_cancelled": false, "ground_truth": false}]}
 *
 * - `data.image` is the image copied to `images/…` beside the JSON file, referenced by a path
 *   relative to it (what our importer resolves inside the import folder; in Label Studio itself,
 *   serve the folder with local storage). Content fields keep their JSON values (a chat stays an
 *   array of messages); one named text or image, or starting with `field.`, is `field.<name>`.
 * - One annotation holds the current labels (none: `annotations: []`). Results, `from_name` = the
 *   field, `to_name` = the object its control points at in the config: choices (single choice,
 *   multiple choice, image class), labels (one result per text span, with its `text`), textarea
 *   (free text), rating, rectanglelabels (one per box, with the image's original size). Result
 *   ids are `<field>_<n>`: stable, so two exports of the same labels diff clean.
 * - Label Studio has no control for an instruction pair; its value rides in `meta`, which Label
 *   Studio keeps through its own import and export, so it is not lost; our importer reads it back.
 * Tasks are streamed: `[`, tasks separated by `,\n`, `]`.
 *
 * Round trip: importing the JSON file (format auto or labelstudio) into a datanet with the same
 * schema gives back every item exactly — text, content fields with their JSON types (chats as
 * arrays), the image (same CID) — and the same current labels, pairs included. The importer knows
 * our tasks by `meta.item_id` and then undoes the `field.` renaming and takes `filename` from the
 * data rather than from the image's path. Not carried: label history and authors (results have no
 * `completed_by`; the import credits the importer), `$reviewed`, thumbnails. The `.config.xml`
 * holds no pair control (Label Studio has none): a datanet created from it alone lacks pair fields.
 */
type Result = Record<string, unknown> & { value: Record<string, unknown> };

/** Each control's `toName`, read from the config we write, so results always point where the config does. */
function targetsOf(config: string, schema: LabelSchema): Map<string, string> {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });
  const targets = new Map<string, string>();
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    const { name, toName } = node as Record<string, unknown>;
    if (typeof name === 'string' && typeof toName === 'string') targets.set(name, toName);
    for (const child of Object.values(node)) walk(child);
  };
  walk(parser.parse(config));
  for (const f of schema.fields) {
    // A result pointing at no object would be dropped by Label Studio: fail loudly instead.
    if (f.kind !== 'instruction_pair' && !targets.has(f.name)) throw new Error(`The Label Studio config has no control for the field ${f.name}.`);
  }
  return targets;
}

function resultsOf(field: LabelField, value: unknown, item: Item, toName: string): Result[] {
  const base = { from_name: field.name, to_name: toName };
  const one = (type: string, v: Record<string, unknown>): Result[] => [{ id: `${field.name}_1`, ...base, type, value: v }];
  switch (field.kind) {
    case 'single_choice':
    case 'image_class':
      return one('choices', { choices: [value] });
    case 'multiple_choice':
      return one('choices', { choices: value });
    case 'free_text':
      return one('textarea', { text: [value] });
    case 'rating':
      return one('rating', { rating: value });
    case 'text_spans':
      return (value as TextSpan[]).map((s, i) => ({
        id: `${field.name}_${i + 1}`,
        ...base,
        type: 'labels',
        value: { start: s.start, end: s.end, text: item.content.text.slice(s.start, s.end), labels: [s.label] },
      }));
    case 'image_boxes': {
      const size = { original_width: item.content.image?.width, original_height: item.content.image?.height, image_rotation: 0 };
      return (value as ImageBox[]).map((b, i) => ({
        id: `${field.name}_${i + 1}`,
        ...base,
        type: 'rectanglelabels',
        ...size,
        value: { x: b.x, y: b.y, width: b.width, height: b.height, rotation: 0, rectanglelabels: [b.label] },
      }));
    }
    case 'instruction_pair':
      return [];
  }
}

/** The data keys of a task that are the format's own: content fields so named are renamed. */
const RESERVED = new Set(['text', 'image']);

async function taskOf(item: Item, schema: LabelSchema, targets: Map<string, string>, copier: ImageCopier): Promise<unknown> {
  const data: [string, unknown][] = [['text', item.content.text]];
  const image = await copier.copy(item);
  if (image !== null) data.push(['image', image]);
  for (const [name, value] of Object.entries(item.content.fields)) data.push([fieldKey(name, RESERVED), value]);

  const result: Result[] = [];
  const pairs: [string, unknown][] = [];
  for (const field of schema.fields) {
    const value = Object.hasOwn(item.labels, field.name) ? item.labels[field.name] : null;
    if (value === null || value === undefined) continue;
    if (field.kind === 'instruction_pair') pairs.push([field.name, value]);
    else result.push(...resultsOf(field, value, item, targets.get(field.name)!));
  }
  const meta = { item_id: item.id, ...(pairs.length > 0 ? { instruction_pair: Object.fromEntries(pairs) } : {}) };
  const annotations = result.length > 0 ? [{ result, was_cancelled: false, ground_truth: false }] : [];
  return { id: item.seq, data: Object.fromEntries(data), meta, annotations };
}

export function configPathOf(out: string): string {
  return path.join(path.dirname(out), `${path.basename(out, path.extname(out))}.config.xml`);
}

export const exportLabelStudio: Exporter = async (items, options) => {
  const config = schemaToLabelStudioConfig(options.schema);
  const targets = targetsOf(config, options.schema);
  const out = new OutputFile(options.out);
  const configOut = new OutputFile(configPathOf(options.out));
  const copier = new ImageCopier(options.blobs, path.dirname(options.out));
  const count = await writeOutputs([out, configOut], async () => {
    await configOut.write(config);
    await out.write('[');
    let n = 0;
    for await (const item of eachItem(items, options.signal)) {
      await out.write(`${n === 0 ? '\n' : ',\n'}${JSON.stringify(await taskOf(item, options.schema, targets, copier))}`);
      n++;
    }
    await out.write('\n]\n');
    return n;
  });
  return { files: exportedFiles([out, configOut], copier), items: count };
};
