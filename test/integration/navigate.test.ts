import { describe, expect, it } from 'vitest';
import type { Datanet, Item } from '../../shared/api/schemas/datanets';
import type { ItemPosition } from '../../shared/api/schemas/navigate';
import { SENTIMENT, call, testBackend } from '../fixtures/datanet-backend';

async function setup() {
  const b = testBackend();
  const d = await call<Datanet>(b, 'datanets.create', { name: 'Nav', license: 'MIT', schema: SENTIMENT });
  const ids = b.datanets.db.transaction(() =>
    ['a', 'b', 'c', 'd', 'e'].map((text) => b.datanets.items.insert(d.id, { content: { text, fields: {}, image: null }, source: null, importId: null }).id),
  )();
  const step = async (input: object) => (await call<{ item: Item | null }>(b, 'items.step', { datanet: d.id, ...input })).item?.content.text ?? null;
  return { b, d, ids, step };
}

describe('items.step and items.position (annotate view navigation)', () => {
  it('steps forward and back in arrival order, from an item or from either end', async () => {
    const { ids, step } = await setup();
    expect(await step({})).toBe('a');
    expect(await step({ direction: 'previous' })).toBe('e');
    expect(await step({ from: ids[1] })).toBe('c');
    expect(await step({ from: ids[1], direction: 'previous' })).toBe('a');
    expect(await step({ from: ids[4] })).toBeNull();
    expect(await step({ from: ids[0], direction: 'previous' })).toBeNull();
  });

  it('finds the nearest unlabeled item, ignoring $reviewed, passing over excluded ones, wrapping around once', async () => {
    const { b, ids, step } = await setup();
    await call(b, 'annotations.set', { item: ids[0], field: 'sentiment', value: 'positive' });
    await call(b, 'annotations.set', { item: ids[2], field: 'quality', value: 3 });
    await call(b, 'annotations.set', { item: ids[1], field: '$reviewed', value: true });
    expect(await step({ unlabeled: true })).toBe('b');
    expect(await step({ from: ids[1], unlabeled: true })).toBe('d');
    expect(await step({ from: ids[1], unlabeled: true, exclude: [ids[3]] })).toBe('e');
    // Past the end it starts again from the beginning.
    expect(await step({ from: ids[4], unlabeled: true })).toBe('b');
    expect(await step({ from: ids[3], unlabeled: true, direction: 'previous' })).toBe('b');
    for (const id of [ids[1], ids[3], ids[4]]) await call(b, 'annotations.set', { item: id, field: 'note', value: 'x' });
    expect(await step({ unlabeled: true })).toBeNull();
    expect(await step({ from: ids[2], unlabeled: true })).toBeNull();
  });

  it('moves through the list the dataset view shows: its filter, its search and its order', async () => {
    const { b, d, step } = await setup();
    const more = b.datanets.db.transaction(() =>
      ['refund late', 'great', 'refund please', 'fine', 'refund now'].map((text) => b.datanets.items.insert(d.id, { content: { text, fields: {}, image: null }, source: null, importId: null }).id),
    )();
    const [late, , please, , now] = more as [string, string, string, string, string];
    const refunds = { filter: { query: 'refund' } };
    expect(await step({ ...refunds })).toBe('refund late');
    expect(await step({ ...refunds, from: late })).toBe('refund please');
    expect(await step({ ...refunds, from: now })).toBeNull();
    // Newest first: next is the older match.
    expect(await step({ ...refunds, sort: 'arrival_desc' })).toBe('refund now');
    expect(await step({ ...refunds, sort: 'arrival_desc', from: now })).toBe('refund please');
    expect(await step({ ...refunds, sort: 'arrival_desc', from: now, direction: 'previous' })).toBeNull();
    const where = (item: string, within: object) => call<ItemPosition>(b, 'items.position', { item, ...within });
    expect(await where(please, refunds)).toEqual({ position: 2, total: 3, matches: true });
    expect(await where(please, { ...refunds, sort: 'arrival_desc' })).toEqual({ position: 2, total: 3, matches: true });
    expect(await where(now, { ...refunds, sort: 'arrival_desc' })).toEqual({ position: 1, total: 3, matches: true });

    // A label filter and a search over label words; an item labeled out of the filter says so.
    const unlabeled = { filter: { labeled: false, query: 'refund' } };
    await call(b, 'annotations.set', { item: please, field: 'sentiment', value: 'negative' });
    expect(await step({ ...unlabeled, from: late })).toBe('refund now');
    expect(await where(please, unlabeled)).toEqual({ position: 1, total: 2, matches: false });
    expect(await step({ filter: { query: 'negative' } })).toBe('refund please');
    await expect(call(b, 'items.step', { datanet: d.id, filter: { query: '(*' } })).rejects.toThrow(/no letters or digits/);
  });

  it('says where an item is, and refuses an item of another datanet', async () => {
    const { b, ids } = await setup();
    expect(await call<ItemPosition>(b, 'items.position', { item: ids[3] })).toEqual({ position: 4, total: 5, matches: true });
    expect(await call<ItemPosition>(b, 'items.position', { item: ids[3], sort: 'arrival_desc' })).toEqual({ position: 2, total: 5, matches: true });
    const other = await call<Datanet>(b, 'datanets.create', { name: 'Other', license: 'MIT', schema: SENTIMENT });
    await expect(call(b, 'items.step', { datanet: other.id, from: ids[0] })).rejects.toThrow(/"field":"from"/);
    await expect(call(b, 'items.position', { item: 'it_000000000000' })).rejects.toThrow(/not_found/);
  });
});
