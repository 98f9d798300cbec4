import { describe, expect, it } from 'vitest';
import type { AnnotationEvent, Datanet, DatanetSummary, Item, ItemsPage } from '../../shared/api/schemas/datanets';
import { SENTIMENT, call, testBackend } from '../fixtures/datanet-backend';

function addTexts(b: ReturnType<typeof testBackend>, datanetId: string, texts: string[]) {
  return b.datanets.db.transaction(() =>
    texts.map((text) => b.datanets.items.insert(datanetId, { content: { text, fields: {}, image: null }, source: null, importId: null })),
  )();
}

describe('datanets', () => {
  it('creates a datanet, finds it by id or name, and refuses a second one with the same name', async () => {
    const b = testBackend();
    const d = await call<Datanet>(b, 'datanets.create', { name: 'Reviews', license: 'CC-BY-4.0', schema: SENTIMENT });
    expect(d.id).toMatch(/^dn_/);
    expect(await call<DatanetSummary>(b, 'datanets.get', { datanet: 'reviews' })).toMatchObject({ id: d.id, itemCount: 0, labeledCount: 0, lastVersion: null });
    expect(await call<DatanetSummary>(b, 'datanets.get', { datanet: d.id })).toMatchObject({ name: 'Reviews' });
    await expect(call(b, 'datanets.create', { name: 'REVIEWS', license: 'MIT', schema: SENTIMENT })).rejects.toThrow(/"code":"conflict".*already exists/);
    await expect(call(b, 'datanets.get', { datanet: 'nope' })).rejects.toThrow(/not_found/);
  });

  it('validates the schema and the license with the failing field named', async () => {
    const b = testBackend();
    const bad = (input: object) => call(b, 'datanets.create', { name: 'x', license: 'MIT', ...input });
    await expect(bad({ schema: { fields: [] } })).rejects.toThrow(/"field":"schema.fields"/);
    await expect(bad({ schema: { fields: [{ kind: 'single_choice', name: 'a', labels: ['x', 'x'] }] } })).rejects.toThrow(/must not repeat a label/);
    await expect(bad({ schema: { fields: [{ kind: 'rating', name: 'r', max: 1 }] } })).rejects.toThrow(/schema.fields.0.max/);
    await expect(bad({ schema: { fields: [{ kind: 'free_text', name: 'a' }, { kind: 'free_text', name: 'a' }] } })).rejects.toThrow(/unique/);
    await expect(bad({ license: 'not a license!', schema: SENTIMENT })).rejects.toThrow(/"field":"license"/);
    await expect(bad({})).rejects.toThrow(/"field":"schema"/);
  });

  it('accepts a Label Studio labeling config and converts it', async () => {
    const b = testBackend();
    const xml = `<View><Text name="text" value="$text"/>
      <Choices name="sentiment" toName="text" choice="single"><Choice value="pos"/><Choice value="neg"/></Choices>
      <Rating name="stars" toName="text" maxRating="4"/></View>`;
    const d = await call<Datanet>(b, 'datanets.create', { name: 'LS', license: 'MIT', labelStudioConfig: xml });
    expect(d.schema.fields).toEqual([
      { kind: 'single_choice', name: 'sentiment', labels: ['pos', 'neg'] },
      { kind: 'rating', name: 'stars', max: 4 },
    ]);
    await expect(call(b, 'datanets.create', { name: 'LS2', license: 'MIT', labelStudioConfig: '<View><Text name="t"/>' })).rejects.toThrow(/"field":"labelStudioConfig"/);
  });
});

describe('items', () => {
  it('stores the same content once', async () => {
    const b = testBackend();
    const d = await call<Datanet>(b, 'datanets.create', { name: 'D', license: 'MIT', schema: SENTIMENT });
    const [a, dup, c] = addTexts(b, d.id, ['same', 'same', 'other']);
    expect(a!.added).toBe(true);
    expect(dup).toEqual({ seq: a!.seq, id: a!.id, added: false, again: false });
    expect(c!.id).not.toBe(a!.id);
    expect((await call<DatanetSummary>(b, 'datanets.get', { datanet: 'D' })).itemCount).toBe(2);
  });

  it('pages through items with a cursor, and filters by label, labeled, reviewed and search', async () => {
    const b = testBackend();
    const d = await call<Datanet>(b, 'datanets.create', { name: 'D', license: 'MIT', schema: SENTIMENT });
    const texts = Array.from({ length: 25 }, (_, i) => `review number ${i} ${i % 5 === 0 ? 'delivery was late' : 'great café'}`);
    const added = addTexts(b, d.id, texts);
    const seen: string[] = [];
    let after: number | null = null;
    do {
      const page: ItemsPage = await call<ItemsPage>(b, 'items.page', { datanet: d.id, after, limit: 10 });
      seen.push(...page.items.map((i) => i.content.text));
      after = page.next;
    } while (after !== null);
    expect(seen).toEqual(texts);

    await call(b, 'annotations.set', { item: added[0]!.id, field: 'sentiment', value: 'negative' });
    await call(b, 'annotations.set', { item: added[1]!.id, field: 'topics', value: ['price', 'service'] });
    await call(b, 'annotations.set', { item: added[2]!.id, field: '$reviewed', value: true });
    const page = (filter: object) => call<ItemsPage>(b, 'items.page', { datanet: 'D', filter }).then((p) => p.items.map((i) => i.id));
    expect(await page({ label: { field: 'sentiment', value: 'negative' } })).toEqual([added[0]!.id]);
    expect(await page({ label: { field: 'topics', value: 'service' } })).toEqual([added[1]!.id]);
    expect(await page({ labeled: true })).toEqual([added[0]!.id, added[1]!.id]);
    expect((await page({ labeled: false })).length).toBe(23);
    expect(await page({ reviewed: true })).toEqual([added[2]!.id]);
    expect((await page({ query: 'delivery late' })).length).toBe(5);
    expect((await page({ query: 'cafe' })).length).toBe(20);
    // Label values are searchable too.
    expect(await page({ query: 'negative' })).toEqual([added[0]!.id]);
    expect(await page({ query: 'delivery', labeled: true })).toEqual([added[0]!.id]);
    // What people type is searched as words: FTS5's syntax characters are text, never an error.
    expect((await page({ query: '"delivery late' })).length).toBe(5);
    expect((await page({ query: 'late: (delivery)' })).length).toBe(5);
    expect((await page({ query: '"was late"' })).length).toBe(5);
    expect((await page({ query: '"late was"' })).length).toBe(0);
    expect((await page({ query: 'deliv*' })).length).toBe(5);
    expect((await page({ query: 'late OR negative' })).length).toBe(5);
    expect((await page({ query: 'number 3 OR 7' })).map((id) => added.findIndex((a) => a.id === id))).toEqual([3, 7]);
    expect((await page({ query: 'AND NOT NEAR' })).length).toBe(0);
    expect((await page({ query: 'cafe OR' })).length).toBe(20);
    await expect(page({ query: '* ( ^' })).rejects.toThrow(/"field":"filter.query".*no letters or digits/);
    const searched = await call<ItemsPage>(b, 'items.page', { datanet: 'D', filter: { query: 'great' }, limit: 7 });
    expect(searched.items).toHaveLength(7);
    const rest = await call<ItemsPage>(b, 'items.page', { datanet: 'D', filter: { query: 'great' }, after: searched.next, limit: 100 });
    expect(rest.items).toHaveLength(13);
    expect(rest.next).toBeNull();
  });
});

describe('annotations', () => {
  async function setup() {
    const b = testBackend();
    const d = await call<Datanet>(b, 'datanets.create', { name: 'D', license: 'MIT', schema: SENTIMENT });
    const [item] = addTexts(b, d.id, ['Ada Lovelace worked with Babbage']);
    return { b, item: item! };
  }

  it('validates each value against its field kind', async () => {
    const { b, item } = await setup();
    const set = (field: string, value: unknown) => call(b, 'annotations.set', { item: item.id, field, value });
    await expect(set('sentiment', 'angry')).rejects.toThrow(/must be one of: positive, negative, neutral/);
    await expect(set('missing', 'x')).rejects.toThrow(/not in this datanet's schema/);
    await expect(set('quality', 6)).rejects.toThrow(/"field":"value"/);
    await expect(set('entities', [{ start: 5, end: 2, label: 'PER' }])).rejects.toThrow(/value.0.end/);
    await expect(set('entities', [{ start: 0, end: 12, label: 'LOC' }])).rejects.toThrow(/value.0.label/);
    await expect(set('$reviewed', 'yes')).rejects.toThrow(/true or false/);
    await expect(call(b, 'annotations.set', { item: item.id, field: 'note' })).rejects.toThrow(/value is required.*"field":"value"/);
    await set('entities', [{ start: 0, end: 12, label: 'PER' }]);
    expect((await call<Item>(b, 'items.get', { item: item.id })).labels).toEqual({ entities: [{ start: 0, end: 12, label: 'PER' }] });
  });

  it('keeps every change as an event; undo and redo are new events', async () => {
    const { b, item } = await setup();
    const set = (value: unknown) => call<AnnotationEvent>(b, 'annotations.set', { item: item.id, field: 'sentiment', value });
    const first = await set('positive');
    const second = await set('negative');
    expect(second.supersedes).toBe(first.seq);
    const undo = await call<AnnotationEvent>(b, 'annotations.undo', { event: second.seq });
    expect(undo).toMatchObject({ kind: 'undo', value: 'positive', supersedes: second.seq });
    expect((await call<Item>(b, 'items.get', { item: item.id })).labels.sentiment).toBe('positive');
    const redo = await call<AnnotationEvent>(b, 'annotations.redo', { event: undo.seq });
    expect(redo).toMatchObject({ kind: 'redo', value: 'negative' });
    // An older event cannot be undone: it would silently lose the later change.
    await expect(call(b, 'annotations.undo', { event: first.seq })).rejects.toThrow(/conflict.*changed again since \(it is now \\"negative\\"\)/);
    const cleared = await set(null);
    expect(cleared.value).toBeNull();
    expect((await call<Item>(b, 'items.get', { item: item.id })).labels).toEqual({});
    const undoClear = await call<AnnotationEvent>(b, 'annotations.undo', { event: cleared.seq });
    expect(undoClear.value).toBe('negative');
    const history = await call<AnnotationEvent[]>(b, 'annotations.history', { item: item.id });
    expect(history.map((e) => [e.kind, e.value])).toEqual([
      ['set', 'positive'],
      ['set', 'negative'],
      ['undo', 'positive'],
      ['redo', 'negative'],
      ['set', null],
      ['undo', 'negative'],
    ]);
    expect(history.every((e) => e.author.startsWith('local:'))).toBe(true);
  });

  it('undoes several changes of one field in turn, and redoes them back in order', async () => {
    const { b, item } = await setup();
    const set = (value: unknown) => call<AnnotationEvent>(b, 'annotations.set', { item: item.id, field: 'sentiment', value });
    const label = async () => (await call<Item>(b, 'items.get', { item: item.id })).labels.sentiment ?? null;
    const first = await set('positive');
    const second = await set('negative');
    const third = await set('neutral');
    // A session's undo stack takes back the newest change first, then the ones before it.
    const u3 = await call<AnnotationEvent>(b, 'annotations.undo', { event: third.seq });
    expect(await label()).toBe('negative');
    const u2 = await call<AnnotationEvent>(b, 'annotations.undo', { event: second.seq });
    expect(await label()).toBe('positive');
    const u1 = await call<AnnotationEvent>(b, 'annotations.undo', { event: first.seq });
    expect(u1.value).toBeNull();
    expect(await label()).toBeNull();
    // Redo walks back up: each restores the value its undo took away.
    expect((await call<AnnotationEvent>(b, 'annotations.redo', { event: u1.seq })).value).toBe('positive');
    expect((await call<AnnotationEvent>(b, 'annotations.redo', { event: u2.seq })).value).toBe('negative');
    expect((await call<AnnotationEvent>(b, 'annotations.redo', { event: u3.seq })).value).toBe('neutral');
    expect(await label()).toBe('neutral');
    // A change made elsewhere in between is never lost: the older undo is refused, the label kept.
    const u3again = await call<AnnotationEvent>(b, 'annotations.undo', { event: third.seq });
    expect(u3again.value).toBe('negative');
    await set('positive');
    await expect(call(b, 'annotations.undo', { event: second.seq })).rejects.toThrow(/conflict.*sentiment.*now \\"positive\\"/);
    await expect(call(b, 'annotations.redo', { event: u3again.seq })).rejects.toThrow(/conflict/);
    expect(await label()).toBe('positive');
  });

  it('refuses to rewrite history at the database level', async () => {
    const { b, item } = await setup();
    await call(b, 'annotations.set', { item: item.id, field: 'note', value: 'hello' });
    expect(() => b.datanets.db.prepare(`UPDATE annotation_events SET value = '"forged"'`).run()).toThrow(/append-only/);
  });
});
