import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openBackend } from '../../electron/backend';
import { Annotations } from '../../electron/backend/datanets/annotations';
import { Items } from '../../electron/backend/datanets/items';
import { DatabaseError, openDatabase, schemaVersion, type Db } from '../../electron/backend/store/database';
import { migrations } from '../../electron/backend/store/migrations';
import type { Datanet, ImportRecord, Item, ItemsPage, RecordProof, Version } from '../../shared/api/schemas/datanets';
import type { Job } from '../../shared/api/schemas/jobs';
import { SENTIMENT, call } from '../fixtures/datanet-backend';
import { tempDir } from '../fixtures/temp-dir';

const BEFORE = migrations.findIndex((m) => m.version === 11);
const text = (words: string) => ({ content: { text: words, fields: { source: 'test' }, image: null }, source: null, importId: null });

function addDatanet(db: Db, id: string): void {
  db.prepare(`INSERT INTO datanets (id, name, description, license, schema, created_at, updated_at) VALUES (?, ?, '', 'CC0-1.0', ?, 0, 0)`).run(
    id,
    id,
    JSON.stringify({ fields: [{ kind: 'free_text', name: 'note' }] }),
  );
}

const snapshot = (db: Db) => ({
  items: db.prepare('SELECT * FROM items ORDER BY seq').all(),
  events: db.prepare('SELECT * FROM annotation_events ORDER BY seq').all(),
  labels: db.prepare('SELECT * FROM labels ORDER BY item_seq, field').all(),
});

describe('migration 11: the item id is the one unique key', () => {
  it('rebuilds items with every row, annotation and search entry kept, and still refuses duplicates', () => {
    expect(BEFORE).toBeGreaterThan(0);
    const file = path.join(tempDir(), 'studio.db');
    let db = openDatabase(file, { migrations: migrations.slice(0, BEFORE) });
    expect(schemaVersion(db)).toBe(10);
    addDatanet(db, 'dn_a');
    addDatanet(db, 'dn_b');
    let items = new Items(db);
    const first = items.insert('dn_a', text('amber falcon'));
    items.insert('dn_a', text('cobalt heron'));
    const other = items.insert('dn_b', text('amber falcon')); // the same content in another datanet is its own item
    new Annotations(db, items).record({ itemSeq: first.seq, datanetId: 'dn_a' }, 'note', 'velvet', 'me', 'set');
    items.flushLabelIndex();
    items.close();
    const before = snapshot(db);
    db.close();

    db = openDatabase(file);
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(snapshot(db)).toEqual(before);
    // One unique index is left, on id; the datanet and import indexes are back.
    const indexes = db.pragma('index_list(items)') as { name: string; unique: number }[];
    const unique = indexes.filter((i) => i.unique === 1).map((i) => db.pragma(`index_info(${i.name})`) as { name: string }[]);
    expect(unique.map((cols) => cols.map((c) => c.name))).toEqual([['id']]);
    expect(indexes.map((i) => i.name)).toEqual(expect.arrayContaining(['items_by_datanet', 'items_by_import']));
    // The search index still points at the same seqs, for text and label words alike.
    const match = (q: string) => db.prepare('SELECT rowid FROM items_fts WHERE items_fts MATCH ? ORDER BY rowid').pluck().all(q);
    expect(match('falcon')).toEqual([first.seq, other.seq]);
    expect(match('velvet')).toEqual([first.seq]);
    // Foreign keys hold again: an annotation of a missing item is refused.
    expect(() => db.prepare(`INSERT INTO annotation_events (item_seq, field, value, author, created_at, kind) VALUES (999, 'note', '"x"', 'me', 0, 'set')`).run()).toThrow(
      /FOREIGN KEY/,
    );

    items = new Items(db);
    const again = items.insert('dn_a', text('amber falcon'));
    expect(again).toEqual({ seq: first.seq, id: first.id, added: false, again: false });
    const next = items.insert('dn_a', text('dusky owl'));
    expect(next.added).toBe(true);
    expect(next.seq).toBe(other.seq + 1);
    // Two contents under one id would be a hash collision: refused, never merged.
    db.prepare(`UPDATE items SET content_hash = 'not-its-hash' WHERE seq = ?`).run(first.seq);
    expect(() => items.insert('dn_a', text('amber falcon'))).toThrow(new RegExp(`Item id ${first.id} already belongs to other content`));
    items.close();
    db.close();
  });

  it('rolls back a table rebuild that would leave a dangling reference, with foreign keys back on', () => {
    const file = path.join(tempDir(), 'studio.db');
    const upTo10 = migrations.slice(0, BEFORE);
    openDatabase(file, { migrations: upTo10 }).close();
    const dangling = {
      version: 11,
      name: 'drops the items an annotation refers to',
      rebuildsTables: true as const,
      sql: `INSERT INTO datanets (id, name, description, license, schema, created_at, updated_at) VALUES ('dn_x', 'x', '', 'CC0-1.0', '{}', 0, 0);
            INSERT INTO items (seq, id, datanet_id, content_hash, content, created_at) VALUES (1, 'it_1', 'dn_x', 'h', '{}', 0);
            INSERT INTO annotation_events (item_seq, field, value, author, created_at, kind) VALUES (1, 'note', '"x"', 'me', 0, 'set');
            DROP TABLE items;
            CREATE TABLE items (seq INTEGER PRIMARY KEY) STRICT;`,
    };
    expect(() => openDatabase(file, { migrations: [...upTo10, dangling] })).toThrow(DatabaseError);
    expect(() => openDatabase(file, { migrations: [...upTo10, dangling] })).toThrow(/would leave 1 row of annotation_events pointing at missing rows of items; it was rolled back/);
    const db = openDatabase(file, { migrations: upTo10 });
    expect(schemaVersion(db)).toBe(10);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.prepare('SELECT count(*) FROM datanets').pluck().get()).toBe(0);
    db.close();
  });
});

/** Puts back the items table as migration 3 made it (two unique keys), the jobs table without its subject (migration 12), and the schema version 10. */
function downgradeTo10(file: string): void {
  const raw = new Database(file);
  raw.pragma('foreign_keys = OFF');
  raw.exec(`
    BEGIN;
    CREATE TABLE items_old (
      seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
      datanet_id TEXT NOT NULL REFERENCES datanets(id) ON DELETE CASCADE, content_hash TEXT NOT NULL,
      content TEXT NOT NULL CHECK (json_valid(content)), thumb_cid TEXT,
      source TEXT CHECK (source IS NULL OR json_valid(source)),
      import_id TEXT REFERENCES imports(id) ON DELETE SET NULL, created_at INTEGER NOT NULL,
      UNIQUE (datanet_id, content_hash)
    ) STRICT;
    INSERT INTO items_old SELECT * FROM items;
    DROP TABLE items;
    ALTER TABLE items_old RENAME TO items;
    CREATE INDEX items_by_datanet ON items (datanet_id, seq);
    CREATE INDEX items_by_import ON items (import_id, seq);
    DROP INDEX jobs_by_subject;
    ALTER TABLE jobs DROP COLUMN subject;
    PRAGMA user_version = 10;
    COMMIT;`);
  raw.close();
}

describe('a data folder from before migration 11', () => {
  it('upgrades with its imports, labels, search and version proofs intact, and re-imports nothing twice', async () => {
    const dir = tempDir();
    const source = path.join(tempDir(), 'rows.jsonl');
    const words = ['amber', 'cobalt', 'dusky', 'ember', 'fallow', 'garnet'];
    fs.writeFileSync(source, words.map((w, i) => JSON.stringify({ text: `${w} review number ${i}` })).join('\n') + '\n');
    const importAll = async (b: ReturnType<typeof openBackend>) => {
      const { job } = await call<{ job: Job }>(b, 'imports.start', { datanet: 'Up', paths: [source] });
      expect((await b.jobs.settled(job.id)).state).toBe('succeeded');
      return (await call<ImportRecord[]>(b, 'imports.list', { datanet: 'Up' }))[0]!;
    };

    let b = openBackend({ dataDir: dir, runtime: 'server', quiet: true });
    await call<Datanet>(b, 'datanets.create', { name: 'Up', license: 'MIT', schema: SENTIMENT });
    expect((await importAll(b)).itemsAdded).toBe(words.length);
    const page = await call<ItemsPage>(b, 'items.page', { datanet: 'Up', limit: 10 });
    const garnet = page.items.find((i) => i.content.text.startsWith('garnet'))!;
    await call(b, 'annotations.set', { item: garnet.id, field: 'sentiment', value: 'positive' });
    const job = await call<Job>(b, 'versions.create', { datanet: 'Up', note: '' });
    expect((await b.jobs.settled(job.id)).state).toBe('succeeded');
    const [v1] = await call<Version[]>(b, 'versions.list', { datanet: 'Up' });
    const proofBefore = await call<RecordProof>(b, 'versions.proof', { datanet: 'Up', version: 1, item: garnet.id });
    await b.close();

    downgradeTo10(path.join(dir, 'studio.db'));
    const check = new Database(path.join(dir, 'studio.db'), { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(10);
    expect(check.prepare(`SELECT sql FROM sqlite_schema WHERE name = 'items'`).pluck().get()).toMatch(/UNIQUE \(datanet_id, content_hash\)/);
    check.close();

    b = openBackend({ dataDir: dir, runtime: 'server', quiet: true });
    try {
      expect(b.datanets.db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version);
      expect(b.datanets.db.prepare(`SELECT sql FROM sqlite_schema WHERE name = 'items'`).pluck().get()).not.toMatch(/content_hash\)/);
      expect(await call<Item>(b, 'items.get', { item: garnet.id })).toMatchObject({ labels: { sentiment: 'positive' } });
      const found = await call<ItemsPage>(b, 'items.page', { datanet: 'Up', filter: { query: 'garnet' }, limit: 10 });
      expect(found.items.map((i) => i.id)).toEqual([garnet.id]);
      const labeled = await call<ItemsPage>(b, 'items.page', { datanet: 'Up', filter: { query: 'positive' }, limit: 10 });
      expect(labeled.items.map((i) => i.id)).toEqual([garnet.id]);
      expect(await call<RecordProof>(b, 'versions.proof', { datanet: 'Up', version: 1, item: garnet.id })).toEqual(proofBefore);
      expect(proofBefore).toMatchObject({ verified: true });
      expect((await call<Version[]>(b, 'versions.list', { datanet: 'Up' }))[0]!.root).toBe(v1!.root);
      const again = await importAll(b);
      expect(again).toMatchObject({ itemsAdded: 0, itemsDuplicate: words.length });
    } finally {
      await b.close();
    }
  });
});
