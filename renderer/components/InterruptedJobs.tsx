import { useState } from 'react';
import type { Job } from '../../shared/api';
import { useCall } from '../api';
import { useStoredState } from '../hooks/useStoredState';
import { dateTime } from '../format';
import { Dialog } from './Dialog';

const SEEN_KEY = 'jobs.interrupted.seen';
/** Enough to cover every job a user could have had stopped; older ids fall off the end. */
const SEEN_KEPT = 500;
const noneSeen = (): string[] => [];
const isIdList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/**
 * Jobs the app stopped when it last closed (or crashed): a freeze, an export, a download. The
 * backend records them as interrupted at the next start, and until the user has seen them the
 * status bar says so, instead of leaving it to the log. Seen ones are remembered in this browser.
 */
export function InterruptedJobs() {
  const jobs = useCall('jobs.list', { state: 'interrupted', limit: 50 });
  const [seen, setSeen] = useStoredState<string[]>(SEEN_KEY, noneSeen, isIdList);
  const [open, setOpen] = useState(false);
  const unseen = (jobs.data ?? []).filter((j) => !seen.includes(j.id));
  if (unseen.length === 0 && !open) return null;

  const dismiss = () => {
    setSeen([...unseen.map((j) => j.id), ...seen].slice(0, SEEN_KEPT));
    setOpen(false);
  };
  const count = unseen.length === 1 ? '1 job' : `${unseen.length} jobs`;
  return (
    <>
      <button type="button" className="status-item status-warn status-link-plain" data-testid="status-interrupted" onClick={() => setOpen(true)}>
        {count} stopped when the app closed
      </button>
      <Dialog
        open={open}
        title="Stopped when the app closed"
        onClose={() => setOpen(false)}
        testId="interrupted-dialog"
        footer={
          <button type="button" className="button button-primary" onClick={dismiss} data-testid="interrupted-dismiss">
            Got it
          </button>
        }
      >
        <p>
          These jobs were still running when the app last closed, so they did not finish. Nothing half-made was kept: start each again from its page. Imports, downloads and training
          runs go on from where they stopped.
        </p>
        <ul className="interrupted-list" data-testid="interrupted-list">
          {unseen.map((job) => (
            <JobLine key={job.id} job={job} />
          ))}
        </ul>
      </Dialog>
    </>
  );
}

function JobLine({ job }: { job: Job }) {
  return (
    <li>
      <strong>{job.title}</strong> <span className="muted">· started {dateTime.format(job.createdAt)}</span>
    </li>
  );
}
