import { useCall, useEvent, type CallState } from '../api';
import type { Job, Status } from '../../shared/api';

/** Running jobs after `job`'s update: replaced in place, added when new, dropped when it ended. */
export function mergeRunningJob(running: readonly Job[], job: Job): Job[] {
  const current = running.find((j) => j.id === job.id);
  // An out-of-order event must not roll progress back.
  if (current && current.updatedAt > job.updatedAt) return [...running];
  if (job.state !== 'running') return running.filter((j) => j.id !== job.id);
  return current ? running.map((j) => (j.id === job.id ? job : j)) : [...running, job];
}

/** The status bar's data: fetched once, then kept current from events rather than polled. */
export function useStatus(): CallState<Status> {
  const status = useCall('status.get', {});
  const { setData } = status;
  useEvent('status.changed', setData);
  // Before the first fetch there is nothing to merge into; that fetch will include the job.
  useEvent('job.updated', (job) =>
    setData((s) => s && { ...s, jobs: { running: mergeRunningJob(s.jobs.running, job) } }),
  );
  return status;
}
