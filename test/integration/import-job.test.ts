import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Datanet, ImportError, ImportRecord, ItemsPage } from '../../shared/api/schemas/datanets';
import type { Job } from '../../shared/api/schemas/jobs';
import { openDatabase } from '../../electron/backend/store/database';
import { SENTIMENT, call, testBackend } from '../fixtures/datanet-backend';
import { STUDIO_BIN, exitOf, spawnStudio } from '../fixtures/studio-cli';
import { tempDir } from '../fixtures/temp-dir';

type Started = { import: ImportRecord; job: Job };

function writeCorpus(dir: string, files: number, linesPerFile: number): number {
  fs.mkdirSync(dir, { recursive: true });
  for (let f = 0; f < files; f++) {
    const lines = Array.from({ length: linesPerFile }, (_, i) => JSON.stringify({ text: `file ${f} line ${i} some words to index` }));
    fs.writeFileSync(path.join(dir, `part-${String(f).padStart(4, '0')}.jsonl`), lines.join('\n') + '\n');
  }
  return files * linesPerFile;
}

async function importAndWait(b: ReturnType<typeof testBackend>, input: object): Promise<{ record: ImportRecord; job: Job }> {
  const started = await call<Started>(b, 'imports.start', input);
  const job = await b.jobs.settled(started.job.id);
  return { record: b.datanets.imports.get(started.import.id), job };
}

describe('import job', () => {
  it('imports a folder of mixed files, reports bad ones by path and line, and keeps going', async () => {
    const b = testBackend();
    const d = await call<Datanet>(b, 'datanets.create', { name: 'Mixed', license: 'MIT', schema: SENTIMENT });
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'a.txt'), 'a plain text item');
    fs.writeFileSync(path.join(dir, 'b.md'), '# heading\n\nmarkdown item');
    fs.writeFileSync(path.join(dir, 'c.jsonl'), '{"text":"one","sentiment":"positive"}\n{broken\n{"text":"three"}\n');
    fs.writeFileSync(path.join(dir, 'd.csv'), 'text,sentiment\n"hello, world",negative\nonly-one-column\n"multi\nline",neutral\n');
    fs.writeFileSync(path.join(dir, 'empty.txt'), '');
    fs.writeFileSync(path.join(dir, 'bad.txt'), Buffer.from([0x66, 0x6f, 0xff, 0xfe, 0x6f]));
    const { record, job } = await importAndWait(b, { datanet: d.id, paths: [dir], map: { sentiment: 'sentiment' } });
    expect(job.state).toBe('succeeded');
    expect(record).toMatchObject({ state: 'done', itemsAdded: 6, itemsDuplicate: 0 });
    const errors = await call<ImportError[]>(b, 'imports.errors', { import: record.id });
    const where = errors.map((e) => `${path.basename(e.path)}:${e.line ?? '-'}`).sort();
    expect(where).toEqual(['bad.txt:-', 'c.jsonl:2', 'd.csv:3', 'empty.txt:-']);
    expect(errors.every((e) => e.reason.length > 5)).toBe(true);
    const labeled = await call<ItemsPage>(b, 'items.page', { datanet: d.id, filter: { labeled: true } });
    expect(labeled.items.map((i) => i.labels.sentiment).sort()).toEqual(['negative', 'neutral', 'positive']);
    expect(job.progress.counts).toMatchObject({ files: 6, items: 6, errors: 4 });
  });

  it('re-importing the same content adds nothing', async () => {
    const b = testBackend();
    const d = await call<Datanet>(b, 'datanets.create', { name: 'Again', license: 'MIT', schema: SENTIMENT });
    const dir = tempDir();
    const total = writeCorpus(dir, 3, 50);
    const first = await importAndWait(b, { datanet: d.id, paths: [dir] });
    expect(first.record.itemsAdded).toBe(total);
    const second = await importAndWait(b, { datanet: d.id, paths: [dir] });
    expect(second.record).toMatchObject({ itemsAdded: 0, itemsDuplicate: total, state: 'done' });
  });

  it('can be cancelled and resumed without duplicates', async () => {
    const b = testBackend();
    const d = await call<Datanet>(b, 'datanets.create', { name: 'Cancel', license: 'MIT', schema: SENTIMENT });
    const dir = tempDir();
    const total = writeCorpus(dir, 40, 500);
    const started = await call<Started>(b, 'imports.start', { datanet: d.id, paths: [dir] });
    // Cancel once the first batches are in.
    await new Promise<void>((resolve) => {
      const stop = b.events.subscribe((name, payload) => {
        if (name === 'job.updated' && ((payload as Job).progress.counts.items ?? 0) > 0) {
          stop();
          resolve();
        }
      });
    });
    await call(b, 'jobs.cancel', { id: started.job.id });
    expect((await b.jobs.settled(started.job.id)).state).toBe('cancelled');
    const partial = b.datanets.imports.get(started.import.id);
    expect(partial.state).toBe('cancelled');
    expect(partial.itemsAdded).toBeGreaterThan(0);
    expect(partial.itemsAdded).toBeLessThan(total);

    const resumed = await call<Started>(b, 'imports.resume', { import: started.import.id });
    expect((await b.jobs.settled(resumed.job.id)).state).toBe('succeeded');
    const end = b.datanets.imports.get(started.import.id);
    expect(end.state).toBe('done');
    expect(end.itemsAdded).toBe(total);
    // The lines of the file cut short were read again: they are this import's own items, not duplicates of anything.
    expect(end.itemsDuplicate).toBe(0);
    const count = b.datanets.db.prepare('SELECT count(*) FROM items WHERE datanet_id = ?').pluck().get(d.id);
    expect(count).toBe(total);
    await expect(call(b, 'imports.resume', { import: started.import.id })).rejects.toThrow(/already finished/);
  });

  it('survives kill -9 mid-import: the store is intact, no half items, and a resume completes it', async () => {
    const dataDir = tempDir();
    const corpus = tempDir();
    const total = writeCorpus(corpus, 100, 300);
    const schemaFile = path.join(tempDir(), 'schema.json');
    fs.writeFileSync(schemaFile, JSON.stringify(SENTIMENT));
    execFileSync(process.execPath, [STUDIO_BIN, '--data-dir', dataDir, 'datanet', 'create', 'Crash', '--schema', schemaFile]);
    const child = spawnStudio(['--data-dir', dataDir, 'import', 'Crash', corpus]);
    // Wait until some batches are committed, then kill without any chance to clean up.
    const dbFile = path.join(dataDir, 'studio.db');
    for (let i = 0; i < 400; i++) {
      await new Promise((r) => setTimeout(r, 25));
      const peek = new Database(dbFile, { readonly: true });
      const n = peek.prepare('SELECT count(*) FROM items').pluck().get() as number;
      peek.close();
      if (n > 2000) break;
    }
    child.kill('SIGKILL');
    await exitOf(child);

    const db = openDatabase(dbFile); // runs the integrity check
    const items = db.prepare('SELECT count(*) FROM items').pluck().get() as number;
    expect(items).toBeGreaterThan(0);
    expect(items).toBeLessThan(total);
    // Every item is whole: parsable content, and indexed for search.
    const broken = db.prepare(`SELECT count(*) FROM items WHERE json_valid(content) = 0 OR json_extract(content, '$.text') IS NULL`).pluck().get();
    expect(broken).toBe(0);
    expect(db.prepare('SELECT count(*) FROM items_fts').pluck().get()).toBe(items);
    db.close();

    const b = testBackend(dataDir);
    const [record] = await call<ImportRecord[]>(b, 'imports.list', { datanet: 'Crash' });
    expect(record!.state).toBe('interrupted');
    const resumed = await call<Started>(b, 'imports.resume', { import: record!.id });
    expect((await b.jobs.settled(resumed.job.id)).state).toBe('succeeded');
    expect(b.datanets.db.prepare('SELECT count(*) FROM items').pluck().get()).toBe(total);
    expect(b.datanets.db.prepare('SELECT count(DISTINCT content_hash) FROM items').pluck().get()).toBe(total);
    expect(b.datanets.imports.get(record!.id)).toMatchObject({ state: 'done', itemsAdded: total, itemsDuplicate: 0 });
  }, 120_000);
});
