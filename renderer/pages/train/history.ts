/**
 * The run history: every training run the app knows of, merged by run name from the backend's
 * runs (training.runs: each run folder's input, newest job and checkpoint, whoever started it),
 * its training jobs as events bring them (fresher than the runs' copy), the installed adapters
 * (their lineage: the full configuration and final metrics) and this window's cache of the live
 * curve (run-store.ts: tokens/s and timings, which the checkpoints do not keep).
 */
import type { DatanetSummary, Job, JobState } from '../../../shared/api';
import type { Adapter } from '../../../shared/api/schemas/models';
import type { TrainingRun } from '../../../shared/api/schemas/training';
import { secondsPerStep, type MeasuredRun } from './estimate';
import { NUMBER_LIMITS } from './presets';
import { lastSegment, type RunRecord, type TrainInput } from './run-points';

export interface HistoryRow {
  out: string;
  model: string | null;
  datanet: string | null;
  /**
   * The number of the version it trained on: the adapter's lineage, else the run folder's (a run on
   * "latest" records the one it read), else the input's; a run on "latest" that has read nothing yet
   * reads the datanet's newest, so that one. Null when none is known (a datanet without versions).
   */
  version: number | null;
  state: JobState;
  done: number;
  total: number | null;
  /** What it was started with; null when neither this app nor an adapter's lineage knows. */
  config: Record<string, unknown> | null;
  metrics: Record<string, number>;
  /** The input to start it again with (Resume), when this app started it and it did not finish. */
  resumeInput: TrainInput | null;
  installed: boolean;
  at: number;
  outcome: string | null;
  /** A run folder or a recorded curve exists: it can be shown above with its chart. */
  openable: boolean;
}

/** Input fields that name the run rather than configure it (shown in their own columns). */
const NAMING = new Set(['out']);

function configOf(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([k]) => !NAMING.has(k)));
}

/** `run` names its job in the title ("Train <out> (<model> on …)"); the store knows the jobs it started. */
function runNameOf(job: Job, records: readonly RunRecord[]): string | null {
  return records.find((r) => r.jobIds.includes(job.id))?.out ?? /^Train (\S+) \(/.exec(job.title)?.[1] ?? null;
}

/** A version as a number: "latest" (or none given, the backend's default) is the datanet's newest version. */
function versionOf(version: number | 'latest' | undefined, datanet: DatanetSummary | undefined): number | null {
  return typeof version === 'number' ? version : (datanet?.lastVersion?.number ?? null);
}

const newer = (a: Job | undefined, b: Job | null | undefined): Job | undefined =>
  !b ? a : !a ? b : a.createdAt !== b.createdAt ? (a.createdAt > b.createdAt ? a : b) : a.updatedAt >= b.updatedAt ? a : b;

export function historyRows(
  records: readonly RunRecord[],
  jobs: readonly Job[],
  adapters: readonly Adapter[],
  datanets: readonly DatanetSummary[],
  runs: readonly TrainingRun[] = [],
): HistoryRow[] {
  const find = (datanet: string | null | undefined) => (datanet ? datanets.find((d) => d.id === datanet || d.name === datanet) : undefined);
  const nameOf = (datanet: string | null | undefined) => (datanet ? (find(datanet)?.name ?? datanet) : null);
  const newestJob = new Map<string, Job>();
  for (const job of jobs) {
    if (job.kind !== 'training') continue;
    const out = runNameOf(job, records);
    if (out && (newestJob.get(out)?.createdAt ?? -1) < job.createdAt) newestJob.set(out, job);
  }
  const names = new Set([...runs.map((r) => r.out), ...records.map((r) => r.out), ...newestJob.keys(), ...adapters.filter((a) => a.lineage).map((a) => a.name)]);
  const rows: HistoryRow[] = [];
  for (const out of names) {
    const record = records.find((r) => r.out === out);
    const run = runs.find((r) => r.out === out);
    const job = newer(newestJob.get(out), run?.job);
    const adapter = adapters.find((a) => a.name === out && a.lineage);
    const lineage = adapter?.lineage ?? null;
    // The backend's copy of what started it, else this window's, else what the adapter says it was trained with.
    const startedWith: TrainInput | null = run?.input ?? record?.input ?? null;
    const input: Record<string, unknown> | null = startedWith ?? lineage?.hyperparameters ?? null;
    const state: JobState = job?.state ?? run?.state ?? (adapter ? 'succeeded' : (record?.state ?? 'interrupted'));
    const last = record?.points.at(-1) ?? run?.losses.at(-1);
    const lastEval = (record?.evals.length ? record.evals : run?.evals)?.at(-1)?.loss;
    const lastSpeed = record?.points.at(-1)?.tokensPerSecond ?? null;
    const counts = job?.progress.counts ?? {};
    const metrics: Record<string, number> = {
      ...(counts.loss !== undefined ? { trainLoss: counts.loss } : last ? { trainLoss: last.loss } : {}),
      ...(counts.evalLoss !== undefined ? { evalLoss: counts.evalLoss } : lastEval !== undefined ? { evalLoss: lastEval } : {}),
      ...(counts.tokensPerSecond !== undefined ? { tokensPerSecond: counts.tokensPerSecond } : lastSpeed !== null ? { tokensPerSecond: lastSpeed } : {}),
      // The lineage's steps are the run's `done`, shown as such.
      ...Object.fromEntries(Object.entries(lineage?.metrics ?? {}).filter(([k]) => k !== 'steps')),
      ...(lineage ? { examples: lineage.examples } : {}),
    };
    rows.push({
      out,
      model: (input?.model as string | undefined) ?? adapter?.base ?? null,
      datanet: nameOf((input?.datanet as string | undefined) ?? lineage?.datanet) ?? record?.datanetName ?? null,
      version: versionOf(lineage?.version ?? run?.version ?? (input?.version as number | 'latest' | undefined), find((input?.datanet as string | undefined) ?? lineage?.datanet)),
      state,
      done: job?.progress.done ?? lineage?.metrics.steps ?? run?.checkpoint?.step ?? record?.done ?? 0,
      total: job?.progress.total ?? run?.checkpoint?.totalSteps ?? record?.total ?? null,
      config: input ? configOf(input) : null,
      metrics,
      resumeInput: !adapter && !run?.adapter && startedWith && state !== 'running' && state !== 'succeeded' ? startedWith : null,
      installed: adapters.some((a) => a.name === out),
      at: job?.updatedAt ?? run?.updatedAt ?? lineage?.trainedAt ?? record?.createdAt ?? 0,
      outcome: job?.state === 'failed' ? job.error : job?.state === 'succeeded' ? job.result : (record?.outcome ?? null),
      openable: run !== undefined || record !== undefined,
    });
  }
  return rows.sort((a, b) => b.at - a.at);
}

/** The speed each recorded run measured, newest first, for the time estimate. */
export function measuredRuns(records: readonly RunRecord[]): MeasuredRun[] {
  return records.flatMap((r) => {
    const segment = lastSegment(r.points);
    const sps = secondsPerStep(segment);
    if (!r.input || sps === null) return [];
    const batch = r.input.batch ?? 1;
    const accum = r.input.gradAccum ?? 1;
    return [{ out: r.out, model: r.input.model, datanet: r.input.datanet, examplesPerStep: batch * accum, secondsPerStep: sps, tokensPerSecond: segment.at(-1)?.tokensPerSecond ?? null }];
  });
}

export interface Difference {
  key: string;
  /** What the form and the run call it, for a person. */
  label: string;
  a: unknown;
  b: unknown;
  differs: boolean;
}

/** Names of the settings the form has no number field for, and of the metrics. */
const OTHER_LABELS: Readonly<Record<string, string>> = {
  out: 'Adapter',
  model: 'Base model',
  datanet: 'Datanet',
  version: 'Version',
  field: 'Learns from (field)',
  epochs: 'Epochs',
  targets: 'Target modules',
  packing: 'Packing',
  provider: 'Execution provider',
  threads: 'Threads',
  trainLoss: 'Train loss',
  evalLoss: 'Eval loss',
  tokensPerSecond: 'Tokens/s',
  stepsDone: 'Steps done',
};

/** A setting's or metric's name as the form shows it; a key it does not know is shown as it is. */
export function compareLabel(key: string): string {
  return NUMBER_LIMITS.find((l) => l.key === key)?.label ?? (Object.hasOwn(OTHER_LABELS, key) ? OTHER_LABELS[key]! : key);
}

/** Two runs side by side: every setting and metric either has, by name, the differing ones marked. */
export function compareRuns(a: HistoryRow, b: HistoryRow): { settings: Difference[]; metrics: Difference[] } {
  const diff = (x: Record<string, unknown>, y: Record<string, unknown>): Difference[] =>
    [...new Set([...Object.keys(x), ...Object.keys(y)])]
      .map((key) => ({ key, label: compareLabel(key), a: x[key], b: y[key], differs: JSON.stringify(x[key]) !== JSON.stringify(y[key]) }))
      .sort((p, q) => p.label.localeCompare(q.label));
  const settings = diff({ ...a.config, model: a.model, datanet: a.datanet, version: a.version }, { ...b.config, model: b.model, datanet: b.datanet, version: b.version });
  return { settings, metrics: diff({ ...a.metrics, stepsDone: a.done }, { ...b.metrics, stepsDone: b.done }) };
}
