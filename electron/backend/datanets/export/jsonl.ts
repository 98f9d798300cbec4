import path from 'node:path';
import type { Item } from '../../../../shared/api/schemas/datanets';
import { eachItem, exportedFiles, fieldKey, ImageCopier, OutputFile, schemaLabels, writeOutputs } from './output';
import type { Exporter } from './types';

/**
 * JSONL export: one item per line, keys in this order:
 *
 *   {"id": "it_…", "text": "…", <content fields>…, "image": {…}, "labels": {<field>: <value>, …}}
 *
 * - content fields are spread at the top level under their own names (scalars, or a chat's
 *   `[{role, content}]`); one named id, text, image or labels is written as `field.<name>`.
 * - `image` only on items that have one: `{"cid", "mime", "width", "height", "file"}`, where
 *   `file` is the image copied next to the JSONL file (`images/<cid>/<filename>` or
 *   `images/<cid>.<ext>`, relative to the JSONL file's folder; see ImageCopier).
 * - `labels` holds the current value of each schema field that has one, in schema order, in the
 *   schema's own shapes (shared/datanets/schema.ts); an unlabeled field is absent, `{}` when none.
 */
const RESERVED = new Set(['id', 'text', 'image', 'labels']);

/**
 * The part JSON-lines formats share (JSONL, the HF folder): id, text, content fields and image, as
 * entries (never `obj[key] =`: a content field may be named `__proto__`). `reserved` are the
 * top-level keys the format uses for itself.
 */
export async function itemEntries(item: Item, copier: ImageCopier, reserved: ReadonlySet<string>): Promise<[string, unknown][]> {
  const fields = Object.entries(item.content.fields);
  const names = new Set(fields.map(([name]) => name));
  const entries: [string, unknown][] = [
    ['id', item.id],
    ['text', item.content.text],
  ];
  for (const [name, value] of fields) entries.push([fieldKey(name, reserved, names), value]);
  const image = item.content.image;
  if (image) entries.push(['image', { cid: image.cid, mime: image.mime, width: image.width, height: image.height, file: await copier.copy(item) }]);
  return entries;
}

export const exportJsonl: Exporter = async (items, options) => {
  const out = new OutputFile(options.out);
  const copier = new ImageCopier(options.blobs, path.dirname(options.out));
  const count = await writeOutputs([out], async () => {
    let n = 0;
    for await (const item of eachItem(items, options.signal)) {
      const entries = await itemEntries(item, copier, RESERVED);
      entries.push(['labels', Object.fromEntries(schemaLabels(item, options.schema))]);
      await out.write(`${JSON.stringify(Object.fromEntries(entries))}\n`);
      n++;
    }
    return n;
  });
  return { files: exportedFiles([out], copier), items: count };
};
