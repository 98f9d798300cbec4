/**
 * What a training run is asked to do, its defaults, and the checks that turn a bad option into an
 * error naming it before any work starts. `trainingPlan` resolves the options against the data
 * (epochs → steps) into the numbers the loop uses; `configIdentity` is the part of them that
 * decides the adapter's bits, which a checkpoint records so a resume on other settings is refused.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CreateSessionOptions } from '../runtime/providers';
import type { LoraSettingsInput } from '../lora-io/adapter';
import type { TrainingData } from './training-data';

export interface Hyperparameters {
  /** Peak learning rate. Default 2e-4. */
  lr?: number;
  /** Linear warmup from 0 over this many optimizer steps, then cosine to 0. Default 0. */
  warmupSteps?: number;
  /** Optimizer steps to take; overrides epochs. */
  maxSteps?: number;
  /** Passes over the training rows (rounded up to whole steps). Default 1 when maxSteps is absent. */
  epochs?: number;
  /** Rows per micro-batch. Default 1. */
  batchSize?: number;
  /** Micro-batches summed (weighted by target tokens) into one optimizer step. Default 1. */
  gradientAccumulationSteps?: number;
  /** Clip the global gradient norm to this; 0 turns clipping off. Default 1. */
  maxGradNorm?: number;
  /** AdamW's decoupled weight decay. Default 0 (transformers' Trainer default). */
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** One seed decides the LoRA init, the data order and the dropout masks. Default 42. */
  seed?: number;
}

export interface RunSchedule {
  /** Evaluate every N steps (and after the last); 0 = only after the last. Default 0. */
  evalEvery?: number;
  /** Write a checkpoint every N steps (and on cancel); 0 = never. Default 100. */
  checkpointEvery?: number;
  /** Checkpoints kept on disk, newest first. Default 2. */
  keepCheckpoints?: number;
}

export interface TrainingOptions extends Hyperparameters, RunSchedule {
  /** A Hugging Face model folder (config.json + safetensors). */
  modelDir: string;
  /** The training rows and the held-out ones (rowsTrainingData). */
  data: TrainingData;
  /** r, alpha, dropout, targets ('default', 'all-linear', names or a regex), baseModel for adapter_config.json. */
  lora?: LoraSettingsInput;
  /** The run's folder: checkpoints/step-N/ and, at the end, adapter/. */
  outDir: string;
  /** Continue from the newest complete checkpoint in outDir (a fresh start when there is none). */
  resume?: boolean;
  /** ONNX Runtime: provider ('cpu' default) and threads. */
  session?: CreateSessionOptions;
}

export interface TrainingPlan {
  lr: number;
  warmupSteps: number;
  totalSteps: number;
  batchSize: number;
  gradientAccumulationSteps: number;
  maxGradNorm: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  eps: number;
  seed: number;
  evalEvery: number;
  checkpointEvery: number;
  keepCheckpoints: number;
}

function check(name: string, value: number, ok: boolean, want: string): void {
  if (!ok) throw new Error(`training option ${name}: ${want}, got ${value}`);
}

const wholeAtLeast = (name: string, value: number, min: number) => check(name, value, Number.isInteger(value) && value >= min, `must be an integer ≥ ${min}`);

/** Options resolved with their defaults and checked; `batchesPerEpoch(batchSize)` sizes epoch-based runs. */
export function trainingPlan(options: TrainingOptions, batchesPerEpoch: (batchSize: number) => number): TrainingPlan {
  const lr = options.lr ?? 2e-4;
  check('lr', lr, lr > 0 && Number.isFinite(lr), 'must be a positive number');
  const batchSize = options.batchSize ?? 1;
  wholeAtLeast('batchSize', batchSize, 1);
  const gradientAccumulationSteps = options.gradientAccumulationSteps ?? 1;
  wholeAtLeast('gradientAccumulationSteps', gradientAccumulationSteps, 1);
  let totalSteps: number;
  if (options.maxSteps !== undefined) {
    totalSteps = options.maxSteps;
    wholeAtLeast('maxSteps', totalSteps, 1);
  } else {
    const epochs = options.epochs ?? 1;
    check('epochs', epochs, epochs > 0 && Number.isFinite(epochs), 'must be a positive number');
    totalSteps = Math.max(1, Math.ceil((epochs * batchesPerEpoch(batchSize)) / gradientAccumulationSteps));
  }
  const warmupSteps = options.warmupSteps ?? 0;
  wholeAtLeast('warmupSteps', warmupSteps, 0);
  const maxGradNorm = options.maxGradNorm ?? 1;
  check('maxGradNorm', maxGradNorm, maxGradNorm >= 0 && Number.isFinite(maxGradNorm), 'must be ≥ 0 (0 turns clipping off)');
  const weightDecay = options.weightDecay ?? 0;
  check('weightDecay', weightDecay, weightDecay >= 0 && Number.isFinite(weightDecay), 'must be ≥ 0');
  const beta1 = options.beta1 ?? 0.9;
  const beta2 = options.beta2 ?? 0.999;
  check('beta1', beta1, beta1 >= 0 && beta1 < 1, 'must be in [0, 1)');
  check('beta2', beta2, beta2 >= 0 && beta2 < 1, 'must be in [0, 1)');
  const eps = options.eps ?? 1e-8;
  check('eps', eps, eps >= 0 && Number.isFinite(eps), 'must be ≥ 0');
  const seed = options.seed ?? 42;
  check('seed', seed, Number.isSafeInteger(seed), 'must be an integer');
  const evalEvery = options.evalEvery ?? 0;
  wholeAtLeast('evalEvery', evalEvery, 0);
  const checkpointEvery = options.checkpointEvery ?? 100;
  wholeAtLeast('checkpointEvery', checkpointEvery, 0);
  const keepCheckpoints = options.keepCheckpoints ?? 2;
  wholeAtLeast('keepCheckpoints', keepCheckpoints, 1);
  return { lr, warmupSteps, totalSteps, batchSize, gradientAccumulationSteps, maxGradNorm, weightDecay, beta1, beta2, eps, seed, evalEvery, checkpointEvery, keepCheckpoints };
}

/**
 * Everything that decides the adapter's values, in a fixed order: the model (its config and weight
 * files' sizes), the resolved LoRA settings, the data's fingerprint and the hyperparameters. How
 * often to evaluate or checkpoint, threads and provider are left out: a resumed run may change them.
 */
export function configIdentity(model: Record<string, unknown>, lora: unknown, dataFingerprint: string, plan: TrainingPlan): Record<string, unknown> {
  const { lr, warmupSteps, totalSteps, batchSize, gradientAccumulationSteps, maxGradNorm, weightDecay, beta1, beta2, eps, seed } = plan;
  return {
    model,
    lora,
    data: dataFingerprint,
    hyperparameters: { lr, warmupSteps, totalSteps, batchSize, gradientAccumulationSteps, maxGradNorm, weightDecay, beta1, beta2, eps, seed },
  };
}

/** The model as far as a checkpoint needs to tell it apart: config.json's bytes and the weight files' names and sizes. */
export function modelIdentity(dir: string): Record<string, unknown> {
  const config = createHash('sha256').update(fs.readFileSync(path.join(dir, 'config.json'))).digest('hex');
  const weights = Object.fromEntries(
    fs
      .readdirSync(dir)
      .filter((n) => n.endsWith('.safetensors'))
      .sort()
      .map((n) => [n, fs.statSync(path.join(dir, n)).size]),
  );
  return { config, weights };
}

export function identityHash(identity: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

/** "a.b: x → y" for every leaf that differs, to say why a checkpoint is refused. */
export function identityDiff(saved: unknown, current: unknown, prefix = ''): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(saved) && isObject(current)) {
    const keys = [...new Set([...Object.keys(saved), ...Object.keys(current)])];
    return keys.flatMap((k) => identityDiff(saved[k], current[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(saved) === JSON.stringify(current) ? [] : [`${prefix}: ${JSON.stringify(saved)} → ${JSON.stringify(current)}`];
}
