import type { Job } from '../../shared/api/schemas/jobs';
import { formatBytes, formatDuration } from '../../shared/format';

const BAR = 24;

const eta = (seconds: number | null) => (seconds === null ? '' : ` · ${formatDuration(seconds)} left`);

/** One line a terminal redraws in place: bar, percent, amounts, ETA and what the job is doing. */
export function progressLine(job: Job, width = process.stderr.columns || 100): string {
  const p = job.progress;
  const fraction = p.total ? Math.min(1, p.done / p.total) : 0;
  const bar = p.total ? '█'.repeat(Math.round(fraction * BAR)).padEnd(BAR, '░') : '░'.repeat(BAR);
  const amount = p.unit === 'bytes' ? `${formatBytes(p.done)}${p.total ? ` / ${formatBytes(p.total)}` : ''}` : `${p.done}${p.total ? ` / ${p.total}` : ''} ${p.unit}`;
  const line = `${bar} ${p.total ? `${Math.floor(fraction * 100)}%`.padStart(4) : ''} ${amount}${eta(p.etaSeconds)}${p.detail ? ` · ${p.detail}` : ''}`;
  return line.length > width - 1 ? line.slice(0, width - 2) + '…' : line;
}

/** Follows a job on stderr while it runs (only on a terminal: a log file gets no redraws). */
export function followJob(subscribe: (listener: (job: Job) => void) => () => void, jobId: string): () => void {
  if (!process.stderr.isTTY) return () => {};
  const stop = subscribe((job) => {
    if (job.id === jobId && job.state === 'running') process.stderr.write(`\r\x1b[2K${progressLine(job)}`);
  });
  return () => {
    stop();
    process.stderr.write('\r\x1b[2K');
  };
}
