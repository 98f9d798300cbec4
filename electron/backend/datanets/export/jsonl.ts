import path from 'node:path';
import type { Item } from '../../../../shared/api/schemas/datanets';
import type { LabelSchema } from '../../../../shared/datanets/schema';
import { eachItem, exportedFiles, fieldKey, ImageCopier, OutputFile, schemaLabels, writeOutputs } from './output';
import type { Exporter } from './types';

/**
 * JSONL export: one item per line, keys in this order:
 *
 *   {"id": "it_…", "text": "…", <content fields>…, "image": {…}, "labels": {<field>: <value>, …}}
 *
 * - content fields are spread at the top level under their own names (scalars, or a chat's
 *   `[{role, content}]`); one named id, text, image, labels, like a schema field, or starting
 *   with `field.` is written as `field.<name>` (see fieldKey), so a top-level key is never a label.
 * - `image` only on items that have one: `{"cid", "mime", "width", "height", "file"}`, where
 *   `file` is the image copied next to the JSONL file (`images/<cid>/<filename>` or
 *   `images/<cid>.<ext>`, relative to the JSONL file's folder; see ImageCopier).
 * - `labels` holds the current value of each schema field that has one, in schema order, in the
 *   schema's own shapes (shared/datanets/schema.ts); an unlabeled field is absent, `{}` when none.
 *
 * Round trip: importing the file (format auto or jsonl) into a datanet with the same schema gives
 * back every item exactly — text, content fields with their JSON types (numbers, booleans, null,
 * chats), the image (same CID, read from `file` inside the import folder) — and the same current
 * labels. The JSONL reader knows these rows by their `id` (an item id; it is not stored, the new
 * datanet derives its own from the content), reads labels only from `labels`, and undoes the
 * `field.` renaming (readers/record-mapping.ts). Not carried: label history and authors (the
 * import credits the importer), `$reviewed`, the thumbnail (made again from the image).
 */
/** The top-level keys of a JSONL row that are the format's own: content fields so named are renamed. */
export function jsonlReservedKeys(schema: LabelSchema): Set<string> {
  return new Set(['id', 'text', 'image', 'labels', ...schema.fields.map((f) => f.name)]);
}

/**
 * The part JSON-lines formats share (JSONL, the HF folder): id, text, content fields and image, as
 * entries (never `obj[key] =`: a content field may be named `__proto__`). `reserved` are the
 * top-level keys the format uses for itself.
 */
export async function itemEntries(item: Item, copier: ImageCopier, reserved: ReadonlySet<string>): Promise<[string, unknown][]> {
  const entries: [string, unknown][] = [
    ['id', item.id],
    ['text', item.content.text],
  ];
  for (const [name, value] of Object.entries(item.content.fields)) entries.push([fieldKey(name, reserved), value]);
  const image = item.content.image;
  if (image) entries.push(['image', { cid: image.cid, mime: image.mime, width: image.width, height: image.height, file: await copier.copy(item) }]);
  return entries;
}

export const exportJsonl: Exporter = async (items, options) => {
  const out = new OutputFile(options.out);
  const copier = new ImageCopier(options.blobs, path.dirname(options.out));
  const reserved = jsonlReservedKeys(options.schema);
  const count = await writeOutputs([out], async () => {
    let n = 0;
    for await (const item of eachItem(items, options.signal)) {
      const entries = await itemEntries(item, copier, reserved);
      entries.push(['labels', Object.fromEntries(schemaLabels(item, options.schema))]);
      await out.write(`${JSON.stringify(Object.fromEntries(entries))}\n`);
      n++;
    }
    return n;
  });
  return { files: exportedFiles([out], copier), items: count };
};
