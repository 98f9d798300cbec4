/**
 * Follows a training job from the moment it is known until it ends, whichever page is open: its
 * progress becomes the run's loss curve and state in the run store, and its end an OS
 * notification. It listens on the app's API client, which lives as long as the window.
 */
import type { Job } from '../../../shared/api';
import type { ApiClient } from '../../api';
import { notify } from './notify';
import { withJob, withProgress, type RunRecord } from './run-points';
import { runStore } from './run-store';

const following = new Map<string, () => void>();

/**
 * Record `job` (a start or a resume of the run `out`); calling it again for the same job does
 * nothing. A run this window has no record of starts from `seed` (its curve so far, from the
 * backend's listing), else empty.
 */
export function followRun(client: ApiClient, out: string, job: Job, datanetName = '', seed?: RunRecord): void {
  if (!runStore.get(out)?.jobIds.includes(job.id)) runStore.update(out, (r) => withJob(r, out, job.id, datanetName, seed));
  apply(out, job);
  if (job.state !== 'running' || following.has(job.id)) return;
  const stop = client.on('job.updated', (update) => {
    if (update.id === job.id) apply(out, update);
  });
  following.set(job.id, stop);
}

function apply(out: string, job: Job): void {
  const before = runStore.get(out);
  if (!before) return;
  const after = withProgress(before, job);
  if (after === before) return;
  runStore.update(out, () => after);
  if (job.state !== 'running') {
    following.get(job.id)?.();
    following.delete(job.id);
    if (before.state === 'running') notifyEnd(out, job);
  }
}

function notifyEnd(out: string, job: Job): void {
  if (job.state === 'succeeded') notify(`Training of ${out} finished`, job.result ?? 'The adapter is installed.');
  else if (job.state === 'failed') notify(`Training of ${out} failed`, job.error);
  else if (job.state === 'cancelled') notify(`Training of ${out} cancelled`, `Stopped at step ${job.progress.done}; Resume goes on from its last checkpoint.`);
}

/** The run a training job belongs to: the store knows the jobs it started; others are named in their title. */
export function runOfJob(job: Job): string | null {
  const known = runStore.all().find((r) => r.jobIds.includes(job.id));
  if (known) return known.out;
  return /^Train (\S+) \(/.exec(job.title)?.[1] ?? null;
}
