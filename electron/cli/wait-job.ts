import type { Job } from '../../shared/api/schemas/jobs';
import type { Backend } from '../backend';
import { followJob } from './progress';

/** Follows a job to its end with a progress line on the terminal; Ctrl+C cancels it cleanly. */
export async function waitForJob(backend: Backend, jobId: string): Promise<Job> {
  const stopFollowing = followJob((listener) => backend.events.subscribe((name, payload) => name === 'job.updated' && listener(payload as Job)), jobId);
  const cancel = () => {
    try {
      backend.jobs.cancel(jobId);
    } catch {
      // Already over.
    }
  };
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  try {
    return await backend.jobs.settled(jobId);
  } finally {
    process.removeListener('SIGINT', cancel);
    process.removeListener('SIGTERM', cancel);
    stopFollowing();
  }
}
