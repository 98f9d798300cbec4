import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { attributeSpans, spanWeight } from '../../engine/attribution/span-credit';
import { FILES } from '../../engine/attribution/span-index-format';
import { openSpanIndex, type SpanIndex } from '../../engine/attribution/span-index-reader';
import { SpanIndexWriter } from '../../engine/attribution/span-index-writer';
import { findSpans } from '../../engine/attribution/span-query';
import { Prng } from '../../engine/train/prng';
import { tempDir } from '../fixtures/temp-dir';

type Records = { id: string; segments: number[][] }[];

async function buildIndex(records: Records, vocabSize: number, source: Record<string, unknown> = {}): Promise<SpanIndex> {
  const dir = path.join(tempDir(), 'index');
  const writer = new SpanIndexWriter({ dir, vocabSize, source });
  for (const r of records) writer.add(r.id, r.segments);
  await writer.finish();
  return openSpanIndex(dir);
}

function randomRecords(rng: Prng, count: number, vocab: number): Records {
  return Array.from({ length: count }, (_, r) => ({
    id: `item-${r}@${r}`,
    segments: Array.from({ length: 1 + rng.nextInt(3) }, () => Array.from({ length: rng.nextInt(40) }, () => rng.nextInt(vocab))),
  }));
}

/** Every (record, offset in the record's symbols) where ids[from, from + length) occurs inside one segment. */
function naiveOccurrences(records: Records, ids: number[], from: number, length: number): { record: number; offset: number }[] {
  const out: { record: number; offset: number }[] = [];
  records.forEach((r, record) => {
    let base = 0;
    for (const s of r.segments) {
      for (let p = 0; p + length <= s.length; p++) {
        let k = 0;
        while (k < length && s[p + k] === ids[from + k]) k++;
        if (k === length) out.push({ record, offset: base + p });
      }
      if (s.length > 0) base += s.length + 1;
    }
  });
  return out;
}

function naiveLongest(records: Records, ids: number[], from: number): number {
  let best = 0;
  while (from + best < ids.length && naiveOccurrences(records, ids, from, best + 1).length > 0) best++;
  return best;
}

describe('span attribution over a suffix array index', () => {
  it('finds the maximal spans, their counts and their records as a direct search of every record does', async () => {
    const rng = new Prng(5);
    const vocab = 6;
    const records = randomRecords(rng, 60, vocab);
    const index = await buildIndex(records, vocab);
    const symbols = records.reduce((n, r) => n + r.segments.reduce((m, s) => m + (s.length > 0 ? s.length + 1 : 0), 0), 0);
    expect(index.meta).toMatchObject({ records: 60, symbols, tokenWidth: 2, vocabSize: vocab });
    for (let q = 0; q < 40; q++) {
      // Outputs stitched from pieces of records and random tokens.
      const output: number[] = [];
      while (output.length < 64) {
        const r = records[rng.nextInt(records.length)]!;
        const s = r.segments[rng.nextInt(r.segments.length)]!;
        const at = rng.nextInt(s.length + 1);
        output.push(...s.slice(at, at + rng.nextInt(20)), ...Array.from({ length: rng.nextInt(3) }, () => rng.nextInt(vocab)));
      }
      const ms = output.map((_, i) => naiveLongest(records, output, i));
      const expected = ms.flatMap((length, i) => (length >= 4 && (i === 0 || i + length > i - 1 + ms[i - 1]!) ? [{ start: i, length }] : []));
      const spans = findSpans(index, output, { minLength: 4, maxOccurrences: 1000 });
      expect(spans.map((s) => ({ start: s.start, length: s.length }))).toEqual(expected);
      for (const s of spans) {
        const occurrences = naiveOccurrences(records, output, s.start, s.length);
        expect(s.count).toBe(occurrences.length);
        const key = (o: { record: number; offset: number }) => `${o.record}:${o.offset}`;
        expect(s.occurrences.map(key).sort()).toEqual(occurrences.map(key).sort());
      }
    }
  });

  it('credits an output that copies a record to that record, weighted by length and rarity', async () => {
    const rng = new Prng(9);
    const vocab = 1000;
    const records = randomRecords(rng, 200, vocab);
    const boiler = [11, 12, 13, 14, 15, 16];
    // A boilerplate phrase in every tenth record: it matches, but is worth little.
    records.forEach((r, i) => i % 10 === 0 && r.segments.push(boiler));
    const source = records[123]!.segments.find((s) => s.length >= 30) ?? (records[123]!.segments[0] = Array.from({ length: 35 }, () => rng.nextInt(vocab)));
    const index = await buildIndex(records, vocab);
    const output = [...boiler, 999, ...source.slice(0, 30), 998];
    const result = attributeSpans(index, output, { minLength: 4 });
    expect(result.records[0]).toMatchObject({ record: 123, id: 'item-123@123' });
    const copied = result.spans.find((s) => s.records.some((r) => r.record === 123))!;
    expect(copied).toMatchObject({ start: boiler.length + 1, count: 1 });
    expect(copied.length).toBeGreaterThanOrEqual(30);
    expect(copied.weight).toBeCloseTo(copied.length * Math.log2(index.meta.tokens / 1), 9);
    const boilerSpan = result.spans.find((s) => s.start === 0)!;
    expect(boilerSpan).toMatchObject({ length: boiler.length, count: 20 });
    expect(boilerSpan.weight).toBeCloseTo(spanWeight(boiler.length, 20, index.meta.tokens), 9);
    // The boilerplate's weight is split over the 20 records that hold it.
    const other = result.records.find((r) => r.record === 0)!;
    expect(other.credit).toBeCloseTo(boilerSpan.weight / 20, 9);
    expect(result.coveredTokens).toBe(boiler.length + copied.length);
  });

  it('never matches across a record boundary or between two fields of a record', async () => {
    const index = await buildIndex(
      [
        { id: 'a', segments: [[1, 2, 3, 4]] },
        { id: 'b', segments: [[5, 6, 7, 8], [9, 10, 11, 12]] },
        { id: 'empty', segments: [[]] },
        { id: 'c', segments: [[1, 2, 3, 4, 5, 6, 7, 8, 9]] },
      ],
      20,
    );
    // [3 4 | 5 6]: a then b in the stream; [7 8 | 9 10]: b's two fields.
    expect(findSpans(index, [3, 4, 5, 6], { minLength: 1 }).map((s) => s.length)).toEqual([4]);
    expect(findSpans(index, [3, 4, 5, 6], { minLength: 1 })[0]!.occurrences).toEqual([{ record: 3, offset: 2 }]);
    expect(findSpans(index, [7, 8, 9, 10], { minLength: 3 }).map((s) => [s.start, s.length, s.occurrences.map((o) => index.recordId(o.record))])).toEqual([[0, 3, ['c']]]);
    expect(findSpans(index, [8, 9, 10, 11], { minLength: 1 }).map((s) => [s.start, s.length])).toEqual([[0, 2], [1, 3]]);
    expect(findSpans(index, [17, 18], { minLength: 1 })).toEqual([]);
  });

  it('stores ids of 65,536 tokens and more in 4 bytes, and reports the index size against the tokens own', async () => {
    const rng = new Prng(1);
    const records = Array.from({ length: 30 }, (_, r) => ({ id: `r${r}`, segments: [Array.from({ length: 50 }, () => 60000 + rng.nextInt(20000))] }));
    const index = await buildIndex(records, 80000, { version: 'v1' });
    expect(index.meta).toMatchObject({ tokenWidth: 4, tokens: 1500, separators: 30, symbols: 1530, source: { version: 'v1' } });
    const onDisk = Object.values(FILES).reduce((n, f) => n + fs.statSync(path.join(index.dir, f)).size, 0);
    expect(index.meta.indexBytes).toBe(onDisk);
    const output = records[17]!.segments[0]!.slice(5, 25);
    expect(attributeSpans(index, output).records.map((r) => r.id)).toEqual(['r17']);
  });

  it('refuses bad input and damaged files with errors that name them', async () => {
    const dir = path.join(tempDir(), 'index');
    const writer = new SpanIndexWriter({ dir, vocabSize: 10 });
    expect(() => writer.add('x@0', [[1, 10]])).toThrow('record "x@0" has token id 10 at 1, outside the vocabulary [0, 10)');
    writer.add('x@1', [[1, 2, 3]]);
    await writer.finish();
    expect(() => new SpanIndexWriter({ dir, vocabSize: 10 })).toThrow('exists');
    const index = openSpanIndex(dir);
    expect(() => findSpans(index, [1, 2, 30])).toThrow('output token 2 is 30, outside the index\'s vocabulary [0, 10)');
    expect(() => findSpans(index, [1, 2], { minLength: 0 })).toThrow('minLength must be a positive integer');
    fs.truncateSync(path.join(dir, FILES.sa), 4);
    expect(() => openSpanIndex(dir)).toThrow(/sa\.bin has 4 bytes; meta\.json says 12: the index is damaged/);
    expect(() => openSpanIndex(path.dirname(dir))).toThrow('is not a span index');
  });

  it('an aborted build leaves no index and no partial folder', async () => {
    const dir = path.join(tempDir(), 'index');
    const writer = new SpanIndexWriter({ dir, vocabSize: 100 });
    writer.add('a', [[1, 2, 3]]);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(writer.finish({ signal: controller.signal })).rejects.toThrow('stop');
    expect(fs.existsSync(dir)).toBe(false);
    expect(fs.existsSync(`${dir}.partial`)).toBe(false);

    // Aborted while the worker sorts: the worker is terminated, and again nothing is left.
    const big = new SpanIndexWriter({ dir, vocabSize: 50 });
    const rng = new Prng(2);
    for (let r = 0; r < 2000; r++) big.add(`r${r}`, [Array.from({ length: 1000 }, () => rng.nextInt(50))]);
    const stop = new AbortController();
    const stages: string[] = [];
    const finishing = big.finish({
      signal: stop.signal,
      onStage: (stage) => {
        stages.push(stage);
        if (stage === 'sorting') stop.abort(new Error('stopped while sorting'));
      },
    });
    await expect(finishing).rejects.toThrow('stopped while sorting');
    expect(stages).toEqual(['reading', 'sorting']);
    expect(fs.existsSync(dir)).toBe(false);
    expect(fs.existsSync(`${dir}.partial`)).toBe(false);
  });
});
