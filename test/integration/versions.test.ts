import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { keccak256 } from 'ethereum-cryptography/keccak.js';
import { describe, expect, it } from 'vitest';
import type { AnnotationEvent, Datanet, DatanetSummary, RecordProof, Version, VersionDiff } from '../../shared/api/schemas/datanets';
import type { Job } from '../../shared/api/schemas/jobs';
import { SENTIMENT, call, testBackend } from '../fixtures/datanet-backend';

async function setup(texts: string[]) {
  const b = testBackend();
  const d = await call<Datanet>(b, 'datanets.create', { name: 'V', license: 'MIT', schema: SENTIMENT });
  const items = b.datanets.db.transaction(() =>
    texts.map((text) => b.datanets.items.insert(d.id, { content: { text, fields: { n: text.length }, image: null }, source: null, importId: null })),
  )();
  return { b, d, items };
}

async function version(b: ReturnType<typeof testBackend>, note = ''): Promise<Version> {
  const job = await call<Job>(b, 'versions.create', { datanet: 'V', note });
  expect((await b.jobs.settled(job.id)).state).toBe('succeeded');
  return (await call<Version[]>(b, 'versions.list', { datanet: 'V' })).at(-1)!;
}

const hex = (s: string) => Buffer.from(s.slice(2), 'hex');

describe('versions', () => {
  it("freezes records into a Merkle root that OpenZeppelin's tree reproduces independently", async () => {
    const { b, items } = await setup(['alpha', 'beta', 'gamma', 'delta', 'epsilon']);
    await call(b, 'annotations.set', { item: items[1]!.id, field: 'sentiment', value: 'positive' });
    const v1 = await version(b, 'first');
    expect(v1).toMatchObject({ number: 1, recordCount: 5, note: 'first' });
    expect(await call(b, 'datanets.get', { datanet: 'V' })).toMatchObject({ lastVersion: { number: 1, root: v1.root } });

    // Independent check: recompute each record hash from the canonical bytes the app hands out,
    // with another keccak, and build the tree with @openzeppelin/merkle-tree.
    const proofs: RecordProof[] = [];
    for (const it of items) proofs.push(await call<RecordProof>(b, 'versions.proof', { datanet: 'V', version: 1, item: it.id }));
    const ordered = [...proofs].sort((a, z) => a.position - z.position);
    for (const p of ordered) expect(`0x${Buffer.from(keccak256(Buffer.from(p.record, 'utf8'))).toString('hex')}`).toBe(p.recordHash);
    const oz = StandardMerkleTree.of(ordered.map((p) => [p.recordHash]), ['bytes32'], { sortLeaves: false });
    expect(oz.root).toBe(v1.root);
    for (const p of proofs) {
      expect(p.verified).toBe(true);
      expect(StandardMerkleTree.verify(v1.root, ['bytes32'], [p.recordHash], p.proof)).toBe(true);
      expect(oz.getProof(p.position)).toEqual(p.proof);
    }
    const labeled = proofs.find((p) => p.itemId === items[1]!.id)!;
    expect(JSON.parse(labeled.record)).toMatchObject({ v: 1, itemId: items[1]!.id, labels: { sentiment: 'positive' } });
    // A tampered proof does not verify.
    const bad = [...labeled.proof];
    bad[0] = `0x${'00'.repeat(32)}`;
    expect(StandardMerkleTree.verify(v1.root, ['bytes32'], [labeled.recordHash], bad)).toBe(false);
  });

  it("says whether anything of the datanet changed since its newest version, not counting another datanet's changes", async () => {
    const { b, d, items } = await setup(['one', 'two']);
    const changed = async () => (await call<DatanetSummary>(b, 'datanets.get', { datanet: d.id })).changedSinceVersion;
    expect(await changed()).toBe(true);
    await version(b);
    expect(await changed()).toBe(false);
    // Another datanet's items and labels are not this one's changes.
    const other = await call<Datanet>(b, 'datanets.create', { name: 'Other', license: 'MIT', schema: SENTIMENT });
    const elsewhere = b.datanets.items.insert(other.id, { content: { text: 'x', fields: {}, image: null }, source: null, importId: null });
    await call(b, 'annotations.set', { item: elsewhere.id, field: 'sentiment', value: 'positive' });
    expect(await changed()).toBe(false);
    await call(b, 'annotations.set', { item: items[1]!.id, field: 'sentiment', value: 'positive' });
    expect(await changed()).toBe(true);
    await version(b);
    expect(await changed()).toBe(false);
    b.datanets.items.insert(d.id, { content: { text: 'three', fields: {}, image: null }, source: null, importId: null });
    expect(await changed()).toBe(true);
  });

  it('proves a record as it was in an old version, after later edits', async () => {
    const { b, items } = await setup(['one', 'two', 'three']);
    const e = await call<AnnotationEvent>(b, 'annotations.set', { item: items[0]!.id, field: 'sentiment', value: 'negative' });
    await version(b);
    await call(b, 'annotations.set', { item: items[0]!.id, field: 'sentiment', value: 'positive' });
    await call(b, 'annotations.undo', { event: e.seq }).catch(() => undefined);
    const old = await call<RecordProof>(b, 'versions.proof', { datanet: 'V', version: 1, item: items[0]!.id });
    expect((JSON.parse(old.record) as { labels: unknown }).labels).toEqual({ sentiment: 'negative' });
    expect(old.verified).toBe(true);
  });

  it('diffs two versions: added, removed (none here: items are append-only) and changed records', async () => {
    const { b, d, items } = await setup(['a1', 'a2', 'a3', 'a4']);
    await version(b);
    await call(b, 'annotations.set', { item: items[2]!.id, field: 'note', value: 'edited' });
    const [added] = b.datanets.db.transaction(() => [b.datanets.items.insert(d.id, { content: { text: 'new one', fields: {}, image: null }, source: null, importId: null })])();
    await version(b);
    const diff = await call<VersionDiff>(b, 'versions.diff', { datanet: 'V', from: 1, to: 'latest' });
    expect(diff).toMatchObject({ from: 1, to: 2, counts: { added: 1, removed: 0, changed: 1 }, added: [added!.id], changed: [items[2]!.id] });
    const back = await call<VersionDiff>(b, 'versions.diff', { datanet: 'V', from: 2, to: 1 });
    expect(back.counts).toEqual({ added: 0, removed: 1, changed: 1 });
    await expect(call(b, 'versions.diff', { datanet: 'V', from: 1, to: 7 })).rejects.toThrow(/No version 7/);
  });

  it("details each listed record: the item's text cut short and, for a changed one, each label field from what to what", async () => {
    const long = `A long review: ${'the parcel came late and the box was crushed, '.repeat(6)}end.`;
    const { b, d, items } = await setup(['Loved it', long, 'Meh, fine', 'Untouched']);
    const insert = (text: string, fields: Record<string, string> = {}) =>
      b.datanets.db.transaction(() => b.datanets.items.insert(d.id, { content: { text, fields, image: null }, source: null, importId: null }))();
    // An item without text previews as its fields.
    const qa = insert('', { question: 'Where is it?', answer: 'On its way' });
    const set = (item: string, field: string, value: unknown) => call(b, 'annotations.set', { item, field, value });
    await set(items[0]!.id, 'sentiment', 'neutral');
    await set(items[0]!.id, 'quality', 3);
    await set(items[1]!.id, 'entities', [{ start: 0, end: 1, label: 'PER' }]);
    await set(items[1]!.id, 'topics', ['price']);
    await version(b);
    await set(items[0]!.id, 'sentiment', 'positive');
    await set(items[0]!.id, 'quality', null);
    await set(items[0]!.id, 'note', 'changed my mind');
    // The same number of spans: told apart by their labels.
    await set(items[1]!.id, 'entities', [{ start: 2, end: 6, label: 'ORG' }]);
    await set(items[1]!.id, 'topics', ['price', 'service']);
    // Set and set back: the record is the same, not listed.
    await set(items[2]!.id, 'sentiment', 'negative');
    await set(items[2]!.id, 'sentiment', null);
    await set(qa.id, 'sentiment', 'negative');
    const added = Array.from({ length: 55 }, (_, i) => ({ id: insert(`extra ${i}`).id, text: `extra ${i}` }));
    await version(b);

    const diff = await call<VersionDiff>(b, 'versions.diff', { datanet: 'V', from: 1, to: 2 });
    expect(diff.counts).toEqual({ added: 55, removed: 0, changed: 3 });
    expect(diff.details[items[0]!.id]).toEqual({
      text: 'Loved it',
      truncated: false,
      changes: [
        { field: 'sentiment', before: 'neutral', after: 'positive' },
        { field: 'note', before: null, after: 'changed my mind' },
        { field: 'quality', before: '3 / 5', after: null },
      ],
    });
    expect(diff.details[items[1]!.id]).toEqual({
      text: long.slice(0, 160),
      truncated: true,
      changes: [
        { field: 'topics', before: 'price', after: 'price, service' },
        { field: 'entities', before: 'PER', after: 'ORG' },
      ],
    });
    // Fields as stored (canonical: by name), as the dataset view previews them.
    expect(diff.details[qa.id]).toEqual({ text: 'answer: On its way · question: Where is it?', truncated: false, changes: [{ field: 'sentiment', before: null, after: 'negative' }] });
    expect(diff.details[items[2]!.id]).toBeUndefined();
    // Added records: their text, for the first 50 of the 55 listed; the rest are ids only.
    const textOf = new Map(added.map((i) => [i.id, i.text]));
    expect(diff.added).toHaveLength(55);
    for (const id of diff.added.slice(0, 50)) expect(diff.details[id]).toEqual({ text: textOf.get(id), truncated: false, changes: [] });
    for (const id of diff.added.slice(50)) expect(diff.details[id]).toBeUndefined();

    // Backwards: the added are removed, with the same text, as many as listed; the changes read the other way.
    const back = await call<VersionDiff>(b, 'versions.diff', { datanet: 'V', from: 2, to: 1, limit: 5 });
    expect(back.removed).toEqual(diff.added.slice(0, 5));
    expect(Object.keys(back.details).sort()).toEqual([...back.removed, items[0]!.id, items[1]!.id, qa.id].sort());
    for (const id of back.removed) expect(back.details[id]).toEqual(diff.details[id]);
    expect(back.details[items[0]!.id]!.changes[0]).toEqual({ field: 'sentiment', before: 'positive', after: 'neutral' });
  });

  it('refuses a proof when the store was altered under the version', async () => {
    const { b, items } = await setup(['x', 'y']);
    await version(b);
    b.datanets.db.prepare(`UPDATE items SET content = json_set(content, '$.text', 'forged') WHERE id = ?`).run(items[0]!.id);
    await expect(call(b, 'versions.proof', { datanet: 'V', version: 1, item: items[0]!.id })).rejects.toThrow(/no longer matches version 1/);
  });

  it('an empty datanet versions to an empty tree', async () => {
    const { b } = await setup([]);
    const v = await version(b);
    expect(v).toMatchObject({ recordCount: 0, root: `0x${'00'.repeat(32)}` });
    expect(hex(v.root)).toHaveLength(32);
  });
});
