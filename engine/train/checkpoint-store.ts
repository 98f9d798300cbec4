/**
 * A run's checkpoints on disk: `<out>/checkpoints/step-<N>/` holds the PEFT adapter
 * (adapter_config.json + adapter_model.safetensors), the optimizer state (optimizer.safetensors,
 * with the dropout Prng state and the data position in its metadata) and trainer-state.json (step,
 * config hash, loss history). Each is written whole into a hidden temporary folder, flushed to
 * disk, and renamed into place, so a process killed at any moment leaves every step-N folder either
 * complete or absent; the newest complete one is what a resume reads.
 */
import { readdirSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LoraAdapter } from '../lora-io/adapter';
import { readPeftAdapter, writePeftAdapter } from '../lora-io/peft-files';
import type { ModelConfig } from '../models/config';
import type { AdamW } from './adamw';
import { loadOptimizerState, saveOptimizerState } from './optimizer-state';
import type { PrngState } from './prng';

export const TRAINER_STATE_FILE = 'trainer-state.json';
export const OPTIMIZER_FILE = 'optimizer.safetensors';
const FORMAT = 'datanet-studio-trainer/1';
const STEP_DIR = /^step-(\d+)$/;

/** One optimizer step's record, as progress reported it. */
export interface StepRecord {
  step: number;
  loss: number;
  lr: number;
  gradNorm: number;
  evalLoss?: number;
}

export interface TrainerState {
  format: typeof FORMAT;
  /** Optimizer steps taken. */
  step: number;
  totalSteps: number;
  /** sha-256 of the config identity below; a resume must match it. */
  configHash: string;
  config: Record<string, unknown>;
  history: StepRecord[];
  /** Target tokens trained on so far. */
  tokens: number;
}

/** What a checkpoint restores besides the adapter and the optimizer's moments. */
export interface ResumePoint {
  dropoutPrng: PrngState;
  dataPosition: string;
}

export const checkpointsDir = (outDir: string) => path.join(outDir, 'checkpoints');
export const checkpointDir = (outDir: string, step: number) => path.join(checkpointsDir(outDir), `step-${step}`);
export const finalAdapterDir = (outDir: string) => path.join(outDir, 'adapter');

async function fsyncPath(p: string): Promise<void> {
  const fh = await open(p, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Flushes a folder's files and the folder itself, so the rename that follows publishes durable bytes. */
async function fsyncFolder(dir: string): Promise<void> {
  for (const name of await readdir(dir)) await fsyncPath(path.join(dir, name));
  await fsyncPath(dir);
}

/** Moves a finished temporary folder to `dest`, replacing one that is there. */
async function publish(tmp: string, dest: string): Promise<void> {
  await fsyncFolder(tmp);
  const old = `${dest}.old-${process.pid}`;
  let replaced = false;
  try {
    await rename(dest, old);
    replaced = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await rename(tmp, dest);
  await fsyncPath(path.dirname(dest));
  if (replaced) await rm(old, { recursive: true, force: true });
}

export async function writeCheckpoint(outDir: string, adapter: LoraAdapter, optimizer: AdamW, resume: ResumePoint, state: TrainerState): Promise<string> {
  const root = checkpointsDir(outDir);
  await mkdir(root, { recursive: true });
  const dest = checkpointDir(outDir, state.step);
  const tmp = path.join(root, `.step-${state.step}.tmp-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  await writePeftAdapter(tmp, adapter);
  await saveOptimizerState(path.join(tmp, OPTIMIZER_FILE), optimizer, { 'trainer.dropout_prng': JSON.stringify(resume.dropoutPrng), 'trainer.data_position': resume.dataPosition });
  await writeFile(path.join(tmp, TRAINER_STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
  await publish(tmp, dest);
  return dest;
}

/** The final adapter in `<out>/adapter/`, written whole or not at all. */
export async function writeFinalAdapter(outDir: string, adapter: LoraAdapter): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const dest = finalAdapterDir(outDir);
  const tmp = path.join(outDir, `.adapter.tmp-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  await writePeftAdapter(tmp, adapter);
  await publish(tmp, dest);
  return dest;
}

/**
 * The `step-<N>` folders directly under `root`, oldest first (none when `root` is absent): a run's
 * checkpoints, and the adapter snapshots the app keeps of them.
 */
export function stepFolders(root: string): Array<{ step: number; dir: string }> {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names
    .map((n) => STEP_DIR.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ step: Number(m[1]), dir: path.join(root, m[0]) }))
    .sort((a, b) => a.step - b.step);
}

/** Complete checkpoints, oldest first. */
export function listCheckpoints(outDir: string): Promise<Array<{ step: number; dir: string }>> {
  return Promise.resolve(stepFolders(checkpointsDir(outDir)));
}

/** Removes all but the newest `keep` checkpoints, and temporary folders a killed run left behind. */
export async function pruneCheckpoints(outDir: string, keep: number): Promise<void> {
  const all = await listCheckpoints(outDir);
  for (const c of all.slice(0, Math.max(0, all.length - keep))) await rm(c.dir, { recursive: true, force: true });
  await removeLeftovers(outDir);
}

export async function removeLeftovers(outDir: string): Promise<void> {
  for (const dir of [checkpointsDir(outDir), outDir]) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    // Only a run of this process may be writing its own; other pids' are what a kill left.
    for (const n of names) if (/^\.(step-\d+|adapter)\.tmp-\d+$/.test(n) || /^step-\d+\.old-\d+$/.test(n)) {
      if (!n.endsWith(`-${process.pid}`)) await rm(path.join(dir, n), { recursive: true, force: true });
    }
  }
}

export async function readTrainerState(dir: string): Promise<TrainerState> {
  const file = path.join(dir, TRAINER_STATE_FILE);
  const state = JSON.parse(await readFile(file, 'utf8')) as Partial<TrainerState> | null;
  if (state?.format !== FORMAT || !Number.isInteger(state.step) || typeof state.configHash !== 'string') {
    throw new Error(`${file}: not a trainer state (format ${JSON.stringify(state?.format ?? null)}, expected ${FORMAT})`);
  }
  return state as TrainerState;
}

export interface LoadedCheckpoint {
  adapter: LoraAdapter;
  optimizer: AdamW;
  resume: ResumePoint;
}

/**
 * Reads a checkpoint's adapter for `cfg`, makes the optimizer over its tensors, and restores the
 * optimizer's moments and step and the run's Prng state and data position.
 */
export async function loadCheckpoint(dir: string, cfg: ModelConfig, makeOptimizer: (adapter: LoraAdapter) => AdamW): Promise<LoadedCheckpoint> {
  const adapter = await readPeftAdapter(dir, cfg);
  const optimizer = makeOptimizer(adapter);
  const { extra } = await loadOptimizerState(path.join(dir, OPTIMIZER_FILE), optimizer);
  const prng = extra['trainer.dropout_prng'];
  const dataPosition = extra['trainer.data_position'];
  if (prng === undefined || dataPosition === undefined) throw new Error(`${path.join(dir, OPTIMIZER_FILE)}: no dropout Prng state or data position in its metadata`);
  return { adapter, optimizer, resume: { dropoutPrng: JSON.parse(prng) as PrngState, dataPosition } };
}
