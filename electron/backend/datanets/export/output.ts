import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import type { Item } from '../../../../shared/api/schemas/datanets';
import type { LabelSchema } from '../../../../shared/datanets/schema';
import type { BlobStore } from '../../store/blobs';
import { makeFolder } from '../../store/make-folder';
import type { ItemIterable } from './types';

/**
 * A file an exporter writes. Text goes through a write stream and `write` waits for 'drain' when
 * the stream's buffer is full, so an export of a million items holds one item at a time. It is
 * written under a temporary name and renamed into place by `finish`: a failed or cancelled export
 * leaves no half file under the name a user (or a later import) would trust.
 */
export class OutputFile {
  private readonly tmp: string;
  private readonly stream: fs.WriteStream;
  private error: Error | null = null;

  constructor(readonly file: string) {
    makeFolder(path.dirname(file));
    this.tmp = `${file}.${randomBytes(4).toString('hex')}.partial`;
    this.stream = fs.createWriteStream(this.tmp);
    // Kept so the next write throws it (a full disk), rather than an unhandled 'error' event.
    this.stream.on('error', (error) => (this.error = error));
  }

  async write(text: string): Promise<void> {
    if (this.error) throw this.error;
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }

  async finish(): Promise<void> {
    this.stream.end();
    await finished(this.stream);
    await fs.promises.rename(this.tmp, this.file);
  }

  async discard(): Promise<void> {
    // Closed before removal: Windows will not delete a file that is still open.
    // Not `once`: writes still queued fail with an 'error' on destroy, which must not reject this.
    if (!this.stream.closed) {
      const closed = new Promise<void>((resolve) => this.stream.once('close', () => resolve()));
      this.stream.destroy();
      await closed;
    }
    await fs.promises.rm(this.tmp, { force: true });
  }
}

/** Runs `body`, then renames every output into place; on any failure removes them all. */
export async function writeOutputs<T>(outputs: readonly OutputFile[], body: () => Promise<T>): Promise<T> {
  try {
    const result = await body();
    for (const o of outputs) await o.finish();
    return result;
  } catch (error) {
    // allSettled: a failed clean-up must not replace the error that says what went wrong.
    await Promise.allSettled(outputs.map((o) => o.discard()));
    throw error;
  }
}

/** The items, with a cancel check between each (the work per item is small, so that is often enough). */
export async function* eachItem(items: ItemIterable, signal: AbortSignal | undefined): AsyncGenerator<Item> {
  for await (const item of items) {
    signal?.throwIfAborted();
    yield item;
  }
}

/** An item's labels for the schema's fields, in schema order: `$reviewed` and fields no longer in the schema are bookkeeping, not labels. */
export function schemaLabels(item: Item, schema: LabelSchema): [string, unknown][] {
  return schema.fields.filter((f) => Object.hasOwn(item.labels, f.name) && item.labels[f.name] != null).map((f) => [f.name, item.labels[f.name]]);
}

/** The prefix that marks a renamed content field (see `fieldKey`). */
const RENAMED = 'field.';

/**
 * The key a content field gets in a flat record. Formats put their own keys (the item id, text,
 * image, labels, label columns) at the top level too; a content field named like one of those is
 * written as `field.<name>`, and so is one whose name already starts with `field.`, so the mapping
 * is one-to-one: `fieldNameOf` undoes it exactly, and no value hides another. (Schema field names
 * cannot contain a dot, so a renamed key never lands on a format's own key.)
 */
export function fieldKey(name: string, reserved: ReadonlySet<string>): string {
  return reserved.has(name) || name.startsWith(RENAMED) ? `${RENAMED}${name}` : name;
}

/** The content field name a key of one of our exports stands for: the inverse of `fieldKey`. */
export function fieldNameOf(key: string): string {
  return key.startsWith(RENAMED) ? key.slice(RENAMED.length) : key;
}

const EXT: Record<NonNullable<Item['content']['image']>['mime'], string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/gif': 'gif' };

/** A name from another machine's folder that is safe as one file name here and on Windows. */
function safeFileName(name: unknown): name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 200 || /[. ]$/.test(name) || /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(name)) return false;
  return !name.split('').some((c) => c < ' ' || '/\\<>:"|?*'.includes(c));
}

/**
 * Copies items' images out of the blob store into `<root>/images/`, and gives the path relative to
 * `root` that the export references. An image is `images/<cid>/<filename>` when the item has a
 * usable `fields.filename` (the image importers set it, and the Label Studio importer takes the
 * file's name back from that path, so the field round-trips), else `images/<cid>.<ext>`. The CID
 * keeps names unique; a file already there is the same bytes, so it is not copied again.
 */
export class ImageCopier {
  /** Whether any item had an image (so images/ belongs to the export). */
  used = false;
  constructor(
    private readonly blobs: BlobStore,
    readonly root: string,
  ) {}

  get folder(): string {
    return path.join(this.root, 'images');
  }

  async copy(item: Item): Promise<string | null> {
    const image = item.content.image;
    if (!image) return null;
    this.used = true;
    const filename = item.content.fields.filename;
    const rel = safeFileName(filename) ? `images/${image.cid}/${filename}` : `images/${image.cid}.${EXT[image.mime]}`;
    const dest = path.join(this.root, ...rel.split('/'));
    if (fs.existsSync(dest)) return rel;
    makeFolder(path.dirname(dest));
    const tmp = `${dest}.${randomBytes(4).toString('hex')}.partial`;
    try {
      await fs.promises.copyFile(this.blobs.pathOf(image.cid), tmp);
      await fs.promises.rename(tmp, dest);
    } catch (error) {
      await fs.promises.rm(tmp, { force: true });
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`The image ${image.cid} of item ${item.id} is missing from the blob store.`, { cause: error });
      throw error;
    }
    return rel;
  }
}

/** What an exporter reports: its files (absolute), then the images folder when it holds images of the export. */
export function exportedFiles(outputs: readonly OutputFile[], copier: ImageCopier): string[] {
  const files = outputs.map((o) => path.resolve(o.file));
  return copier.used ? [...files, path.resolve(copier.folder)] : files;
}
