import { describe, expect, it } from 'vitest';
import { readInOrder } from '../../electron/backend/datanets/import/read-in-order';
import type { FileReader, ReadEvent, ReadOptions, SourceFile } from '../../electron/backend/datanets/import/types';

const MB = 1024 * 1024;

/** Files of every kind the lanes treat differently: small text, images small and large, a large table. */
function files(): SourceFile[] {
  return Array.from({ length: 60 }, (_, i): SourceFile => {
    if (i % 3 === 0) return { path: `/in/img-${i}.png`, size: (i % 2 ? 5 : 0.2) * MB, format: 'images' };
    if (i % 10 === 1) return { path: `/in/big-${i}.csv`, size: 8 * MB, format: 'csv' };
    return { path: `/in/doc-${i}.txt`, size: 100, format: 'text' };
  });
}

const options = (signal: AbortSignal) => ({ signal }) as unknown as ReadOptions;

describe('readInOrder', () => {
  it('yields every file once, in order, with images read ahead on their own lane and a bounded number in flight', async () => {
    const list = files();
    let imagesInFlight = 0;
    let most = 0;
    const started: string[] = [];
    const reader: FileReader = async function* (file) {
      started.push(file);
      const image = file.includes('img-');
      if (image) most = Math.max(most, ++imagesInFlight);
      await new Promise((r) => setTimeout(r, Math.random() * 3));
      if (image) imagesInFlight--;
      yield { type: 'bytes', path: file, read: 1 } satisfies ReadEvent;
    };
    const seen: string[] = [];
    const stop = new AbortController();
    for await (const { file, events } of readInOrder(list, () => reader, () => options(stop.signal))) {
      for await (const e of events) expect(e).toEqual({ type: 'bytes', path: file.path, read: 1 });
      seen.push(file.path);
      if (seen.length === 1) {
        // While the first file is handled, the image lane has already gone past the text read-ahead window.
        await new Promise((r) => setTimeout(r, 50));
        expect(started.filter((p) => p.includes('img-')).length).toBe(20);
      }
    }
    expect(seen).toEqual(list.map((f) => f.path));
    expect(new Set(started).size).toBe(started.length);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(8);
  });

  it('aborts and awaits the images still in flight when the consumer stops', async () => {
    const list = files();
    let running = 0;
    const reader: FileReader = async function* (file, o) {
      running++;
      try {
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(resolve, 20);
          o.signal.addEventListener('abort', () => {
            clearTimeout(t);
            reject(o.signal.reason as Error);
          });
        });
        yield { type: 'bytes', path: file, read: 1 } satisfies ReadEvent;
      } finally {
        running--;
      }
    };
    const stop = new AbortController();
    for await (const { events } of readInOrder(list, () => reader, () => options(stop.signal))) {
      for await (const e of events) expect(e.type).toBe('bytes');
      break;
    }
    expect(running).toBe(0);
  });
});
