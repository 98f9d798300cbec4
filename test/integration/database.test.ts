import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir } from '../../electron/backend/store/data-dir';
import { DatabaseError, openDatabase, schemaVersion } from '../../electron/backend/store/database';
import { migrations } from '../../electron/backend/store/migrations';
import { tempDir } from '../fixtures/temp-dir';

describe('studio.db', () => {
  it('opens in WAL mode with foreign keys and every migration applied', () => {
    const file = path.join(tempDir(), 'studio.db');
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version);
    const tables = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['jobs', 'contributions', 'batches', 'settings']));
    db.close();
  });

  it('applies only the migrations it has not applied before', () => {
    const file = path.join(tempDir(), 'studio.db');
    const first = [migrations[0]!];
    openDatabase(file, { migrations: first }).close();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version);
    db.close();
  });

  it('rolls back a migration that fails, leaving the version where it was', () => {
    const file = path.join(tempDir(), 'studio.db');
    openDatabase(file, { migrations: [migrations[0]!] }).close();
    const broken = [migrations[0]!, { version: 2, name: 'broken', sql: 'CREATE TABLE half (x); SELECT nonsense FROM nowhere;' }];
    expect(() => openDatabase(file, { migrations: broken })).toThrow(DatabaseError);
    const db = openDatabase(file, { migrations: [migrations[0]!] });
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'half'`).pluck().get()).toBe(0);
    db.close();
  });

  it('refuses a database from a newer version of the app', () => {
    const file = path.join(tempDir(), 'studio.db');
    const db = openDatabase(file);
    db.pragma('user_version = 999');
    db.close();
    expect(() => openDatabase(file)).toThrow(/schema version 999, newer than this app/);
  });

  it('says what to do with a file that is not a database, and leaves it alone', () => {
    const file = path.join(tempDir(), 'studio.db');
    fs.writeFileSync(file, 'this is not sqlite'.repeat(100));
    expect(() => openDatabase(file)).toThrow(DatabaseError);
    expect(fs.readFileSync(file, 'utf8')).toBe('this is not sqlite'.repeat(100));
  });
});

describe('data folder lock', () => {
  it('lets one process in and names the holder to the next', () => {
    const dir = tempDir();
    const release = lockDataDir(dir);
    fs.writeFileSync(path.join(dir, 'studio.lock'), String(process.ppid)); // a live process that is not us
    expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
    expect(() => lockDataDir(dir)).toThrow(new RegExp(`process ${process.ppid}`));
    fs.writeFileSync(path.join(dir, 'studio.lock'), String(process.pid));
    release();
    expect(fs.existsSync(path.join(dir, 'studio.lock'))).toBe(false);
  });

  it('takes over a lock whose process is gone', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'studio.lock'), '999999999');
    const release = lockDataDir(dir);
    expect(fs.readFileSync(path.join(dir, 'studio.lock'), 'utf8')).toBe(String(process.pid));
    release();
  });
});
