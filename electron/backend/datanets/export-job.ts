import fs from 'node:fs';
import path from 'node:path';
import { ApiFailure } from '../../../shared/api/errors';
import type { Datanet, Item } from '../../../shared/api/schemas/datanets';
import type { Job } from '../../../shared/api/schemas/jobs';
import type { JobRunner } from '../jobs/runner';
import { makeFolder, MakeFolderError } from '../store/make-folder';
import { isOutOfSpace } from '../store/out-of-space';
import { exportItems, type ExportFormat } from './export';
import type { DatanetService } from './service';

/** Every item of a datanet with its current labels, a page at a time. */
function* allItems(s: DatanetService, datanetId: string): Generator<Item> {
  for (let after: number | null = 0; after !== null; ) {
    const page = s.items.page(datanetId, {}, after, 500);
    yield* page.items;
    after = page.next;
  }
}

/** Nothing there, or a file in the way (ENOTDIR): the walk up from the target finds which. */
function statOrNone(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
}

const badOut = (message: string) => new ApiFailure({ code: 'invalid_input', field: 'out', message });

/**
 * Refuses, before any job starts, a target the export could not write: a folder where a file goes
 * or the other way round, and a path through a file ("EEXIST: mkdir" is what Node would say later).
 * The API's LocalPath has already refused a relative path. Then makes the folder the export
 * writes in, so a folder the file system will not make (under /proc, read-only, no permission) is
 * this field's error too, not a job that fails later.
 */
function checkTarget(format: ExportFormat, out: string): void {
  const stat = statOrNone(out);
  if (format !== 'hf' && stat?.isDirectory()) throw badOut(`out ${out} is a folder; ${format} export writes a file`);
  if (format === 'hf' && stat && !stat.isDirectory()) throw badOut(`out ${out} is a file; the Hugging Face export writes a folder`);
  for (let dir = path.dirname(out); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const above = statOrNone(dir);
    if (above === undefined) continue;
    if (!above.isDirectory()) throw badOut(`out ${out} cannot be made: ${dir} is a file, not a folder`);
    break;
  }
  try {
    makeFolder(format === 'hf' ? out : path.dirname(out));
  } catch (error) {
    if (error instanceof MakeFolderError) throw badOut(error.message);
    throw error;
  }
}

export function startExport(s: DatanetService, jobs: JobRunner, datanet: Datanet, format: ExportFormat, out: string, testFraction: number): Job {
  checkTarget(format, out);
  const target = path.normalize(out);
  const total = s.datanets.summary(datanet.id).itemCount;
  return jobs.start({ kind: 'datanet.export', subject: datanet.id, title: `Export ${datanet.name} (${format})`, unit: 'items', total }, async (job) => {
    let done = 0;
    const counted = function* () {
      for (const item of allItems(s, datanet.id)) {
        yield item;
        job.progress({ done: ++done });
      }
    };
    const result = await exportItems(format, counted(), {
      out: target,
      schema: datanet.schema,
      datanetName: datanet.name,
      license: datanet.license,
      description: datanet.description,
      blobs: s.blobs,
      signal: job.signal,
      testFraction,
    }).catch((error: unknown) => {
      // Node's "ENOSPC: no space left on device, write" names neither the file nor what to do.
      if (isOutOfSpace(error)) {
        throw new Error(`The disk is full (while writing ${target}). Free some space and export again; no half-written file was kept.`, { cause: error });
      }
      throw error;
    });
    return `${result.items} items → ${format === 'hf' ? target : result.files[0] ?? target}`;
  });
}
