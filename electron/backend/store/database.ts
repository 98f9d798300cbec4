import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations as allMigrations, type Migration } from './migrations';
import { counted } from '../../../shared/format';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  /** Path of a better_sqlite3.node built for another runtime (Electron's ABI); see scripts/start-electron.mjs. */
  nativeBinding?: string | undefined;
  migrations?: readonly Migration[];
}

export class DatabaseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseError';
  }
}

/**
 * A better-sqlite3 connection on the native build this runtime needs: under `npm start`,
 * STUDIO_SQLITE_BINDING names the build for Electron's ABI (scripts/start-electron.mjs).
 */
export function connect(file: string, options: Database.Options = {}): Db {
  const nativeBinding = options.nativeBinding ?? process.env.STUDIO_SQLITE_BINDING;
  return new Database(file, nativeBinding ? { ...options, nativeBinding } : options);
}

/**
 * Opens studio.db: WAL, foreign keys on, a quick integrity check, then the pending migrations.
 * A database written by a newer app version is refused rather than guessed at.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let db: Db;
  try {
    db = connect(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  } catch (cause) {
    throw new DatabaseError(`Cannot open the database ${file}: ${(cause as Error).message}`, { cause });
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    // A million items means several indexes far bigger than SQLite's default 2 MB page cache;
    // inserts into them are random, so a larger cache is most of import and annotation speed.
    db.pragma('cache_size = -131072'); // 128 MiB
    db.pragma('temp_store = MEMORY');
    // Checkpoint the WAL every ~40 MB instead of every 4 MB: an import writes hundreds of MB, and
    // each checkpoint is a sync of the database file.
    db.pragma('wal_autocheckpoint = 10000');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') {
      throw new DatabaseError(
        `The database ${file} failed its integrity check (${String(check)}). ` +
          'Restore a copy from the backups folder, or move the file away to start empty.',
      );
    }
    migrate(db, options.migrations ?? allMigrations, file);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof DatabaseError) throw error;
    throw new DatabaseError(`Cannot open the database ${file}: ${(error as Error).message}`, { cause: error });
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db, migrations: readonly Migration[], file: string): void {
  const latest = migrations.at(-1)?.version ?? 0;
  const current = schemaVersion(db);
  if (current > latest) {
    throw new DatabaseError(
      `The database ${file} has schema version ${current}, newer than this app understands (${latest}). ` +
        'Update Datanet Studio, or open another data folder with --data-dir.',
    );
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    // Outside the transaction: SQLite ignores this pragma inside one.
    if (m.rebuildsTables) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(m.sql);
        if (m.rebuildsTables) {
          const broken = db.pragma('foreign_key_check') as { table: string; parent: string }[];
          if (broken.length > 0) {
            throw new DatabaseError(
              `Migration ${m.version} (${m.name}) would leave ${counted(broken.length, 'row')} of ${broken[0]!.table} pointing at missing rows of ${broken[0]!.parent}; ` +
                'it was rolled back and the database is unchanged. Report this with the file.',
            );
          }
        }
        db.pragma(`user_version = ${m.version}`);
      })();
    } finally {
      if (m.rebuildsTables) db.pragma('foreign_keys = ON');
    }
  }
}

export function sqliteVersion(db: Db): string {
  return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
}
