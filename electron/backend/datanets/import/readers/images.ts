import path from 'node:path';
import type { FileReader, ReadEvent, ReadOptions } from '../types';
import { guardRead } from './file-source';
import { ImageRejected, storeImage } from './image-content';

/** Images: one item per file, no text, the file's name in `fields.filename`, the picture and its thumbnail in the blob store. */
async function* imageEvents(file: string, options: ReadOptions): AsyncGenerator<ReadEvent> {
  let stored;
  try {
    stored = await storeImage(file, options.blobs, options.signal);
  } catch (error) {
    if (!(error instanceof ImageRejected)) throw error;
    yield { type: 'error', path: file, line: null, reason: error.message };
    return;
  }
  yield {
    type: 'item',
    item: { content: { text: '', fields: { filename: path.basename(file) }, image: stored.image }, source: { path: file, line: null }, annotations: [] },
  };
  yield { type: 'bytes', path: file, read: stored.bytes };
}

export const readImages: FileReader = (file, options) => guardRead(file, options.signal, imageEvents(file, options));
