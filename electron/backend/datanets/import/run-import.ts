import path from 'node:path';
import type { Datanet } from '../../../../shared/api/schemas/datanets';
import type { JobControl } from '../../jobs/runner';
import { DiskFullError, type BlobStore } from '../../store/blobs';
import type { Db } from '../../store/database';
import type { Annotations } from '../annotations';
import type { Items } from '../items';
import type { Imports } from './imports';
import { readerFor } from './readers';
import { BatchWriter, type Committed, type ImportProblem } from './batch-writer';
import { readInOrder } from './read-in-order';
import type { SourceFile } from './types';
import { walkSources } from './walk';
import { isOutOfSpace } from '../../store/out-of-space';

/** The longest the import keeps the main thread before letting other work in (see runImport). */
const YIELD_MS = 15;

export interface ImportDeps {
  db: Db;
  items: Items;
  annotations: Annotations;
  imports: Imports;
  blobs: BlobStore;
  /** Who an imported annotation is credited to when its source does not say. */
  author: string;
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
  return isOutOfSpace(error) || e.code === 'SQLITE_FULL' || /database or disk is full/i.test(String(e.message));
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
  const walkErrors: ImportProblem[] = [];
  for await (const event of walkSources(inputs.map((p) => path.resolve(p)), options.format, job.signal)) {
    if (event.type === 'file') files.push(event.file);
    else walkErrors.push(event);
  }
  const todo = files.filter((f) => !done.has(f.path));
  const totalBytes = todo.reduce((n, f) => n + f.size, 0);
  const tally: ImportTally = { files: files.length - todo.length, filesTotal: files.length, items: 0, duplicates: 0, errors: 0 };
  let bytesDone = 0;
  let bytesInFile = 0;
  let current: string | null = null;
  const started = Date.now();

  BatchWriter.resetCounts(deps.db, importId);
  const writer = new BatchWriter(deps.db, deps, datanet, importId);
  const count = (c: Committed | null) => {
    if (!c) return;
    tally.items += c.added;
    tally.duplicates += c.duplicates;
    tally.errors += c.errors;
    tally.files += c.files;
    report();
  };
  const report = () => {
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    job.progress({
      done: bytesDone + bytesInFile,
      total: totalBytes,
      detail:
        `${tally.files} of ${tally.filesTotal} files · ${tally.items} items (${Math.round(tally.items / seconds)}/s)` +
        `${tally.duplicates ? ` · ${tally.duplicates} already there` : ''}${tally.errors ? ` · ${tally.errors} problems` : ''}` +
        (current ? ` · ${path.basename(current)}` : ''),
      counts: { files: tally.files, filesTotal: tally.filesTotal, items: tally.items, duplicates: tally.duplicates, errors: tally.errors, itemsPerSecond: tally.items / seconds },
    });
  };

  // Parsed data arrives in promise callbacks, which never let the event loop turn: without a
  // deliberate yield, reading and committing would hold off the UI's calls for as long as data
  // is buffered. So at most every YIELD_MS the import steps aside for pending I/O and timers.
  let lastYield = performance.now();
  const stepAside = async () => {
    if (performance.now() - lastYield < YIELD_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    lastYield = performance.now();
  };

  try {
    for (const e of walkErrors) writer.problem(e);
    const optionsFor = (file: SourceFile) => ({
      map: options.map,
      maxLineBytes: options.maxLineBytes,
      schema: datanet.schema,
      root: rootFor(file.path, inputs, isDir),
      blobs: deps.blobs,
      signal: job.signal,
    });
    for await (const { file, events } of readInOrder(todo, (f) => readerFor(f.format), optionsFor)) {
      job.signal.throwIfAborted();
      current = file.path;
      bytesInFile = 0;
      let itemsInFile = 0;
      for await (const event of events) {
        if (event.type === 'item') {
          writer.item(event.item);
          itemsInFile++;
        } else if (event.type === 'error') {
          writer.problem(event);
        } else {
          bytesInFile = event.read;
        }
        if (event.type !== 'bytes') {
          job.signal.throwIfAborted();
          count(writer.maybeCommit());
        }
        await stepAside();
      }
      job.signal.throwIfAborted();
      writer.fileDone(file.path, itemsInFile);
      bytesDone += file.size;
      bytesInFile = 0;
      count(writer.maybeCommit());
      await stepAside();
    }
    current = null;
    count(writer.commit());
  } catch (error) {
    if (isFullDisk(error)) throw new DiskFullError('the import', { cause: error });
    throw error;
  }
  return tally;
}
