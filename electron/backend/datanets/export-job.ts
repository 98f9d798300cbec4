import path from 'node:path';
import type { Datanet, Item } from '../../../shared/api/schemas/datanets';
import type { Job } from '../../../shared/api/schemas/jobs';
import type { JobRunner } from '../jobs/runner';
import { checkOutputTarget, type OutputTarget } from '../store/output-target';
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

/** What the export writes, checked before its job starts (a path it could not write is the out field's error). */
function exportTarget(format: ExportFormat): OutputTarget {
  return format === 'hf'
    ? { writes: 'folder', field: 'out', why: 'the Hugging Face export writes a folder', example: '/home/me/exports/data' }
    : { writes: 'file', field: 'out', why: `${format} export writes a file`, example: `/home/me/exports/data.${format}` };
}

export function startExport(s: DatanetService, jobs: JobRunner, datanet: Datanet, format: ExportFormat, out: string, testFraction: number): Job {
  checkOutputTarget(out, exportTarget(format));
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
