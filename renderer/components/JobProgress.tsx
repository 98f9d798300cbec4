import type { JobProgress as Progress } from '../../shared/api';
import { formatDuration, percent } from '../format';
import { ProgressBar } from './ProgressBar';
import './JobProgress.css';

interface JobProgressProps {
  title: string;
  progress: Progress;
  /** The status bar's one-line form, vs. the roomier form inside a page. */
  compact?: boolean;
}

export function JobProgress({ title, progress, compact = false }: JobProgressProps) {
  const pct = percent(progress.done, progress.total);
  const eta = progress.etaSeconds !== null ? `about ${formatDuration(progress.etaSeconds)} left` : null;
  const valueText = [pct !== null ? `${pct}%` : 'working', eta].filter(Boolean).join(', ');
  const counts =
    progress.total !== null ? `${progress.done} / ${progress.total} ${progress.unit}` : `${progress.done} ${progress.unit}`;
  return (
    <div className={compact ? 'job job-compact' : 'job'} title={progress.detail ? `${title}: ${progress.detail}` : title}>
      <span className="job-title">{title}</span>
      <ProgressBar className="job-bar" value={pct} label={title} valueText={valueText} />
      {/* The bar's aria-valuetext says this already; hidden so the live status region doesn't chatter. */}
      <span className="job-meta" aria-hidden="true">
        {pct !== null ? `${pct}%` : compact ? '' : counts}
        {eta && <span className="job-eta">{compact ? `${formatDuration(progress.etaSeconds ?? 0)} left` : eta}</span>}
      </span>
      {!compact && progress.detail && <span className="job-detail">{progress.detail}</span>}
    </div>
  );
}
