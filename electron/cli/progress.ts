import type { Job } from '../../shared/api/schemas/jobs';

const BAR = 24;

function bytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

function eta(seconds: number | null): string {
  if (seconds === null) return '';
  if (seconds < 60) return ` · ${Math.ceil(seconds)} s left`;
  return ` · ${Math.floor(seconds / 60)} min ${Math.ceil(seconds % 60)} s left`;
}

/** One line a terminal redraws in place: bar, percent, amounts, ETA and what the job is doing. */
export function progressLine(job: Job, width = process.stderr.columns || 100): string {
  const p = job.progress;
  const fraction = p.total ? Math.min(1, p.done / p.total) : 0;
  const bar = p.total ? '█'.repeat(Math.round(fraction * BAR)).padEnd(BAR, '░') : '░'.repeat(BAR);
  const amount = p.unit === 'bytes' ? `${bytes(p.done)}${p.total ? ` / ${bytes(p.total)}` : ''}` : `${p.done}${p.total ? ` / ${p.total}` : ''} ${p.unit}`;
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
