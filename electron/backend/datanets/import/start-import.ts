import fs from 'node:fs';
import path from 'node:path';
import { ApiFailure } from '../../../../shared/api/errors';
import type { Datanet, ImportRecord } from '../../../../shared/api/schemas/datanets';
import type { Job } from '../../../../shared/api/schemas/jobs';
import type { JobRunner } from '../../jobs/runner';
import { runImport, type ImportDeps } from './run-import';
import type { StoredImportOptions } from './imports';

const isDir = (p: string) => {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** Starts (or resumes) an import as a job; the import row follows the job to its end. */
function launch(deps: ImportDeps, jobs: JobRunner, datanet: Datanet, importId: string, title: string): Job {
  const job = jobs.start({ kind: 'datanet.import', subject: datanet.id, title, unit: 'bytes' }, async (control) => {
    try {
      const t = await runImport(deps, datanet, importId, control, isDir);
      deps.imports.finish(importId, 'done');
      return `${t.items} items added${t.duplicates ? `, ${t.duplicates} already there` : ''}${t.errors ? `, ${t.errors} problems` : ''}`;
    } catch (error) {
      const reason = (control.signal.reason as Error | undefined)?.message;
      deps.imports.finish(importId, control.signal.aborted ? (reason === 'cancelled' ? 'cancelled' : 'interrupted') : 'failed');
      throw error;
    }
  });
  deps.imports.attachJob(importId, job.id);
  return job;
}

export function startImport(
  deps: ImportDeps,
  jobs: JobRunner,
  datanet: Datanet,
  paths: string[],
  options: StoredImportOptions,
): { import: ImportRecord; job: Job } {
  const absolute = paths.map((p) => path.resolve(p));
  absolute.forEach((p, i) => {
    if (!fs.existsSync(p)) throw new ApiFailure({ code: 'invalid_input', field: `paths.${i}`, message: `paths.${i} ${p} does not exist` });
  });
  const record = deps.imports.create(datanet.id, absolute, options);
  const title = `Import into ${datanet.name}`;
  const job = launch(deps, jobs, datanet, record.id, title);
  return { import: deps.imports.get(record.id), job };
}

export function resumeImport(deps: ImportDeps, jobs: JobRunner, datanet: Datanet, importId: string): { import: ImportRecord; job: Job } {
  deps.imports.reopen(importId);
  const job = launch(deps, jobs, datanet, importId, `Resume import into ${datanet.name}`);
  return { import: deps.imports.get(importId), job };
}
