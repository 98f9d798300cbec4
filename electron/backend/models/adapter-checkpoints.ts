/**
 * TracIn's checkpoints (TracInCP sums one gradient product per saved checkpoint): while a run
 * trains, the adapter of the checkpoints nearest to each of a few evenly spread points of the run
 * is copied to `<run>/tracin/step-<N>/` (PEFT's two files; the trainer itself keeps only its last
 * few checkpoints, for resuming, all near the end). When the run ends they are installed with the
 * adapter as `<adapter>/checkpoints/step-<N>/`; the final adapter is the folder itself. Export and
 * re-import carry PEFT's files only: an adapter brought from elsewhere attributes with its final
 * weights alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE } from '../../../engine/lora-io/peft-files';
import { stepFolders } from '../../../engine/train/checkpoint-store';

export const ADAPTER_CHECKPOINTS_DIR = 'checkpoints';
export const RUN_TRACIN_DIR = 'tracin';
/** Checkpoints kept before the end: each adds a gradient pass per example to the store's build and per query. */
export const TRACIN_SNAPSHOTS = 3;
const PEFT_FILES = [ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE];

export interface AdapterCheckpoint {
  /** Optimizer steps taken when it was saved. */
  step: number;
  /** A PEFT folder. */
  dir: string;
}

/** Copies an adapter's PEFT files from one folder into another (created if missing). */
function copyAdapterFiles(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const f of PEFT_FILES) fs.copyFileSync(path.join(from, f), path.join(to, f));
}

/** The step-N folders under `root` that hold an adapter (whole: a copy cut short has no weights yet), oldest first. */
function adapterFolders(root: string): AdapterCheckpoint[] {
  return stepFolders(root).filter(({ dir }) => PEFT_FILES.every((f) => fs.existsSync(path.join(dir, f))));
}

/** Which of `count` equal stretches of the run a step ends (0: the first, before any snapshot is due). */
const stretch = (step: number, totalSteps: number, count: number) => Math.floor((step * (count + 1)) / totalSteps);

/**
 * Called with each checkpoint the trainer writes: copies its adapter when it is the first
 * checkpoint of a new stretch of the run (so a run of 600 steps checkpointed every 50 keeps
 * steps 150, 300 and 450). Whole or absent: copied under a temporary name, then renamed.
 */
export function keepTracinSnapshot(runDir: string, checkpointDir: string, step: number, totalSteps: number, count = TRACIN_SNAPSHOTS): boolean {
  if (step >= totalSteps) return false;
  const root = path.join(runDir, RUN_TRACIN_DIR);
  const now = stretch(step, totalSteps, count);
  const last = adapterFolders(root).at(-1);
  if (now < 1 || (last && stretch(last.step, totalSteps, count) >= now)) return false;
  const tmp = path.join(root, `.step-${step}.tmp`);
  fs.rmSync(tmp, { recursive: true, force: true });
  copyAdapterFiles(checkpointDir, tmp);
  fs.renameSync(tmp, path.join(root, `step-${step}`));
  return true;
}

/** Copies the run's snapshots into an adapter folder being installed; returns their steps. */
export function installTracinSnapshots(runDir: string, adapterDir: string): number[] {
  const snapshots = adapterFolders(path.join(runDir, RUN_TRACIN_DIR));
  for (const { step, dir } of snapshots) copyAdapterFiles(dir, path.join(adapterDir, ADAPTER_CHECKPOINTS_DIR, `step-${step}`));
  return snapshots.map((s) => s.step);
}

/** The installed adapter's checkpoints, oldest first (none for an adapter not trained here). */
export function adapterCheckpoints(adapterDir: string): AdapterCheckpoint[] {
  return adapterFolders(path.join(adapterDir, ADAPTER_CHECKPOINTS_DIR));
}
