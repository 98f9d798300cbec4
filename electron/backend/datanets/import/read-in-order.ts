import { setMaxListeners } from 'node:events';
import type { FileReader, ReadEvent, ReadOptions, SourceFile } from './types';

/** Files at most this big are read ahead, several at once, their events held in memory. */
const SMALL_FILE = 1024 * 1024;
const READ_AHEAD = 16;
/**
 * Images are read on their own lane, as far ahead of their turn as it takes: their events are one
 * small item each (the picture and its thumbnail go to the blob store), and decoding them for
 * thumbnails runs on the thread pool, so it overlaps the main thread's database work for the
 * files before them instead of following it. At most IMAGES_IN_FLIGHT at a time, holding at most
 * IMAGE_BYTES_IN_FLIGHT of file bytes (one bigger image runs alone), and at most IMAGES_AHEAD
 * started and not yet taken (each done one holds its item, a few hundred bytes).
 */
const IMAGES_IN_FLIGHT = 8;
const IMAGE_BYTES_IN_FLIGHT = 256 * 1024 * 1024;
const IMAGES_AHEAD = 4096;

type Collected = ReadEvent[] | { error: unknown };

async function collect(events: AsyncIterable<ReadEvent>): Promise<Collected> {
  const out: ReadEvent[] = [];
  try {
    for await (const e of events) out.push(e);
    return out;
  } catch (error) {
    return { error };
  }
}

/**
 * Yields each file's read events in the files' order. Small files are read ahead, up to
 * READ_AHEAD at a time, so the many-small-files case is not one disk round trip after another;
 * images are read ahead on their own lane (see IMAGES_IN_FLIGHT); any other large file is streamed
 * when its turn comes, never held whole. When the consumer stops (an error, a cancel), the reads
 * still in flight are aborted and awaited, so none is left writing (an image half-copied into the
 * blob store) after the import has ended. An image stored ahead of an import that then stops is an
 * unreferenced blob, as after any interrupted import; a resume finds it already there.
 */
export async function* readInOrder(
  files: readonly SourceFile[],
  readerFor: (file: SourceFile) => FileReader,
  optionsFor: (file: SourceFile) => ReadOptions,
): AsyncGenerator<{ file: SourceFile; events: AsyncIterable<ReadEvent> | ReadEvent[] }> {
  const ahead = new Map<number, Promise<Collected>>(); // small files, not images
  const images = new Map<number, Promise<Collected>>(); // images started, done or not, not yet consumed
  const stopAhead = new AbortController();
  // One signal for every read-ahead (the job's, or ours when the consumer stops): made once, as
  // AbortSignal.any per file showed up in profiles.
  let aheadSignal: AbortSignal | undefined;
  const readAhead = (f: SourceFile): Promise<Collected> => {
    const options = optionsFor(f);
    if (!aheadSignal) {
      aheadSignal = AbortSignal.any([options.signal, stopAhead.signal]);
      setMaxListeners((READ_AHEAD + IMAGES_IN_FLIGHT) * 4, aheadSignal); // each read in flight listens for the abort
    }
    return collect(readerFor(f)(f.path, { ...options, signal: aheadSignal }));
  };

  let next = 0;
  const fill = (from: number) => {
    for (let i = Math.max(next, from); i < files.length && ahead.size < READ_AHEAD; i++) {
      next = i + 1;
      const f = files[i]!;
      if (f.size > SMALL_FILE || f.format === 'images') continue;
      ahead.set(i, readAhead(f));
    }
  };

  let nextImage = 0;
  let imagesInFlight = 0;
  let imageBytesInFlight = 0;
  let stopped = false;
  const startImage = (i: number) => {
    const f = files[i]!;
    imagesInFlight++;
    imageBytesInFlight += f.size;
    images.set(
      i,
      readAhead(f).finally(() => {
        imagesInFlight--;
        imageBytesInFlight -= f.size;
        fillImages();
      }),
    );
  };
  const fillImages = (from = 0) => {
    nextImage = Math.max(nextImage, from);
    while (!stopped && nextImage < files.length && imagesInFlight < IMAGES_IN_FLIGHT && images.size < IMAGES_AHEAD) {
      const f = files[nextImage]!;
      if (f.format === 'images') {
        if (imagesInFlight > 0 && imageBytesInFlight + f.size > IMAGE_BYTES_IN_FLIGHT) break;
        startImage(nextImage);
      }
      nextImage++;
    }
  };

  try {
    yield* inOrder();
  } finally {
    stopped = true;
    stopAhead.abort(new Error('import ended'));
    await Promise.all([...ahead.values(), ...images.values()]);
  }

  async function* inOrder(): AsyncGenerator<{ file: SourceFile; events: AsyncIterable<ReadEvent> | ReadEvent[] }> {
    for (let i = 0; i < files.length; i++) {
      const file = files[i]!;
      fill(i);
      fillImages(i);
      if (file.format === 'images' && !images.has(i)) {
        // Its turn came before the lane reached it: start it now, and the lane goes on after it.
        startImage(i);
        nextImage = Math.max(nextImage, i + 1);
      }
      const pending = ahead.get(i) ?? images.get(i);
      if (pending) {
        ahead.delete(i);
        images.delete(i);
        const result = await pending;
        fill(i + 1);
        if ('error' in result) throw result.error;
        yield { file, events: result };
      } else {
        yield { file, events: readerFor(file)(file.path, optionsFor(file)) };
      }
    }
  }
}
