/**
 * The training runs on disk, for training.runs: every `<dataDir>/runs/<out>/run.json` (written by
 * TrainingService.start) with what the backend knows of it — its newest training job, its newest
 * checkpoint and the losses recorded there, the adapter it installed. A run started from the
 * command line or another window shows, and resumes, like one started here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { listCheckpoints, readTrainerState, type TrainerState } from '../../../engine/train/checkpoint-store';
import { ModelName } from '../../../shared/api/schemas/assist';
import type { Job } from '../../../shared/api/schemas/jobs';
import { TrainStartInput, type TrainingRun } from '../../../shared/api/schemas/training';
import type { JobRunner } from '../jobs/runner';
import type { ModelsService } from '../models/service';

export const RUN_FILE = 'run.json';
/**
 * The number of the version a run reads, written once it has read it: a run started on "latest"
 * reads that same version when resumed (after a newer one is frozen too), and is named by it.
 */
const VERSION_FILE = 'version.json';

/** The version number a run read, or null before it has read one (or when the file is unreadable). */
export function readRunVersion(runDir: string): number | null {
  try {
    const { version } = JSON.parse(fs.readFileSync(path.join(runDir, VERSION_FILE), 'utf8')) as { version?: unknown };
    return typeof version === 'number' && Number.isSafeInteger(version) && version > 0 ? version : null;
  } catch {
    return null;
  }
}

export function writeRunVersion(runDir: string, version: number): void {
  fs.writeFileSync(path.join(runDir, VERSION_FILE), `${JSON.stringify({ version })}\n`);
}
/** More train-loss points than a chart draws; past it every k-th step is kept (and the last). */
const MAX_LOSSES = 1000;
/** Jobs looked through for the runs' newest ones; older training jobs than that read as none. */
const JOBS_SCANNED = 500;

/** The run a training job belongs to: its title is "Train <out> (…)" and `out` has no spaces. */
export function runOfTitle(title: string): string | null {
  return /^Train (\S+) \(/.exec(title)?.[1] ?? null;
}

function thinned(history: TrainerState['history']): TrainingRun['losses'] {
  const every = Math.ceil(history.length / MAX_LOSSES);
  return history.filter((h, i) => i % every === 0 || i === history.length - 1).map((h) => ({ step: h.step, loss: h.loss }));
}

async function newestCheckpoint(runDir: string): Promise<{ checkpoint: TrainingRun['checkpoint']; losses: TrainingRun['losses']; evals: TrainingRun['evals'] }> {
  const none = { checkpoint: null, losses: [], evals: [] };
  const newest = (await listCheckpoints(runDir)).at(-1);
  if (!newest) return none;
  let state: TrainerState;
  try {
    state = await readTrainerState(newest.dir);
  } catch {
    // Not this trainer's (or written by a newer one): the run still lists, without its curve.
    return none;
  }
  const history = Array.isArray(state.history) ? state.history.filter((h) => Number.isFinite(h.loss)) : [];
  return {
    checkpoint: { step: state.step, totalSteps: state.totalSteps, at: Math.round(fs.statSync(newest.dir).mtimeMs) },
    losses: thinned(history),
    evals: history.flatMap((h) => (h.evalLoss !== undefined && Number.isFinite(h.evalLoss) ? [{ step: h.step, loss: h.evalLoss }] : [])),
  };
}

/** Every run with a run.json, newest first. */
export async function listRuns(runsDir: string, deps: { jobs: JobRunner; models: ModelsService }): Promise<TrainingRun[]> {
  let names: string[];
  try {
    names = fs.readdirSync(runsDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const newestJob = new Map<string, Job>();
  for (const job of deps.jobs.list({ limit: JOBS_SCANNED })) {
    const out = job.kind === 'training' ? runOfTitle(job.title) : null;
    // The list is newest first.
    if (out && !newestJob.has(out)) newestJob.set(out, job);
  }
  const installed = new Set(deps.models.adapters.list().map((a) => a.name));
  const runs: TrainingRun[] = [];
  for (const out of names) {
    if (!ModelName.safeParse(out).success) continue; // not a run's folder
    const runDir = path.join(runsDir, out);
    const file = path.join(runDir, RUN_FILE);
    let text: string;
    let startedAt: number;
    try {
      text = fs.readFileSync(file, 'utf8');
      startedAt = Math.round(fs.statSync(file).mtimeMs);
    } catch {
      continue; // not a run folder (or one being made)
    }
    let input: TrainingRun['input'] = null;
    try {
      const parsed = TrainStartInput.safeParse(JSON.parse(text));
      // A folder renamed by hand is not the run its file names.
      if (parsed.success && parsed.data.out === out) input = parsed.data;
    } catch {
      // Unreadable JSON: listed without an input, so it cannot be resumed from here.
    }
    const job = newestJob.get(out) ?? null;
    const adapter = installed.has(out) ? out : null;
    const { checkpoint, losses, evals } = await newestCheckpoint(runDir);
    const version = readRunVersion(runDir) ?? (typeof input?.version === 'number' ? input.version : null);
    runs.push({
      out,
      input,
      ...(version !== null ? { version } : {}),
      state: job?.state ?? (adapter ? 'succeeded' : 'interrupted'),
      job,
      checkpoint,
      losses,
      evals,
      adapter,
      startedAt,
      updatedAt: Math.max(startedAt, job?.updatedAt ?? 0, checkpoint?.at ?? 0),
    });
  }
  return runs.sort((a, b) => b.updatedAt - a.updatedAt || a.out.localeCompare(b.out));
}
