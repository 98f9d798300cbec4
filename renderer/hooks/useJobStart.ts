import { useCallback, useEffect, useRef, useState } from 'react';
import type { CallInput, Job } from '../../shared/api';
import type { ApiFailure } from '../../shared/api/errors';
import { useAction, useApi } from '../api';
import { useTrackedJob } from './useTrackedJob';

/** The calls that start a job and answer with it, and the kind of job each starts. */
const KINDS = {
  'versions.create': 'datanet.version',
  'exports.start': 'datanet.export',
  'models.exportGguf': 'models.exportGguf',
} as const;
type JobCall = keyof typeof KINDS;

/**
 * Jobs a form followed that it did not see end: the form was closed while they ran. Opened again,
 * the form shows such a job however it ended since; once it has been seen ended, it is forgotten.
 */
const unseenEnds = new Set<string>();

export interface JobStart<N extends JobCall> {
  /** Starts the job unless one started here (or found running on opening) is still starting or running; false when refused or failed. */
  start: (input: CallInput<N>) => Promise<boolean>;
  /** The job started last, or found on opening, as its `job.updated` events say it is now. */
  job: Job | null;
  /** Why the call that starts it failed (the job's own failure is on `job`). */
  error: ApiFailure | null;
  /** Starting or running: the start button is off. */
  busy: boolean;
  /** `job` was found on opening, not started here: the form's fields are not its settings. */
  found: boolean;
  /** Stops showing an ended job (the form's choices changed since, so its outcome no longer describes them); a running one stays. */
  forgetEnded: () => void;
}

/**
 * Starts a job about `subject` (a datanet's id, `adapter:<name>`: the job's `subject`) from a form
 * and follows it. Opened while such a job runs (the form was closed and opened again, or another
 * window started it), the form follows that job instead of offering to start a second one; a job
 * this form was closed on before it ended is shown as it ended.
 *
 * A double click or Enter held down must not start two: `pending` state only disables the button
 * after React renders, so a ref refuses the second start at once, and stays set while the job runs.
 */
export function useJobStart<N extends JobCall>(name: N, subject: string): JobStart<N> {
  const client = useApi();
  const action = useAction(name);
  const { job, track } = useTrackedJob();
  // Hidden from a new start on: the last job's outcome must not read as the new attempt's.
  const [hidden, setHidden] = useState(false);
  const [found, setFound] = useState(false);
  const started = useRef<{ id: string | null } | null>(null);
  /** The look for a job already running, made on opening; a start waits for it. */
  const lookup = useRef<Promise<void>>(Promise.resolve());
  const jobRef = useRef(job);
  useEffect(() => {
    jobRef.current = job;
  }, [job]);
  const { run } = action;
  const kind = KINDS[name];

  useEffect(() => {
    let current = true;
    lookup.current = client.call('jobs.list', { kind, subject, limit: 1 }).then(
      ([newest]) => {
        if (!current || !newest) return;
        const claim = started.current;
        // Running: followed, even over a start clicked while this look was under way (that start
        // waits for it and is then refused). Ended while the form was closed: shown, unless the
        // user has started another already.
        const adopt = newest.state === 'running' ? claim === null || claim.id === null : claim === null && unseenEnds.has(newest.id);
        if (!adopt) return;
        started.current = { id: newest.id };
        track(newest);
        setFound(true);
        setHidden(false);
      },
      // Not found is the same as nothing running: the form offers to start.
      () => {},
    );
    return () => {
      current = false;
    };
  }, [client, kind, subject, track]);

  // Closed while its job runs: remembered, so the next opening shows how it ended.
  useEffect(() => {
    if (job === null) return;
    if (job.state === 'running') unseenEnds.add(job.id);
    else unseenEnds.delete(job.id);
  }, [job]);

  const start = useCallback(
    async (input: CallInput<N>) => {
      const current = started.current;
      // Still in flight, or its job not yet seen to end (until the next render it is not in jobRef at all).
      const seen = jobRef.current;
      if (current && (current.id === null || seen?.id !== current.id || seen.state === 'running')) return false;
      const claim = { id: null as string | null };
      started.current = claim;
      await lookup.current;
      // A job of this kind about this subject was found running: it is followed, not doubled.
      if (started.current !== claim) return false;
      setHidden(true);
      setFound(false);
      const out = (await run(input)) as Job | undefined;
      if (!out) {
        started.current = null;
        return false;
      }
      claim.id = out.id;
      // Marked before it can be tracked: the form may be closed before the call answers.
      unseenEnds.add(out.id);
      track(out);
      setHidden(false);
      return true;
    },
    [run, track],
  );

  const forgetEnded = useCallback(() => {
    if (jobRef.current && jobRef.current.state !== 'running') setHidden(true);
  }, []);

  return { start, forgetEnded, job: hidden ? null : job, error: action.error, busy: action.pending || job?.state === 'running', found: found && !hidden };
}
