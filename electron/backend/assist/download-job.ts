import type { Job } from '../../../shared/api/schemas/jobs';
import type { JobRunner } from '../jobs/runner';
import { startHubDownload, type HubDownloadInput } from '../models/download-job';
import { hubUrl } from '../models/hub';
import type { AssistService } from './service';

/**
 * An embedding model from the hub as a job: the files assist's FolderKind names (models.ts),
 * resumed and checked as every hub download is (models/download-job.ts), installed once it loads.
 * The hub's address is read per download, so HF_ENDPOINT (a mirror, or a test's fake hub) applies at once.
 */
export function startDownload(assist: AssistService, jobs: JobRunner, input: HubDownloadInput): Job {
  return startHubDownload(
    jobs,
    {
      store: assist.models,
      jobKind: 'assist.download',
      hub: { url: hubUrl(), offlineHint: 'download the model folder elsewhere and import it in Settings → Assist.', token: process.env.HF_TOKEN },
      lacks: (repo, missing) => `${repo} has no ${missing.join(', ')}: assist needs a repository with ONNX weights and a tokenizer.json (for example Xenova/all-MiniLM-L6-v2).`,
      install: (staging, name, source) => assist.installStaged(staging, name, source),
    },
    input,
  );
}
