/**
 * The LoRA training loop (engine/train/trainer.ts) on the tiny GPT-2 and Llama fixtures, through
 * real ONNX Runtime sessions and real files: the loss falls, one seed repeats a run exactly and
 * another does not, gradient accumulation matches the larger batch, eval loss and progress are
 * reported, checkpoints are kept as asked, and a cancelled run stops with a checkpoint.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPeftAdapter } from '../../engine/lora-io/peft-files';
import { loadModelConfig } from '../../engine/models/config';
import { listCheckpoints, readTrainerState } from '../../engine/train/checkpoint-store';
import { learningRateAt } from '../../engine/train/schedule';
import { runTraining, type TrainingProgress } from '../../engine/train/trainer';
import type { TrainingOptions } from '../../engine/train/training-options';
import { adapterTensors, tempOut, textData, tinyModel } from './train-fixture';

const models = { gpt2: tinyModel('gpt2', 3), llama: tinyModel('llama', 4) };
const outs: string[] = [];
afterAll(() => {
  for (const m of Object.values(models)) m.cleanup();
  for (const o of outs) fs.rmSync(o, { recursive: true, force: true });
});

function out(): string {
  const dir = tempOut();
  outs.push(dir);
  return dir;
}

type Arch = keyof typeof models;

async function train(arch: Arch, options: Partial<TrainingOptions>, onProgress?: (p: TrainingProgress) => void, shape: Parameters<typeof textData>[1] = { repeat: 2 }) {
  const data = await textData(models[arch].dir, shape);
  return runTraining({ modelDir: models[arch].dir, outDir: out(), data, session: { threads: 2 }, checkpointEvery: 0, ...options }, onProgress ? { onProgress } : {});
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function maxAbsDiff(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let d = 0;
  for (const [name, x] of a) {
    const y = b.get(name)!;
    for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i]! - y[i]!));
  }
  return d;
}

describe.each(['gpt2', 'llama'] as const)('training %s', (arch) => {
  it('lowers the training and the eval loss on a small repeated dataset', async () => {
    const events: TrainingProgress[] = [];
    const result = await train(arch, { maxSteps: 40, lr: 2e-2, batchSize: 4, evalEvery: 20, lora: { r: 8, alpha: 16, targets: 'all-linear' } }, (p) => events.push(p), {
      sentences: 3,
      repeat: 5,
    });
    expect(result.status).toBe('completed');
    const losses = events.map((e) => e.loss);
    const [first, last] = [mean(losses.slice(0, 5)), mean(losses.slice(-5))];
    // Measured: 5.8 → 3.1 for both (a ratio of 0.56).
    expect(last, losses.map((l) => l.toFixed(2)).join(' ')).toBeLessThan(0.7 * first);
    const evals = events.filter((e) => e.evalLoss !== undefined);
    expect(evals.map((e) => e.step)).toEqual([20, 40]);
    expect(evals[1]!.evalLoss!).toBeLessThan(losses[0]!);
    expect(result.evalLoss).toBe(evals[1]!.evalLoss);
    // The adapter is PEFT's: it reads back for the model with the settings it was trained with.
    const adapter = await readPeftAdapter(result.adapterDir!, loadModelConfig(models[arch].dir));
    expect(adapter.settings).toMatchObject({ r: 8, alpha: 16 });
  }, 60_000);

  it('one seed repeats a run exactly, with dropout on; another seed gives another adapter', async () => {
    const options = { maxSteps: 6, lr: 1e-2, batchSize: 2, lora: { r: 4, alpha: 8, dropout: 0.2 } };
    const [a, b, c] = await Promise.all([train(arch, { ...options, seed: 1 }), train(arch, { ...options, seed: 1 }), train(arch, { ...options, seed: 2 })]);
    expect(b.history).toEqual(a.history);
    expect(maxAbsDiff(await adapterTensors(a.adapterDir!), await adapterTensors(b.adapterDir!))).toBe(0);
    expect(c.history[0]!.loss).not.toBe(a.history[0]!.loss);
    expect(maxAbsDiff(await adapterTensors(a.adapterDir!), await adapterTensors(c.adapterDir!))).toBeGreaterThan(1e-4);
  }, 60_000);
});

describe('the training loop', () => {
  it('accumulating 2 micro-batches of 2 rows equals one batch of 4 (by target tokens)', async () => {
    const options = { maxSteps: 3, lr: 1e-3, seed: 3, lora: { r: 4, alpha: 8, targets: 'all-linear' } };
    const whole = await train('gpt2', { ...options, batchSize: 4 });
    const split = await train('gpt2', { ...options, batchSize: 2, gradientAccumulationSteps: 2 });
    const unlike = await train('gpt2', { ...options, batchSize: 2 });
    whole.history.forEach((h, i) => {
      const s = split.history[i]!;
      expect(Math.abs(s.loss - h.loss), `step ${h.step} loss`).toBeLessThan(1e-5 * h.loss);
      expect(Math.abs(s.gradNorm - h.gradNorm), `step ${h.step} gradient norm`).toBeLessThan(1e-4 * h.gradNorm);
    });
    const [a, b, c] = [await adapterTensors(whole.adapterDir!), await adapterTensors(split.adapterDir!), await adapterTensors(unlike.adapterDir!)];
    // lr 1e-3 for 3 steps moves values by up to 3e-3; rounding in the two shapes differs by far less.
    expect(maxAbsDiff(a, b)).toBeLessThan(3e-6);
    expect(maxAbsDiff(a, c)).toBeGreaterThan(1e-4);
  }, 60_000);

  it('reports progress every step: the schedule, the gradient norm, tokens/s and the time left', async () => {
    const events: TrainingProgress[] = [];
    const result = await train('gpt2', { maxSteps: 8, warmupSteps: 2, lr: 1e-2, batchSize: 2, maxGradNorm: 0.05 }, (p) => events.push(p));
    expect(events.map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const e of events) {
      expect(e.totalSteps).toBe(8);
      expect(e.lr).toBe(learningRateAt({ lr: 1e-2, warmupSteps: 2, totalSteps: 8 }, e.step - 1));
      expect(e.loss).toBeGreaterThan(0);
      expect(e.gradNorm).toBeGreaterThan(0);
      expect(e.tokensPerSecond).toBeGreaterThan(0);
      expect(e.etaSeconds).toBeGreaterThanOrEqual(0);
      // evalEvery 0: held-out loss after the last step only.
      if (e.step < 8) expect(e.evalLoss).toBeUndefined();
    }
    expect(events[7]!.evalLoss).toBeGreaterThan(0);
    expect(events[0]!.lr).toBe(0);
    expect(events[7]!.etaSeconds).toBe(0);
    expect(result.history.map((h) => h.loss)).toEqual(events.map((e) => e.loss));
  }, 60_000);

  it('keeps the last K checkpoints, each with the adapter, the optimizer state and the trainer state', async () => {
    const written: string[] = [];
    const result = await train('gpt2', { maxSteps: 7, checkpointEvery: 2, keepCheckpoints: 2, batchSize: 2 }, (p) => p.checkpoint && written.push(path.basename(p.checkpoint)));
    expect(written).toEqual(['step-2', 'step-4', 'step-6', 'step-7']);
    const kept = await listCheckpoints(path.dirname(result.adapterDir!));
    expect(kept.map((c) => c.step)).toEqual([6, 7]);
    expect(fs.readdirSync(kept[1]!.dir).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors', 'optimizer.safetensors', 'trainer-state.json']);
    const state = await readTrainerState(kept[1]!.dir);
    expect(state.step).toBe(7);
    expect(state.history).toEqual(result.history);
    // The last checkpoint holds the final adapter.
    expect(maxAbsDiff(await adapterTensors(kept[1]!.dir), await adapterTensors(result.adapterDir!))).toBe(0);
  }, 60_000);

  it('cancel stops after the current step, writes a checkpoint and reports cancelled', async () => {
    const controller = new AbortController();
    const events: TrainingProgress[] = [];
    const data = await textData(models.gpt2.dir, { repeat: 2 });
    const dir = out();
    const result = await runTraining(
      { modelDir: models.gpt2.dir, outDir: dir, data, maxSteps: 50, checkpointEvery: 0, batchSize: 2 },
      {
        signal: controller.signal,
        onProgress: (p) => {
          events.push(p);
          if (p.step === 3) controller.abort();
        },
      },
    );
    expect(result).toMatchObject({ status: 'cancelled', step: 3, totalSteps: 50, adapterDir: null, checkpointDir: path.join(dir, 'checkpoints', 'step-3') });
    expect(events).toHaveLength(3);
    expect(fs.existsSync(path.join(dir, 'adapter'))).toBe(false);
    expect((await readTrainerState(result.checkpointDir!)).step).toBe(3);
  }, 60_000);

  it('refuses bad options by name', async () => {
    await expect(train('gpt2', { batchSize: 0 })).rejects.toThrow(/training option batchSize: must be an integer ≥ 1, got 0/);
    await expect(train('gpt2', { lr: -1 })).rejects.toThrow(/training option lr/);
    await expect(train('gpt2', { lora: { r: 4, targets: ['nope'] } })).rejects.toThrow(/"nope" matches no linear layer/);
  });
});
