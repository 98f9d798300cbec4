import { useCallback, useEffect, useRef, useState } from 'react';
import type { Job } from '../../shared/api';
import { useApi, useConnection, useEvent } from '../api';

const REMEMBERED = 50;

/**
 * Follows one job from the call that started it through its `job.updated` events. A fast job can
 * finish (and say so) before the call that started it returns, so recent updates are remembered
 * and the newest one wins.
 */
export function useTrackedJob(): { job: Job | null; track: (started: Job) => void } {
  const client = useApi();
  const { epoch } = useConnection();
  const [job, setJob] = useState<Job | null>(null);
  const recent = useRef(new Map<string, Job>());

  useEvent('job.updated', (update) => {
    const seen = recent.current;
    seen.delete(update.id);
    seen.set(update.id, update);
    if (seen.size > REMEMBERED) seen.delete(seen.keys().next().value as string);
    setJob((cur) => (cur && cur.id === update.id && update.updatedAt >= cur.updatedAt ? update : cur));
  });

  const track = useCallback((started: Job) => {
    const later = recent.current.get(started.id);
    setJob(later && later.updatedAt >= started.updatedAt ? later : started);
  }, []);

  // Events sent while the connection was down are gone; ask for the job's state instead.
  const runningId = job?.state === 'running' ? job.id : null;
  useEffect(() => {
    if (!runningId || epoch === 0) return;
    let current = true;
    client.call('jobs.list', {}).then(
      (jobs) => {
        const fresh = jobs.find((j) => j.id === runningId);
        if (current && fresh) setJob((cur) => (cur && cur.id === fresh.id && fresh.updatedAt >= cur.updatedAt ? fresh : cur));
      },
      () => {},
    );
    return () => {
      current = false;
    };
  }, [client, epoch, runningId]);

  return { job, track };
}
