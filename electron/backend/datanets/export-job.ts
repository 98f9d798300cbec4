import fs from 'node:fs';
import path from 'node:path';
import { ApiFailure } from '../../../shared/api/errors';
import type { Datanet, Item } from '../../../shared/api/schemas/datanets';
import type { Job } from '../../../shared/api/schemas/jobs';
import type { JobRunner } from '../jobs/runner';
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

export function startExport(s: DatanetService, jobs: JobRunner, datanet: Datanet, format: ExportFormat, out: string, testFraction: number): Job {
  const target = path.resolve(out);
  if (format !== 'hf' && fs.existsSync(target) && fs.statSync(target).isDirectory()) {
    throw new ApiFailure({ code: 'invalid_input', field: 'out', message: `out ${target} is a folder; ${format} export writes a file` });
  }
  const total = s.datanets.summary(datanet.id).itemCount;
  return jobs.start({ kind: 'datanet.export', title: `Export ${datanet.name} (${format})`, unit: 'items', total }, async (job) => {
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
    });
    return `${result.items} items → ${format === 'hf' ? target : result.files[0] ?? target}`;
  });
}
