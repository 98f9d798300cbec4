import { useAction } from '../api';
import { useTrackedJob } from './useTrackedJob';

/**
 * A download from the Hugging Face hub run as a job (a base model, or assist's embedding model):
 * started from a repository name, tracked, cancellable; started again, it resumes where it stopped.
 */
export function useHubDownload(call: 'models.download' | 'assist.models.download') {
  const download = useAction(call);
  const cancelAction = useAction('jobs.cancel');
  const { job, track } = useTrackedJob();
  const err = download.error?.error;

  async function start(repo: string): Promise<void> {
    const started = await download.run({ repo: repo.trim() });
    if (started) track(started);
  }

  return {
    job,
    /** Why the download did not start, if it did not. */
    error: download.error,
    /** The repository name was refused: shown under its input rather than as a form error. */
    repoError: err?.code === 'invalid_input' ? err : undefined,
    running: download.pending || job?.state === 'running',
    start,
    cancel: () => {
      if (job) void cancelAction.run({ id: job.id });
    },
    cancelling: cancelAction.pending,
  };
}
