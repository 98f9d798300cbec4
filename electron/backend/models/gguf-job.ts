import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { exportGguf } from '../../../engine/gguf/index';
import { ApiFailure } from '../../../shared/api/errors';
import type { Job } from '../../../shared/api/schemas/jobs';
import type { GgufExportInput } from '../../../shared/api/schemas/models';
import type { JobRunner } from '../jobs/runner';
import { loadAdapterFor } from './adapters';
import type { ModelsService } from './service';

const invalid = (field: string, message: string) => new ApiFailure({ code: 'invalid_input', field, message });

/**
 * A GGUF export as a job (progress in bytes): the base model, the model with one of its adapters
 * merged, or the adapter alone. What can be checked without reading weights is checked before the
 * job starts (the names, the adapter's base, the output path), so a bad request fails the call.
 */
export function startGgufExport(models: ModelsService, jobs: JobRunner, input: z.output<typeof GgufExportInput>): Job {
  const modelDir = models.modelDir(input.model);
  let adapterDir: string | null = null;
  if (input.adapter !== undefined) {
    const dirs = models.adapterDirs(input.adapter);
    if (dirs.baseName !== input.model) throw invalid('adapter', `Adapter ${input.adapter} belongs to ${dirs.baseName}, not ${input.model}.`);
    adapterDir = dirs.adapter;
  }
  const out = path.resolve(input.path);
  // The API writes exactly the file it is given, so a name without .gguf is refused here rather
  // than renamed behind the caller's back; the dialog appends .gguf to what its user typed, in the
  // field where they see it, before it calls (the kinder way for a person, who meant a GGUF file).
  if (!/\.gguf$/i.test(out)) throw invalid('path', `The file's name must end in .gguf (the ending llama.cpp, Ollama and LM Studio look for); ${path.basename(out)} does not.`);
  // Both are about the path the caller typed, so both are errors of that field (the dialog shows them under it).
  if (fs.existsSync(out)) throw invalid('path', `${out} exists; export to a new file.`);
  if (!fs.statSync(path.dirname(out), { throwIfNoEntry: false })?.isDirectory()) throw invalid('path', `The folder ${path.dirname(out)} does not exist.`);
  const what = input.adapter === undefined ? input.model : input.merge ? `${input.model} with ${input.adapter} merged` : `adapter ${input.adapter}`;
  const subject = input.adapter === undefined ? `model:${input.model}` : `adapter:${input.adapter}`;
  return jobs.start({ kind: 'models.exportGguf', subject, title: `Export ${what} to GGUF (${input.type})`, unit: 'bytes' }, async (job) => {
    const adapter = adapterDir === null ? undefined : await loadAdapterFor(adapterDir, modelDir, 'adapter');
    await exportGguf({
      modelDir,
      adapter,
      merge: input.merge,
      type: input.type,
      out,
      name: input.adapter ?? input.model,
      signal: job.signal,
      onProgress: (done, total) => job.progress({ done, total }),
    });
    // The result is the file's path (what the CLI prints and the UI can reveal).
    return out;
  });
}
