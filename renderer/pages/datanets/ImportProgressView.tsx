import type { Job } from '../../../shared/api';
import { formatBytes, formatDuration } from '../../../shared/format';
import { ProgressBar } from '../../components/ProgressBar';
import { percent } from '../../format';
import type { UploadProgress } from './upload';

const n = new Intl.NumberFormat();

interface ProgressLineProps {
  step: string;
  value: number | null;
  facts: readonly (string | null)[];
  onCancel: () => void;
  cancelling?: boolean;
}

function ProgressLine({ step, value, facts, onCancel, cancelling = false }: ProgressLineProps) {
  const shown = facts.filter((f): f is string => f !== null);
  return (
    <div className="import-progress" data-testid="import-progress" role="status">
      <div className="import-progress-head">
        <span className="import-progress-step">{step}</span>
        <button type="button" className="button button-small" data-testid="import-cancel" disabled={cancelling} onClick={onCancel}>
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
      <ProgressBar value={value} label={step} valueText={[value !== null ? `${value}%` : null, ...shown].filter(Boolean).join(', ')} />
      <p className="import-progress-facts" data-testid="import-progress-facts" aria-hidden="true">
        {shown.join(' · ')}
      </p>
    </div>
  );
}

/** Step one in a browser: the files on their way to the app's data folder. */
export function UploadProgressView({ progress, seconds, onCancel }: { progress: UploadProgress; seconds: number; onCancel: () => void }) {
  const rate = seconds > 0.5 ? progress.sentBytes / seconds : null;
  const eta = rate ? (progress.totalBytes - progress.sentBytes) / rate : null;
  return (
    <ProgressLine
      step="Step 1 of 2: uploading"
      value={percent(progress.sentBytes, progress.totalBytes)}
      facts={[
        `${n.format(progress.filesDone)} of ${n.format(progress.filesTotal)} files`,
        `${formatBytes(progress.sentBytes)} of ${formatBytes(progress.totalBytes)}`,
        rate ? `${formatBytes(rate)}/s` : null,
        eta !== null ? `about ${formatDuration(eta)} left` : null,
      ]}
      onCancel={onCancel}
    />
  );
}

/** The import job running: items so far, items per second, files, time left (from its `job.updated` events). */
export function ImportJobProgressView({ job, step, onCancel, cancelling }: { job: Job; step: string; onCancel: () => void; cancelling: boolean }) {
  const c = job.progress.counts;
  const items = c.items ?? 0;
  return (
    <ProgressLine
      step={step}
      value={percent(job.progress.done, job.progress.total)}
      facts={[
        `${n.format(items)} items`,
        c.itemsPerSecond !== undefined ? `${n.format(Math.round(c.itemsPerSecond))} items/s` : null,
        c.filesTotal !== undefined ? `${n.format(c.files ?? 0)} of ${n.format(c.filesTotal)} files` : null,
        job.progress.etaSeconds !== null ? `about ${formatDuration(job.progress.etaSeconds)} left` : null,
        c.errors ? `${n.format(c.errors)} problems` : null,
      ]}
      onCancel={onCancel}
      cancelling={cancelling}
    />
  );
}
