/**
 * A training run as the Train page records it: the input that started it, its loss curve (train
 * points per job, evals at their steps) and its last known state. Pure data and functions; the
 * storage is run-store.ts.
 */
import type { CallInput, Job, JobState } from '../../../shared/api';
import type { TrainingRun } from '../../../shared/api/schemas/training';

export type TrainInput = CallInput<'training.start'>;

export interface RunPoint {
  step: number;
  loss: number;
  /** Null for a point read back from a checkpoint, which keeps no speed. */
  tokensPerSecond: number | null;
  /** When it arrived (ms), for the measured speed; 0 when read back from a checkpoint. */
  at: number;
  /** Which of the run's jobs reported it (0: the first start, 1: the first resume…; -1: read back from a checkpoint beside this window's own points). */
  segment: number;
}

/** An eval loss at the step it was measured. */
export interface EvalPoint {
  step: number;
  loss: number;
}

export interface RunRecord {
  out: string;
  /** Null for a run this app did not start (the command line's). */
  input: TrainInput | null;
  /** For the history while the datanet list loads. */
  datanetName: string;
  jobIds: string[];
  points: RunPoint[];
  evals: EvalPoint[];
  createdAt: number;
  state: JobState;
  done: number;
  total: number | null;
  /** The job's result or error, as it ended. */
  outcome: string | null;
}

/** A fresh record for a run about to start. */
export function newRecord(out: string, input: TrainInput | null, datanetName: string): RunRecord {
  return { out, input, datanetName, jobIds: [], points: [], evals: [], createdAt: Date.now(), state: 'running', done: 0, total: null, outcome: null };
}

/**
 * A run this window did not record (started on the command line, in another browser, or before
 * this profile), as the backend knows it: its curve is the one in its newest checkpoint.
 */
export function recordFromRun(run: TrainingRun, datanetName: string): RunRecord {
  const job = run.job;
  return {
    out: run.out,
    input: run.input,
    datanetName,
    jobIds: job ? [job.id] : [],
    points: run.losses.map((p) => ({ step: p.step, loss: p.loss, tokensPerSecond: null, at: 0, segment: 0 })),
    evals: run.evals,
    createdAt: run.startedAt,
    state: run.state,
    done: job?.progress.done ?? run.checkpoint?.step ?? 0,
    total: job?.progress.total ?? run.checkpoint?.totalSteps ?? null,
    outcome: job?.state === 'failed' ? job.error : job?.state === 'succeeded' ? job.result : null,
  };
}

/**
 * What the page shows of a run: this window's record with the backend's history merged in (a
 * window that began listening mid-run has only the steps since), else the backend's alone.
 */
export function shownRecord(record: RunRecord | undefined, run: TrainingRun | undefined, datanetName: string): RunRecord | undefined {
  if (!run || run.losses.length === 0) return record;
  if (!record || record.points.length === 0) return recordFromRun(run, record?.datanetName || datanetName);
  return withHistory(record, run);
}

/**
 * The record with the run's curve as its newest checkpoint keeps it, for the steps the record has
 * no point of (this window's own points have their speed, and a resume's replace the steps it went
 * over again). The history goes first, in step order, as segment -1: the record's last point stays
 * its newest, and the speed is measured from its own points only.
 */
export function withHistory(record: RunRecord, run: TrainingRun): RunRecord {
  const steps = new Set(record.points.map((p) => p.step));
  const older = run.losses.filter((p) => !steps.has(p.step)).sort((a, b) => a.step - b.step);
  const evalSteps = new Set(record.evals.map((e) => e.step));
  const olderEvals = run.evals.filter((e) => !evalSteps.has(e.step));
  if (older.length === 0 && olderEvals.length === 0) return record;
  return {
    ...record,
    points: [...older.map((p) => ({ step: p.step, loss: p.loss, tokensPerSecond: null, at: 0, segment: -1 })), ...record.points],
    evals: [...record.evals, ...olderEvals].sort((a, b) => a.step - b.step),
  };
}

const MAX_POINTS = 1200;

/**
 * The points with one more, when the step moved on (progress also reports the tokenizing phase at
 * step 0, and a throttled update can repeat a step). Past MAX_POINTS every other old point goes,
 * which keeps the curve's shape.
 */
export function withPoint(points: readonly RunPoint[], p: RunPoint): RunPoint[] {
  const last = points.filter((q) => q.segment === p.segment).at(-1);
  if (p.step <= 0 || (last && p.step <= last.step)) return points as RunPoint[];
  const next = [...points, p];
  return next.length > MAX_POINTS ? next.filter((_, i) => i % 2 === 0 || i >= next.length - MAX_POINTS / 2) : next;
}

/** The evals with this one, in step order; a resumed run's eval at a step replaces the earlier one's. */
export function withEval(evals: readonly EvalPoint[], e: EvalPoint): EvalPoint[] {
  const same = evals.find((q) => q.step === e.step);
  if (same?.loss === e.loss) return evals as EvalPoint[];
  return [...evals.filter((q) => q.step !== e.step), e].sort((a, b) => a.step - b.step);
}

/** The points of the run's newest job: a resumed run measures its speed apart from the gap before it. */
export function lastSegment(points: readonly RunPoint[]): RunPoint[] {
  const segment = points.at(-1)?.segment;
  return points.filter((p) => p.segment === segment);
}

/**
 * The run's record with `jobId` among its jobs (a start or a resume). A run with no record yet
 * starts from `seed` (its curve so far, from the backend's listing), else empty: a resume's first
 * event can come before the page recorded the run, and must not drop the curve.
 */
export function withJob(record: RunRecord | undefined, out: string, jobId: string, datanetName: string, seed?: RunRecord): RunRecord {
  const r = record ?? seed ?? newRecord(out, null, datanetName);
  return r.jobIds.includes(jobId) ? r : { ...r, jobIds: [...r.jobIds, jobId] };
}

/** The record with a job's progress: a point, an eval, its state. An older job of the run (or a late event) changes nothing. */
export function withProgress(record: RunRecord, job: Job): RunRecord {
  const segment = record.jobIds.indexOf(job.id);
  if (segment !== record.jobIds.length - 1) return record;
  const { loss, evalLoss, evalStep, tokensPerSecond } = job.progress.counts;
  const points = loss !== undefined ? withPoint(record.points, { step: job.progress.done, loss, tokensPerSecond: tokensPerSecond ?? null, at: job.updatedAt, segment }) : record.points;
  const evals = evalLoss !== undefined ? withEval(record.evals, { step: evalStep ?? job.progress.done, loss: evalLoss }) : record.evals;
  const outcome = job.state === 'succeeded' ? job.result : job.state === 'failed' ? job.error : null;
  return { ...record, points, evals, state: job.state, done: job.progress.done, total: job.progress.total, outcome };
}
