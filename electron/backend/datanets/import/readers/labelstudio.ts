import { splitJsonArray } from '../json-array-splitter';
import type { FileReader, ImportedItem, ReadEvent, ReadOptions } from '../types';
import { decodeUtf8, fileChunks, guardRead, INVALID_UTF8, tooLong } from './file-source';
import type { ImageContent } from './image-content';
import { isPlainObject } from './json-lines';
import { annotationsOfTask } from './label-studio-results';
import { imageRefOf, storeImageRef } from './record-image';
import { isItemId, mapRecord, setField } from './record-mapping';

/**
 * A Label Studio JSON export: an array of tasks `{id, data, annotations}`, streamed task by task
 * (a task over `maxLineBytes` is reported and skipped). A task's `data` gives the item: the image
 * under `data.image` (or the key `map.image` names), read from a local file inside the import
 * folder (see `resolveImageRef`); the text under `data.text` (or `map.text`; for a task without an
 * image, else the first string value); every other data key becomes a field, and an image task
 * also gets `fields.filename`. The annotations come from `annotationsOfTask`. A task whose content
 * cannot be read (no data, image refused or corrupt) is reported and yields no item; a bad result
 * is reported and the item is imported without it. `source.line` is the line the task starts on.
 *
 * Tasks of our own export (`meta.item_id` is one of our item ids) are read as that exporter wrote
 * them: data keys `field.<name>` are the content field `<name>`, and `filename` is whatever the
 * data holds (the item's own field, or none), not taken from the image's path.
 */
async function taskItem(task: unknown, line: number, file: string, options: ReadOptions): Promise<{ item: ImportedItem | null; problems: string[] }> {
  if (!isPlainObject(task) || !isPlainObject(task.data)) {
    return { item: null, problems: ['the task has no data object (export from Label Studio as JSON, not JSON-MIN or CSV)'] };
  }
  const exported = isPlainObject(task.meta) && isItemId(task.meta.item_id);
  const taken = imageRefOf(task.data, { key: options.map.image ?? 'image', paths: true, where: 'data.' });
  if ('reason' in taken) return { item: null, problems: [taken.reason] };
  let image: ImageContent | null = null;
  let filename: string | null = null;
  const problems: string[] = [];
  if (taken.ref !== null) {
    const stored = await storeImageRef(taken.ref, null, file, options);
    if ('reason' in stored) return { item: null, problems: [stored.reason] };
    ({ image, filename } = stored);
    problems.push(...stored.problems);
  }
  const mapped = mapRecord(taken.rest, { map: options.map, schema: options.schema, text: image ? 'optional' : 'required', labels: false, exported: exported ? { typed: true } : null });
  if (!mapped.ok) return { item: null, problems: [mapped.reason] };
  if (filename !== null && !exported) setField(mapped.fields, 'filename', filename);
  const labels = annotationsOfTask(task, options.schema);
  return { item: { content: { text: mapped.text, fields: mapped.fields, image }, source: { path: file, line }, annotations: labels.annotations }, problems: [...problems, ...labels.problems] };
}

async function* labelStudioEvents(file: string, options: ReadOptions): AsyncGenerator<ReadEvent> {
  let tasks = 0;
  for await (const event of splitJsonArray(fileChunks(file, options.signal), { maxBytes: options.maxLineBytes })) {
    if (event.type === 'progress') {
      yield { type: 'bytes', path: file, read: event.read };
      continue;
    }
    if (event.type === 'malformed') {
      yield { type: 'error', path: file, line: event.line, reason: event.reason };
      return;
    }
    tasks++;
    options.signal.throwIfAborted(); // stop between tasks, not only at the next read
    if (event.type === 'too-long') {
      yield { type: 'error', path: file, line: event.line, reason: tooLong('the task', event.bytes, options.maxLineBytes) };
      continue;
    }
    const json = decodeUtf8(event.bytes);
    if (json === null) {
      yield { type: 'error', path: file, line: event.line, reason: `the task is ${INVALID_UTF8}` };
      continue;
    }
    let task: unknown;
    try {
      task = JSON.parse(json);
    } catch (error) {
      yield { type: 'error', path: file, line: event.line, reason: `broken JSON in the task: ${(error as Error).message}` };
      continue;
    }
    const { item, problems } = await taskItem(task, event.line, file, options);
    for (const reason of problems) yield { type: 'error', path: file, line: event.line, reason };
    if (item) yield { type: 'item', item };
  }
  if (tasks === 0) yield { type: 'error', path: file, line: null, reason: 'the export has no tasks' };
}

export const readLabelStudio: FileReader = (file, options) => guardRead(file, options.signal, labelStudioEvents(file, options));
