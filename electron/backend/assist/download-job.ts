import fs from 'node:fs';
import path from 'node:path';
import type { Job } from '../../../shared/api/schemas/jobs';
import type { JobRunner } from '../jobs/runner';
import { downloadFiles, listModelFiles } from './hub';
import type { AssistService } from './service';

/** Names what a staging folder is downloading, so a different repo or revision never resumes into it. */
const MARKER = '.studio-download';

/**
 * Downloads a model repository from the hub as a job (progress in bytes), into a staging folder
 * that survives a failed, cancelled or interrupted job: starting the same download again resumes
 * its partial files. Installed once every file passed its checksum and the model loads.
 */
export function startDownload(assist: AssistService, jobs: JobRunner, hub: string, input: { repo: string; revision: string; name?: string | undefined }): Job {
  const name = input.name ?? input.repo.split('/')[1] ?? input.repo;
  assist.models.claim(name);
  const staging = path.join(assist.models.partialDir, `hf-${name}`);
  const what = `${input.repo}@${input.revision}`;
  const marker = path.join(staging, MARKER);
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') !== what) fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  fs.writeFileSync(marker, what);

  return jobs.start({ kind: 'assist.download', title: `Download ${input.repo}`, unit: 'bytes' }, async (job) => {
    const files = await listModelFiles(hub, input.repo, input.revision, job.signal);
    job.progress({ done: 0, total: files.reduce((s, f) => s + f.size, 0) });
    await downloadFiles({
      hub,
      repo: input.repo,
      revision: input.revision,
      files,
      dir: staging,
      signal: job.signal,
      onProgress: (done, total, file) => job.progress({ done, total, detail: file }),
    });
    fs.rmSync(marker);
    await assist.installStaged(staging, name, `hf:${what}`);
    return `installed ${name} from ${what}`;
  });
}
