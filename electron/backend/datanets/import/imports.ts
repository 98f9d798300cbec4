import { conflict, notFound } from '../../../../shared/api/errors';
import type { ImportError, ImportRecord } from '../../../../shared/api/schemas/datanets';
import type { Db } from '../../store/database';
import { newId } from '../../ids';
import type { ImportFormat } from './types';

export interface StoredImportOptions {
  format: ImportFormat;
  map: Record<string, string>;
  maxLineBytes: number;
}

interface Row {
  id: string;
  datanet_id: string;
  job_id: string | null;
  paths: string;
  options: string;
  state: ImportRecord['state'];
  files_done: number;
  items_added: number;
  items_duplicate: number;
  errors: number;
  created_at: number;
  updated_at: number;
}

function fromRow(r: Row): ImportRecord {
  return {
    id: r.id,
    datanetId: r.datanet_id,
    jobId: r.job_id,
    paths: JSON.parse(r.paths) as string[],
    state: r.state,
    filesDone: r.files_done,
    itemsAdded: r.items_added,
    itemsDuplicate: r.items_duplicate,
    errors: r.errors,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The rows that describe imports: what was asked, how far it got, what went wrong where. */
export class Imports {
  constructor(private readonly db: Db) {}

  /** At start: an import that was running when the process died reads interrupted (and can be resumed). */
  markInterrupted(now = Date.now()): number {
    return this.db.prepare(`UPDATE imports SET state = 'interrupted', updated_at = ? WHERE state = 'running'`).run(now).changes;
  }

  create(datanetId: string, paths: string[], options: StoredImportOptions, now = Date.now()): ImportRecord {
    const id = newId('im', now);
    this.db
      .prepare(
        `INSERT INTO imports (id, datanet_id, job_id, paths, options, state, created_at, updated_at)
         VALUES (?, ?, NULL, ?, ?, 'running', ?, ?)`,
      )
      .run(id, datanetId, JSON.stringify(paths), JSON.stringify(options), now, now);
    return this.get(id);
  }

  get(id: string): ImportRecord {
    return fromRow(this.row(id));
  }

  options(id: string): StoredImportOptions {
    return JSON.parse(this.row(id).options) as StoredImportOptions;
  }

  list(datanetId: string): ImportRecord[] {
    return (this.db.prepare('SELECT * FROM imports WHERE datanet_id = ? ORDER BY created_at DESC').all(datanetId) as Row[]).map(fromRow);
  }

  /** Marks an import that did not finish as running again (its new job is attached next). */
  reopen(id: string, now = Date.now()): ImportRecord {
    const current = this.get(id);
    if (current.state === 'running') throw conflict(`Import ${id} is already running.`);
    if (current.state === 'done') throw conflict(`Import ${id} already finished; import the files again to add new ones.`);
    this.db.prepare(`UPDATE imports SET state = 'running', updated_at = ? WHERE id = ?`).run(now, id);
    return this.get(id);
  }

  attachJob(id: string, jobId: string): void {
    this.db.prepare('UPDATE imports SET job_id = ? WHERE id = ?').run(jobId, id);
  }

  finish(id: string, state: Exclude<ImportRecord['state'], 'running'>, now = Date.now()): void {
    this.db.prepare('UPDATE imports SET state = ?, updated_at = ? WHERE id = ?').run(state, now, id);
  }

  doneFiles(id: string): Set<string> {
    return new Set(this.db.prepare('SELECT path FROM import_files WHERE import_id = ?').pluck().all(id) as string[]);
  }

  errors(id: string, after: number, limit: number): ImportError[] {
    this.row(id);
    return this.db
      .prepare('SELECT seq, path, line, reason FROM import_errors WHERE import_id = ? AND seq > ? ORDER BY seq LIMIT ?')
      .all(id, after, limit) as ImportError[];
  }

  private row(id: string): Row {
    const row = this.db.prepare('SELECT * FROM imports WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw notFound(`No import with id ${id}.`);
    return row;
  }
}
