import type { Job } from '../../../shared/api/schemas/jobs';
import type { JobRunner } from '../jobs/runner';
import { startHubDownload, type HubDownloadInput } from './download-job';
import { hubUrl } from './hub';
import type { ModelsService } from './service';

/**
 * A base language model from the hub as a job: config.json, the tokenizer files, and
 * model.safetensors or the index with its shards (what languageModels' FolderKind names), each
 * resumed and checked; installed once the engine loads it. HF_ENDPOINT names a mirror, HF_TOKEN
 * opens gated repositories (Llama's).
 */
export function startModelDownload(models: ModelsService, jobs: JobRunner, input: HubDownloadInput): Job {
  return startHubDownload(
    jobs,
    {
      store: models.models,
      jobKind: 'models.download',
      hub: { url: hubUrl(), offlineHint: 'download the model folder elsewhere and import it (Models → Import, or studio model import FOLDER).', token: process.env.HF_TOKEN },
      lacks: (repo, missing) =>
        `${repo} has no ${missing.join(', ')}: a base model needs config.json, tokenizer.json and safetensors weights (GPT-2, Llama, SmolLM2 or Qwen2; for example HuggingFaceTB/SmolLM2-135M-Instruct).`,
      install: (staging, name, source) => models.installStaged(staging, name, source),
    },
    input,
  );
}
