import path from 'node:path';
import { ApiFailure } from '../../../../shared/api/errors';
import type { Datanet } from '../../../../shared/api/schemas/datanets';
import type { JobControl } from '../../jobs/runner';
import { DiskFullError, type BlobStore } from '../../store/blobs';
import type { Db } from '../../store/database';
import { validateAnnotation, type Annotations } from '../annotations';
import type { Items } from '../items';
import type { Imports } from './imports';
import { readerFor } from './readers';
import type { ImportedItem, SourceFile } from './types';
import { walkSources } from './walk';

export interface ImportDeps {
  db: Db;
  items: Items;
  annotations: Annotations;
  imports: Imports;
  blobs: BlobStore;
  /** Who an imported annotation is credited to when its source does not say. */
  author: string;
}

/** Items are committed in batches this big: a cancel or a crash loses at most one uncommitted batch, never half an item. */
const BATCH = 256;

interface Pending {
  items: ImportedItem[];
  errors: { path: string; line: number | null; reason: string }[];
}

export interface ImportTally {
  files: number;
  filesTotal: number;
  items: number;
  duplicates: number;
  errors: number;
}

/** The folder the user chose that holds `file`: Label Studio tasks may not reach outside it. */
function rootFor(file: string, inputs: readonly string[], isDir: (p: string) => boolean): string {
  for (const input of inputs) {
    const abs = path.resolve(input);
    if (file === abs) return path.dirname(abs);
    if (file.startsWith(abs + path.sep)) return isDir(abs) ? abs : path.dirname(abs);
  }
  return path.dirname(file);
}

function isFullDisk(error: unknown): boolean {
  if (error instanceof DiskFullError) return true;
  const e = error as { code?: unknown; message?: unknown };
  return e.code === 'SQLITE_FULL' || e.code === 'ENOSPC' || /database or disk is full/i.test(String(e.message));
}

/**
 * Reads every file of an import and writes its items in batches. Files already read to the end
 * (by an earlier, interrupted run of the same import) are skipped; items already in the datanet
 * are counted as duplicates, so a resume adds nothing twice.
 */
export async function runImport(deps: ImportDeps, datanet: Datanet, importId: string, job: JobControl, isDir: (p: string) => boolean): Promise<ImportTally> {
  const record = deps.imports.get(importId);
  const options = deps.imports.options(importId);
  const done = deps.imports.doneFiles(importId);
  const inputs = record.paths;

  // Problems found before in files that were not finished will be found again: forget them.
  deps.db
    .prepare(
      `DELETE FROM import_errors WHERE import_id = ? AND path NOT IN (SELECT path FROM import_files WHERE import_id = ?)`,
    )
    .run(importId, importId);

  const files: SourceFile[] = [];
  const walkErrors: Pending['errors'] = [];
  for await (const event of walkSources(inputs.map((p) => path.resolve(p)), options.format, job.signal)) {
    if (event.type === 'file') files.push(event.file);
    else walkErrors.push(event);
  }
  const todo = files.filter((f) => !done.has(f.path));
  const totalBytes = todo.reduce((n, f) => n + f.size, 0);
  const tally: ImportTally = { files: files.length - todo.length, filesTotal: files.length, items: 0, duplicates: 0, errors: 0 };
  let bytesDone = 0;
  const started = Date.now();

  const insertError = deps.db.prepare(
    `INSERT INTO import_errors (import_id, seq, path, line, reason)
     VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM import_errors WHERE import_id = ?), ?, ?, ?)`,
  );
  const markFile = deps.db.prepare('INSERT OR REPLACE INTO import_files (import_id, path, items) VALUES (?, ?, ?)');
  const updateCounts = deps.db.prepare(
    `UPDATE imports SET files_done = (SELECT count(*) FROM import_files WHERE import_id = @id),
       items_added = items_added + @added, items_duplicate = items_duplicate + @dup,
       errors = (SELECT count(*) FROM import_errors WHERE import_id = @id), updated_at = @now WHERE id = @id`,
  );

  const commit = deps.db.transaction((pending: Pending, finishedFile: { path: string; items: number } | null) => {
    let added = 0;
    let dup = 0;
    for (const item of pending.items) {
      const result = deps.items.insert(datanet.id, { content: item.content, source: item.source, importId }, Date.now());
      if (!result.added) {
        dup++;
        continue;
      }
      added++;
      for (const a of item.annotations) {
        try {
          const value = validateAnnotation(datanet.schema, a.field, a.value);
          deps.annotations.record({ itemSeq: result.seq, datanetId: datanet.id }, a.field, value, a.author ?? deps.author, 'import');
        } catch (error) {
          if (!(error instanceof ApiFailure)) throw error;
          pending.errors.push({ path: item.source.path, line: item.source.line, reason: `annotation not imported: ${error.message}` });
        }
      }
    }
    for (const e of pending.errors) insertError.run(importId, importId, e.path, e.line, e.reason);
    if (finishedFile) markFile.run(importId, finishedFile.path, finishedFile.items);
    updateCounts.run({ id: importId, added, dup, now: Date.now() });
    tally.items += added;
    tally.duplicates += dup;
    tally.errors += pending.errors.length;
  });

  const report = (bytesInFile: number, current: string | null) => {
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    job.progress({
      done: bytesDone + bytesInFile,
      total: totalBytes,
      detail: `${tally.files} of ${tally.filesTotal} files · ${tally.items} items (${Math.round(tally.items / seconds)}/s)` +
        `${tally.duplicates ? ` · ${tally.duplicates} already there` : ''}${tally.errors ? ` · ${tally.errors} problems` : ''}` +
        (current ? ` · ${path.basename(current)}` : ''),
      counts: { files: tally.files, filesTotal: tally.filesTotal, items: tally.items, duplicates: tally.duplicates, errors: tally.errors, itemsPerSecond: tally.items / seconds },
    });
  };

  try {
    commit({ items: [], errors: walkErrors }, null);
    for (const file of todo) {
      job.signal.throwIfAborted();
      const root = rootFor(file.path, inputs, isDir);
      let pending: Pending = { items: [], errors: [] };
      let itemsInFile = 0;
      let bytesInFile = 0;
      for await (const event of readerFor(file.format)(file.path, { map: options.map, maxLineBytes: options.maxLineBytes, schema: datanet.schema, root, blobs: deps.blobs, signal: job.signal })) {
        if (event.type === 'item') {
          pending.items.push(event.item);
          itemsInFile++;
        } else if (event.type === 'error') {
          pending.errors.push(event);
        } else {
          bytesInFile = event.read;
        }
        if (pending.items.length >= BATCH) {
          job.signal.throwIfAborted();
          commit(pending, null);
          pending = { items: [], errors: [] };
          report(bytesInFile, file.path);
        }
      }
      job.signal.throwIfAborted();
      tally.files++;
      commit(pending, { path: file.path, items: itemsInFile });
      bytesDone += file.size;
      report(0, null);
    }
  } catch (error) {
    if (isFullDisk(error)) throw new DiskFullError('the import', { cause: error });
    throw error;
  }
  return tally;
}
