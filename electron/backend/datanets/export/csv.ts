import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { stringify } from 'csv-stringify/sync';
import type { Item } from '../../../../shared/api/schemas/datanets';
import type { LabelField } from '../../../../shared/datanets/schema';
import { eachItem, exportedFiles, fieldKey, ImageCopier, OutputFile, writeOutputs } from './output';
import type { Exporter } from './types';

/**
 * CSV export: a header row, then one record per item. Columns, in order:
 *
 *   id, text, <every content field any item has>, image (only when some item has one), <each schema field>
 *
 * A content field named id, text, image, like a schema field, or starting with `field.` is the
 * column `field.<name>` (see fieldKey).
 * Cells (`cell` below) are what the CSV importer reads back for the same field kind: strings as
 * they are; numbers and booleans as JSON writes them; an empty cell for no value; multiple choice
 * as labels joined by `|` (a JSON array instead when a label holds a `|`, and `[]` for an empty
 * choice); text spans, boxes, instruction pairs and chats as JSON; `image` is the copied image's
 * path relative to the CSV file's folder. Quoting is RFC 4180 (csv-stringify: a cell with a comma,
 * quote, CR or LF is quoted, quotes doubled); records end with LF; UTF-8 without a BOM.
 *
 * The header must list every content field before the first record, and items arrive as a stream,
 * so the items are first spooled to a temporary JSONL file beside the output (learning the field
 * names), then read back one line at a time into records: memory holds the field names, never the items.
 *
 * Round trip: importing the file (format auto or csv) into a datanet with the same schema gives
 * back every item — the image ones too, from the `image` column (a path resolved inside the import
 * folder, same CID) — with the same text and the same current labels of every kind (cells are
 * read back by the field's kind). The reader knows these rows by their `id` column (an item id,
 * not stored) and undoes the `field.` renaming. What CSV cannot carry, and comes back otherwise:
 * - content field types: every value is text, so a number 3 comes back "3", true "true", and a
 *   chat's messages the JSON text of the array;
 * - empty values: an empty cell is "no value", so a content field that was null or "" is absent
 *   (which is also what keeps the columns of other items' fields off an item), and an empty free
 *   text label comes back unlabeled.
 * Not carried either: label history and authors, `$reviewed`, thumbnails.
 */
export function cell(value: unknown, field?: LabelField): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (field?.kind === 'multiple_choice' && Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && !v.includes('|') && !v.startsWith('['))) {
    return value.join('|');
  }
  return JSON.stringify(value);
}

export const exportCsv: Exporter = async (items, options) => {
  const { schema } = options;
  const copier = new ImageCopier(options.blobs, path.dirname(options.out));
  const spool = `${options.out}.${randomBytes(4).toString('hex')}.spool`;
  try {
    const names = new Set<string>();
    const spoolOut = new OutputFile(spool);
    const hasImage = await writeOutputs([spoolOut], async () => {
      let images = false;
      for await (const item of eachItem(items, options.signal)) {
        for (const name of Object.keys(item.content.fields)) names.add(name);
        images ||= item.content.image !== null;
        await spoolOut.write(`${JSON.stringify(item)}\n`);
      }
      return images;
    });

    const reserved = new Set(['id', 'text', 'image', ...schema.fields.map((f) => f.name)]);
    const fieldColumns = [...names].map((name) => [name, fieldKey(name, reserved)] as const);
    const header = ['id', 'text', ...fieldColumns.map(([, key]) => key), ...(hasImage ? ['image'] : []), ...schema.fields.map((f) => f.name)];
    const out = new OutputFile(options.out); // opened only now, so an abort while spooling leaves nothing
    const count = await writeOutputs([out], async () => {
      await out.write(stringify([header]));
      let n = 0;
      const input = fs.createReadStream(spool);
      const lines = readline.createInterface({ input, crlfDelay: Infinity });
      // The spool is closed before it is removed, even when an abort ends the loop early.
      lines.on('close', () => input.destroy());
      for await (const line of lines) {
        options.signal?.throwIfAborted();
        const item = JSON.parse(line) as Item;
        const fields = item.content.fields;
        const row = [item.id, item.content.text, ...fieldColumns.map(([name]) => cell(Object.hasOwn(fields, name) ? fields[name] : null))];
        if (hasImage) row.push((await copier.copy(item)) ?? '');
        for (const f of schema.fields) row.push(cell(Object.hasOwn(item.labels, f.name) ? item.labels[f.name] : null, f));
        await out.write(stringify([row]));
        n++;
      }
      return n;
    });
    return { files: exportedFiles([out], copier), items: count };
  } finally {
    await fs.promises.rm(spool, { force: true });
  }
};
