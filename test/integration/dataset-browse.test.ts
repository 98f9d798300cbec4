import { describe, expect, it } from 'vitest';
import type { ItemsWindow } from '../../shared/api/schemas/browse';
import type { AnnotationEvent, Datanet, Item, ItemFilter } from '../../shared/api/schemas/datanets';
import type { Job } from '../../shared/api/schemas/jobs';
import { SENTIMENT, call, testBackend } from '../fixtures/datanet-backend';

type B = ReturnType<typeof testBackend>;
const N = 5000;

/** N items; every 7th labeled negative, every 11th reviewed, every 5th mentions a refund; another datanet's items interleaved. */
async function setup() {
  const b = testBackend();
  const d = await call<Datanet>(b, 'datanets.create', { name: 'D', license: 'MIT', schema: SENTIMENT });
  const other = await call<Datanet>(b, 'datanets.create', { name: 'Other', license: 'MIT', schema: SENTIMENT });
  const s = b.datanets;
  const seqs = s.db.transaction(() => {
    const out: number[] = [];
    for (let i = 0; i < N; i++) {
      out.push(s.items.insert(d.id, { content: { text: `item ${i} ${i % 5 === 0 ? 'wants a refund' : 'is fine'}`, fields: {}, image: null }, source: null, importId: null }).seq);
      // Seqs of one datanet are not contiguous: positions must not be computed from them.
      if (i % 3 === 0) s.items.insert(other.id, { content: { text: `other ${i}`, fields: {}, image: null }, source: null, importId: null });
    }
    for (let i = 0; i < N; i += 7) s.annotations.record({ itemSeq: out[i]!, datanetId: d.id }, 'sentiment', 'negative', 'ada', 'set');
    for (let i = 0; i < N; i += 11) s.annotations.record({ itemSeq: out[i]!, datanetId: d.id }, '$reviewed', true, 'ada', 'set');
    return out;
  })();
  return { b, d, seqs };
}

const windowOf = (b: B, d: Datanet, offset: number, limit: number, filter: ItemFilter = {}, sort = 'arrival') =>
  call<ItemsWindow>(b, 'items.window', { datanet: d.id, offset, limit, filter, sort });

async function finished(b: B, job: Job): Promise<Job> {
  for (;;) {
    const now = b.jobs.get(job.id);
    if (now.state !== 'running') return now;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('items.window', () => {
  it('gives the rows at any position, in either order, near the top and deep in the list', async () => {
    const { b, d, seqs } = await setup();
    for (const offset of [0, 1, 511, 512, 2047, 2048, 3333, 4990]) {
      const w = await windowOf(b, d, offset, 20);
      expect(w.total).toBe(N);
      expect(w.items.map((i) => i.seq)).toEqual(seqs.slice(offset, offset + 20));
      const desc = await windowOf(b, d, offset, 20, {}, 'arrival_desc');
      expect(desc.items.map((i) => i.seq)).toEqual([...seqs].reverse().slice(offset, offset + 20));
    }
    expect((await windowOf(b, d, N + 10, 20)).items).toEqual([]);
  });

  it('positions filtered and searched lists the same way, and counts their matches', async () => {
    const { b, d, seqs } = await setup();
    const negative = seqs.filter((_, i) => i % 7 === 0);
    const refunds = seqs.filter((_, i) => i % 5 === 0);
    const unlabeled = seqs.filter((_, i) => i % 7 !== 0);
    const cases: [ItemFilter, number[]][] = [
      [{ label: { field: 'sentiment', value: 'negative' } }, negative],
      [{ labeled: false }, unlabeled],
      [{ reviewed: true }, seqs.filter((_, i) => i % 11 === 0)],
      [{ query: 'refund' }, refunds],
      [{ query: 'refund', labeled: true }, seqs.filter((_, i) => i % 35 === 0)],
    ];
    for (const [filter, expected] of cases) {
      for (const offset of [0, Math.floor(expected.length / 2), expected.length - 3]) {
        const w = await windowOf(b, d, offset, 10, filter);
        expect(w.total).toBe(expected.length);
        expect(w.items.map((i) => i.seq)).toEqual(expected.slice(offset, offset + 10));
      }
    }
    await expect(windowOf(b, d, 0, 10, { query: '"(*' })).rejects.toThrow(/"field":"filter.query".*no letters or digits/);
    expect((await windowOf(b, d, 0, 10, { query: 'refund:' })).total).toBe(refunds.length);
  });

  it('sees new items and changed labels at once', async () => {
    const { b, d, seqs } = await setup();
    expect((await windowOf(b, d, 0, 1, { labeled: true })).total).toBe(Math.ceil(N / 7));
    const [, second] = (await windowOf(b, d, 0, 2)).items;
    await call(b, 'annotations.set', { item: second!.id, field: 'sentiment', value: 'positive' });
    expect((await windowOf(b, d, 0, 1, { labeled: true })).total).toBe(Math.ceil(N / 7) + 1);
    b.datanets.items.insert(d.id, { content: { text: 'a late arrival', fields: {}, image: null }, source: null, importId: null });
    const w = await windowOf(b, d, N, 5);
    expect(w.total).toBe(N + 1);
    expect(w.items.map((i) => i.text)).toEqual(['a late arrival']);
    expect(seqs).toHaveLength(N);
  });

  it('previews a row: text cut short, label chips in schema order, reviewed, last author', async () => {
    const b = testBackend();
    const d = await call<Datanet>(b, 'datanets.create', { name: 'P', license: 'MIT', schema: SENTIMENT });
    const long = 'word '.repeat(100_000);
    const [item] = b.datanets.db.transaction(() => [
      b.datanets.items.insert(d.id, { content: { text: long, fields: {}, image: null }, source: null, importId: null }),
      b.datanets.items.insert(d.id, { content: { text: '', fields: { question: 'Why?', answer: 42 }, image: null }, source: null, importId: null }),
    ])();
    await call(b, 'annotations.set', { item: item!.id, field: 'quality', value: 4 });
    await call(b, 'annotations.set', { item: item!.id, field: 'entities', value: [{ start: 0, end: 4, label: 'PER' }] });
    await call(b, 'annotations.set', { item: item!.id, field: 'sentiment', value: 'positive' });
    await call(b, 'annotations.set', { item: item!.id, field: '$reviewed', value: true });
    const [row, fieldsRow] = (await windowOf(b, d, 0, 10)).items;
    expect(row!.text).toHaveLength(300);
    expect(row!.truncated).toBe(true);
    expect(row!.labels).toEqual([
      { field: 'sentiment', text: 'positive' },
      { field: 'entities', text: '1 span' },
      { field: 'quality', text: '4 / 5' },
    ]);
    expect(row!.reviewed).toBe(true);
    expect(row!.lastLabel).toMatchObject({ author: b.datanets.author, imported: false });
    expect(fieldsRow).toMatchObject({ text: 'answer: 42 · question: Why?', truncated: false, labels: [], reviewed: false, lastLabel: null });
    // A label that came with an import says so: it is the file's, not someone's labeling here.
    b.datanets.annotations.record({ itemSeq: fieldsRow!.seq, datanetId: d.id }, 'sentiment', 'negative', 'annotator@example.org', 'import');
    expect((await windowOf(b, d, 0, 10)).items[1]!.lastLabel).toMatchObject({ author: 'annotator@example.org', imported: true });
  });
});

describe('annotations.bulkSet', () => {
  it('labels position ranges of a filtered list as one job, one undoable event per item', async () => {
    const { b, d, seqs } = await setup();
    const filter = { labeled: false };
    const expectTotal = (await windowOf(b, d, 0, 1, filter)).total;
    expect(expectTotal).toBe(N - Math.ceil(N / 7));
    const targets = [...(await windowOf(b, d, 0, 10, filter, 'arrival_desc')).items, ...(await windowOf(b, d, 2500, 100, filter, 'arrival_desc')).items];
    const job = await call<Job>(b, 'annotations.bulkSet', {
      datanet: d.id,
      filter,
      sort: 'arrival_desc',
      ranges: [
        { from: 0, to: 10 },
        { from: 2500, to: 2600 },
      ],
      expectTotal,
      field: 'sentiment',
      value: 'neutral',
    });
    const done = await finished(b, job);
    expect(done).toMatchObject({ state: 'succeeded', result: '110 items labeled', progress: { done: 110, total: 110, counts: { changed: 110, unchanged: 0 } } });
    for (const t of targets) expect((await call<Item>(b, 'items.get', { item: t.id })).labels.sentiment).toBe('neutral');
    expect((await windowOf(b, d, 0, 1, filter)).total).toBe(expectTotal - 110);
    // Undo works per item, through the event log.
    const [event] = await call<AnnotationEvent[]>(b, 'annotations.history', { item: targets[0]!.id });
    await call(b, 'annotations.undo', { event: event!.seq });
    expect((await call<Item>(b, 'items.get', { item: targets[0]!.id })).labels).toEqual({});
    expect(seqs).toHaveLength(N);
  });

  it('labels everything matching a filter, skips items that already have the value, and refuses a stale selection or a bad value', async () => {
    const { b, d } = await setup();
    const refunds = (await windowOf(b, d, 0, 1, { query: 'refund' })).total;
    const all = { datanet: d.id, filter: { query: 'refund' }, ranges: [{ from: 0, to: refunds }], expectTotal: refunds, field: 'sentiment' };
    const done = await finished(b, await call<Job>(b, 'annotations.bulkSet', { ...all, value: 'negative' }));
    // Every 35th item is a refund already labeled negative.
    const already = Math.ceil(N / 35);
    expect(done).toMatchObject({ state: 'succeeded', progress: { counts: { changed: refunds - already, unchanged: already } } });
    expect((await windowOf(b, d, 0, 1, { query: 'refund', label: { field: 'sentiment', value: 'negative' } })).total).toBe(refunds);

    await expect(call(b, 'annotations.bulkSet', { ...all, value: 'angry' })).rejects.toThrow(/"field":"value".*must be one of/);
    await expect(call(b, 'annotations.bulkSet', { ...all, field: 'nope', value: 'x' })).rejects.toThrow(/not in this datanet's schema/);
    await expect(call(b, 'annotations.bulkSet', { ...all, expectTotal: refunds + 1, value: 'positive' })).rejects.toThrow(/conflict.*select again/);
    await expect(call(b, 'annotations.bulkSet', { ...all, ranges: [{ from: 5, to: 5 }], value: 'positive' })).rejects.toThrow(/ranges.0.to/);
  });
});
