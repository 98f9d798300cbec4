import { lazy, Suspense } from 'react';
import type { Job } from '../../../shared/api';
import { formatDuration } from '../../../shared/format';
import { JobProgress } from '../../components/JobProgress';
import { pageHref } from '../../route';
import { lastSegment, type RunRecord } from './run-points';
import { secondsPerStep } from './estimate';

const LossChart = lazy(() => import('./LossChart'));

interface LiveRunProps {
  record: RunRecord;
  /** The run's newest job as the backend last said, when known. */
  job: Job | null;
  onCancel: () => void;
  cancelling: boolean;
  onResume: (() => void) | null;
  resuming: boolean;
  /** The base model, for the playground link. */
  model: string | null;
}

const fmt = (n: number | undefined, digits = 4) => (n === undefined ? '—' : n.toFixed(digits));

/** The run being followed: progress with ETA, the live chart, Cancel while it runs, Resume after it stopped. */
export function LiveRun({ record, job, onCancel, cancelling, onResume, resuming, model }: LiveRunProps) {
  const state = job?.state ?? record.state;
  const last = record.points.at(-1);
  const lastEval = record.evals.at(-1);
  const total = job?.progress.total ?? record.total;
  const done = job?.progress.done ?? record.done;
  // The backend's ETA, else one from the steps recorded since this job started.
  const sps = secondsPerStep(lastSegment(record.points));
  const eta = job?.progress.etaSeconds ?? (sps !== null && total !== null ? Math.max(0, total - done) * sps : null);
  const speed = last?.tokensPerSecond ?? null;
  const caption =
    last === undefined
      ? state === 'running'
        ? 'Waiting for the first steps…'
        : 'No steps are on record for this run (it keeps them in its checkpoints).'
      : `Step ${last.step.toLocaleString()}${total ? ` of ${total.toLocaleString()}` : ''}: train loss ${fmt(last.loss)}${
          lastEval ? `, eval loss ${fmt(lastEval.loss)} (step ${lastEval.step})` : ''
        }${speed === null ? ', as of its last checkpoint' : `, ${Math.round(speed).toLocaleString()} tokens/s`}.`;

  return (
    <div className="live-run" data-testid="live-run" data-state={state} data-run={record.out}>
      <div className="live-run-head">
        <h3 className="live-run-title">{record.out}</h3>
        <span className={`run-state run-state-${state}`} data-testid="live-run-state">
          {STATE_LABEL[state]}
        </span>
      </div>
      {state === 'running' && job && <JobProgress title={job.title} progress={job.progress} />}
      <dl className="live-stats">
        <Stat label="Step" value={`${done.toLocaleString()}${total ? ` / ${total.toLocaleString()}` : ''}`} testId="stat-step" />
        <Stat label="Train loss" value={fmt(last?.loss)} testId="stat-loss" />
        <Stat label="Eval loss" value={fmt(lastEval?.loss)} testId="stat-eval" />
        <Stat label="Tokens/s" value={speed === null ? '—' : Math.round(speed).toLocaleString()} testId="stat-speed" />
        <Stat label="Time left" value={state === 'running' && eta !== null ? `about ${formatDuration(eta)}` : '—'} testId="stat-eta" />
      </dl>
      <Suspense fallback={<p className="loss-chart-caption">{caption}</p>}>
        <LossChart points={record.points} evals={record.evals} caption={caption} />
      </Suspense>
      <div className="form-actions" role="status">
        {state === 'running' && (
          <button type="button" className="button" data-testid="train-cancel" disabled={cancelling} onClick={onCancel}>
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
        {state !== 'running' && onResume && (
          <>
            <button type="button" className="button button-primary" data-testid="train-resume" disabled={resuming} onClick={onResume}>
              {resuming ? 'Resuming…' : 'Resume'}
            </button>
            <span className="field-hint">
              {state === 'interrupted' ? 'The app stopped during this run.' : state === 'failed' ? 'It failed; resuming tries again.' : 'Cancelled.'} Resume goes on from its
              last checkpoint.
            </span>
          </>
        )}
        {state === 'succeeded' && (
          <>
            <span className="form-note" data-testid="live-run-outcome">
              {job?.state === 'succeeded' ? job.result : (record.outcome ?? 'Finished.')}
            </span>
            <a className="button button-small" href={pageHref('models')}>
              See it in Models
            </a>
            {model && (
              <a className="button button-small" href={pageHref('playground', model, record.out)}>
                Try it in the Playground
              </a>
            )}
          </>
        )}
        {state === 'failed' && (
          <span className="field-error" data-testid="live-run-outcome">
            {job?.state === 'failed' ? job.error : record.outcome}
          </span>
        )}
      </div>
    </div>
  );
}

export const STATE_LABEL: Record<Job['state'], string> = {
  running: 'Running',
  succeeded: 'Finished',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="live-stat">
      <dt>{label}</dt>
      <dd className="mono" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
