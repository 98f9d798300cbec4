import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startCheckpointer, type Checkpointer } from '../../electron/backend/store/checkpointer';
import { openDatabase, type Db } from '../../electron/backend/store/database';
import { tempDir } from '../fixtures/temp-dir';

let open: { db: Db; checkpointer: Checkpointer } | undefined;
afterEach(async () => {
  await open?.checkpointer.close();
  open?.db.close();
  open = undefined;
});

async function until(what: () => boolean, ms = 15_000): Promise<void> {
  for (const end = Date.now() + ms; !what(); ) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('moves WAL checkpoints into a worker: the main connection never checkpoints, the worker copies every frame', async () => {
  const file = path.join(tempDir(), 'studio.db');
  const db = openDatabase(file);
  const checkpointer = startCheckpointer(db, file, (m) => {
    throw new Error(m);
  });
  open = { db, checkpointer };
  await until(() => checkpointer.stats().offThread);
  expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);

  db.exec('CREATE TABLE t (x TEXT)');
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  // Far past SQLite's own 1,000-page threshold, where the main connection would have checkpointed.
  db.transaction(() => {
    for (let i = 0; i < 20_000; i++) insert.run('x'.repeat(500));
  })();
  await until(() => checkpointer.stats().log > 1000 && checkpointer.stats().checkpointed === checkpointer.stats().log);
  expect((db.prepare('SELECT count(*) FROM t').pluck().get() as number)).toBe(20_000);
});
