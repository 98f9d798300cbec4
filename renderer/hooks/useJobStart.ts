import { useCallback, useEffect, useRef, useState } from 'react';
import type { CallInput, Job } from '../../../shared/api';
import type { ApiFailure } from '../../../shared/api/errors';
import { useAction } from '../../api';
import { useTrackedJob } from '../../hooks/useTrackedJob';

/** The calls that start a job and answer with it. */
type JobCall = 'versions.create' | 'exports.start';

export interface JobStart<N extends JobCall> {
  /** Starts the job unless one started here is still starting or running; false when refused or failed. */
  start: (input: CallInput<N>) => Promise<boolean>;
  /** The job started last, as its `job.updated` events say it is now. */
  job: Job | null;
  /** Why the call that starts it failed (the job's own failure is on `job`). */
  error: ApiFailure | null;
  /** Starting or running: the start button is off. */
  busy: boolean;
}

/**
 * Starts a job from a form and follows it. A double click or Enter held down must not start two:
 * `pending` state only disables the button after React renders, so a ref refuses the second
 * start at once, and stays set while the job runs.
 */
export function useJobStart<N extends JobCall>(name: N): JobStart<N> {
  const action = useAction(name);
  const { job, track } = useTrackedJob();
  // Hidden from a new start on: the last job's outcome must not read as the new attempt's.
  const [hidden, setHidden] = useState(false);
  const started = useRef<{ id: string | null } | null>(null);
  const jobRef = useRef(job);
  useEffect(() => {
    jobRef.current = job;
  }, [job]);
  const { run } = action;

  const start = useCallback(
    async (input: CallInput<N>) => {
      const current = started.current;
      // Still in flight, or its job not yet seen to end (until the next render it is not in jobRef at all).
      const seen = jobRef.current;
      if (current && (current.id === null || seen?.id !== current.id || seen.state === 'running')) return false;
      const claim = { id: null as string | null };
      started.current = claim;
      setHidden(true);
      const out = (await run(input)) as Job | undefined;
      if (!out) {
        started.current = null;
        return false;
      }
      claim.id = out.id;
      track(out);
      setHidden(false);
      return true;
    },
    [run, track],
  );

  return { start, job: hidden ? null : job, error: action.error, busy: action.pending || job?.state === 'running' };
}
