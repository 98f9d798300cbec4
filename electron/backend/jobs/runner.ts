import { setMaxListeners } from 'node:events';
import { Job, type JobProgress, type JobState } from '../../../shared/api/schemas/jobs';
import { conflict, notFound } from '../../../shared/api/errors';
import type { Db } from '../store/database';
import type { Logger } from '../log';
import { newJobId } from './ids';
import { RateMeter } from './rate';

export interface ProgressUpdate {
  done: number;
  total?: number | null;
  detail?: string | null;
  counts?: Record<string, number>;
}

/** What a job's body sees: a signal to stop on, and a way to report progress. */
export interface JobControl {
  readonly id: string;
  readonly signal: AbortSignal;
  progress(update: ProgressUpdate): void;
}

/** Returns a one-line result (a path, a count) or null. Throws to fail; should stop when `signal` aborts. */
export type JobBody = (job: JobControl) => Promise<string | null>;

export interface JobSpec {
  kind: string;
  /** What it is about (see `Job.subject`); none when left out. */
  subject?: string;
  title: string;
  unit: string;
  total?: number | null;
}

export interface JobRunnerOptions {
  db: Db;
  log: Logger;
  onUpdate: (job: Job) => void;
  /** Called when a job starts or ends, so the status bar's list of running jobs can refresh. */
  onRunningChanged: () => void;
  now?: () => number;
  /** At most this often a progress update is sent to the UI; state changes always are. */
  emitIntervalMs?: number;
  /** At most this often progress is written to disk (what a restart shows for an interrupted job). */
  persistIntervalMs?: number;
}

interface Live {
  job: Job & { state: 'running' };
  controller: AbortController;
  meter: RateMeter;
  done: Promise<void>;
  cancelRequested: boolean;
  lastEmit: number;
  lastPersist: number;
  /** A progress update held back by the throttle, sent when the interval is up. */
  trailing: NodeJS.Timeout | undefined;
}

interface Row {
  id: string;
  kind: string;
  subject: string | null;
  title: string;
  state: JobState;
  progress: string;
  result: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
}

function fromRow(row: Row): Job {
  const base = {
    id: row.id,
    kind: row.kind,
    subject: row.subject,
    title: row.title,
    // Rows written before `counts` existed read as having none.
    progress: { counts: {}, ...(JSON.parse(row.progress) as Omit<JobProgress, 'counts'>) },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  switch (row.state) {
    case 'succeeded':
      return { ...base, state: 'succeeded', result: row.result };
    case 'failed':
      return { ...base, state: 'failed', error: row.error ?? 'failed' };
    default:
      return { ...base, state: row.state };
  }
}

/**
 * Runs long work as jobs: each is a row in `jobs`, reports progress, can be cancelled, and a job
 * that was running when the process died reads "interrupted" at the next start, never half-state.
 */
export class JobRunner {
  private readonly live = new Map<string, Live>();
  private readonly now: () => number;
  private readonly emitIntervalMs: number;
  private readonly persistIntervalMs: number;
  private stopping = false;

  constructor(private readonly options: JobRunnerOptions) {
    this.now = options.now ?? Date.now;
    this.emitIntervalMs = options.emitIntervalMs ?? 100;
    this.persistIntervalMs = options.persistIntervalMs ?? 1000;
  }

  /** At start: whatever a previous process left running did not finish. */
  markInterrupted(): number {
    return this.options.db
      .prepare(`UPDATE jobs SET state = 'interrupted', updated_at = ? WHERE state = 'running'`)
      .run(this.now()).changes;
  }

  start(spec: JobSpec, body: JobBody): Job {
    if (this.stopping) throw conflict('The app is shutting down; start the job again after it restarts.');
    const now = this.now();
    const job: Job & { state: 'running' } = {
      id: newJobId(now),
      kind: spec.kind,
      subject: spec.subject ?? null,
      title: spec.title,
      state: 'running',
      progress: { done: 0, total: spec.total ?? null, unit: spec.unit, rate: null, etaSeconds: null, detail: null, counts: {} },
      createdAt: now,
      updatedAt: now,
    };
    this.options.db
      .prepare(
        `INSERT INTO jobs (id, kind, subject, title, state, progress, result, error, created_at, updated_at)
         VALUES (@id, @kind, @subject, @title, 'running', @progress, NULL, NULL, @createdAt, @updatedAt)`,
      )
      .run({ ...job, progress: JSON.stringify(job.progress) });
    const controller = new AbortController();
    // A job may read many files at once, each stream listening for the abort.
    setMaxListeners(1000, controller.signal);
    const entry: Live = {
      job,
      controller,
      meter: new RateMeter(now),
      cancelRequested: false,
      lastEmit: now,
      lastPersist: now,
      trailing: undefined,
      done: Promise.resolve(),
    };
    this.live.set(job.id, entry);
    const control: JobControl = {
      id: job.id,
      signal: controller.signal,
      progress: (update) => this.progress(entry, update),
    };
    // The body starts on the next tick, so the caller gets the job before its first event.
    entry.done = Promise.resolve()
      .then(() => body(control))
      .then(
        (result) => this.finish(entry, { state: 'succeeded', result }),
        (error: unknown) => {
          if (controller.signal.aborted) {
            this.finish(entry, { state: entry.cancelRequested ? 'cancelled' : 'interrupted' });
          } else {
            this.options.log.error(`Job ${job.id} (${job.kind}) failed`, error);
            this.finish(entry, { state: 'failed', error: error instanceof Error ? error.message : String(error) });
          }
        },
      );
    this.options.onUpdate(job);
    this.options.onRunningChanged();
    return job;
  }

  get(id: string): Job {
    const live = this.live.get(id);
    if (live) return live.job;
    const row = this.options.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw notFound(`No job with id ${id}.`);
    return fromRow(row);
  }

  list(filter: { state?: JobState | undefined; kind?: string | undefined; subject?: string | undefined; limit: number }): Job[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    for (const [column, value] of [
      ['state', filter.state],
      ['kind', filter.kind],
      ['subject', filter.subject],
    ] as const) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      params.push(value);
    }
    const rows = this.options.db
      .prepare(`SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`)
      .all(...params, filter.limit) as Row[];
    // Live progress is fresher than the throttled copy on disk.
    return rows.map((row) => this.live.get(row.id)?.job ?? fromRow(row));
  }

  running(): Job[] {
    return [...this.live.values()].map((l) => l.job);
  }

  cancel(id: string): Job {
    const live = this.live.get(id);
    if (!live) {
      const job = this.get(id);
      throw conflict(`Job ${id} is not running (it ${job.state === 'running' ? 'is stale' : `is ${job.state}`}).`);
    }
    live.cancelRequested = true;
    live.controller.abort(new Error('cancelled'));
    return live.job;
  }

  /** Wait for a job to end (tests and callers that need the result). */
  async settled(id: string): Promise<Job> {
    await this.live.get(id)?.done;
    return this.get(id);
  }

  /**
   * Stop every running job and wait for them up to `timeoutMs`; what has not stopped by then is
   * recorded as interrupted, so the next start shows it truthfully.
   */
  async shutdown(timeoutMs = 5000): Promise<void> {
    this.stopping = true;
    const entries = [...this.live.values()];
    for (const entry of entries) entry.controller.abort(new Error('shutdown'));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.all(entries.map((e) => e.done)), timeout]);
    clearTimeout(timer);
    for (const entry of this.live.values()) this.finish(entry, { state: 'interrupted' });
  }

  private progress(entry: Live, update: ProgressUpdate): void {
    if (!this.live.has(entry.job.id)) return;
    const now = this.now();
    const total = update.total === undefined ? entry.job.progress.total : update.total;
    const rate = entry.meter.sample(update.done, now);
    entry.job = {
      ...entry.job,
      updatedAt: now,
      progress: {
        done: update.done,
        total,
        unit: entry.job.progress.unit,
        rate,
        etaSeconds: entry.meter.eta(update.done, total),
        detail: update.detail === undefined ? entry.job.progress.detail : update.detail,
        counts: update.counts ?? entry.job.progress.counts,
      },
    };
    if (now - entry.lastPersist >= this.persistIntervalMs) {
      entry.lastPersist = now;
      this.options.db
        .prepare('UPDATE jobs SET progress = ?, updated_at = ? WHERE id = ?')
        .run(JSON.stringify(entry.job.progress), now, entry.job.id);
    }
    this.emitThrottled(entry, now);
  }

  /** At most one update per interval, and never a lost last one: a job that reports once and then works quietly still shows it. */
  private emitThrottled(entry: Live, now: number): void {
    if (entry.trailing) return;
    const wait = entry.lastEmit + this.emitIntervalMs - now;
    if (wait <= 0) {
      entry.lastEmit = now;
      this.options.onUpdate(entry.job);
      return;
    }
    entry.trailing = setTimeout(() => {
      entry.trailing = undefined;
      if (!this.live.has(entry.job.id)) return;
      entry.lastEmit = this.now();
      this.options.onUpdate(entry.job);
    }, wait);
    entry.trailing.unref();
  }

  private finish(
    entry: Live,
    end: { state: 'succeeded'; result: string | null } | { state: 'failed'; error: string } | { state: 'cancelled' | 'interrupted' },
  ): void {
    if (!this.live.delete(entry.job.id)) return;
    clearTimeout(entry.trailing);
    const now = this.now();
    const progress = { ...entry.job.progress, rate: null, etaSeconds: null };
    const job = Job.parse({ ...entry.job, ...end, progress, updatedAt: now });
    this.options.db
      .prepare('UPDATE jobs SET state = ?, progress = ?, result = ?, error = ?, updated_at = ? WHERE id = ?')
      .run(
        job.state,
        JSON.stringify(progress),
        job.state === 'succeeded' ? job.result : null,
        job.state === 'failed' ? job.error : null,
        now,
        job.id,
      );
    this.options.onUpdate(job);
    this.options.onRunningChanged();
  }
}
