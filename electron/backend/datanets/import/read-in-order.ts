import { setMaxListeners } from 'node:events';
import type { FileReader, ReadEvent, ReadOptions, SourceFile } from './types';

/** Files at most this big are read ahead, several at once, their events held in memory. */
const SMALL_FILE = 1024 * 1024;
const READ_AHEAD = 16;

async function collect(events: AsyncIterable<ReadEvent>): Promise<ReadEvent[] | { error: unknown }> {
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
 * a large file is streamed when its turn comes, never held whole. When the consumer stops (an
 * error, a cancel), the reads still in flight are aborted and awaited, so none is left writing
 * (an image half-copied into the blob store) after the import has ended.
 */
export async function* readInOrder(
  files: readonly SourceFile[],
  readerFor: (file: SourceFile) => FileReader,
  optionsFor: (file: SourceFile) => ReadOptions,
): AsyncGenerator<{ file: SourceFile; events: AsyncIterable<ReadEvent> | ReadEvent[] }> {
  const ahead = new Map<number, Promise<ReadEvent[] | { error: unknown }>>();
  const stopAhead = new AbortController();
  // One signal for every read-ahead (the job's, or ours when the consumer stops): made once, as
  // AbortSignal.any per file showed up in profiles.
  let aheadSignal: AbortSignal | undefined;
  let next = 0;
  const fill = (from: number) => {
    for (let i = Math.max(next, from); i < files.length && ahead.size < READ_AHEAD; i++) {
      next = i + 1;
      const f = files[i]!;
      if (f.size > SMALL_FILE) continue;
      const options = optionsFor(f);
      if (!aheadSignal) {
        aheadSignal = AbortSignal.any([options.signal, stopAhead.signal]);
        setMaxListeners(READ_AHEAD * 4, aheadSignal); // each read in flight listens for the abort
      }
      ahead.set(i, collect(readerFor(f)(f.path, { ...options, signal: aheadSignal })));
    }
  };
  try {
    yield* inOrder();
  } finally {
    stopAhead.abort(new Error('import ended'));
    await Promise.all(ahead.values());
  }

  async function* inOrder(): AsyncGenerator<{ file: SourceFile; events: AsyncIterable<ReadEvent> | ReadEvent[] }> {
    for (let i = 0; i < files.length; i++) {
      const file = files[i]!;
      fill(i);
      const pending = ahead.get(i);
      if (pending) {
        ahead.delete(i);
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
