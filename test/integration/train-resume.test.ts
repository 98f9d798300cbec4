/**
 * Resume after a kill (issue 7, point 4): a child process trains and checkpoints, is SIGKILLed
 * mid-run, and the run resumed in this process ends with the same adapter, bit for bit, as a run
 * that never stopped; LoRA dropout is on, so the dropout stream, the data order and AdamW's state
 * all have to come back exactly.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listCheckpoints } from '../../engine/train/checkpoint-store';
import { runTraining, type TrainingHooks, type TrainingProgress } from '../../engine/train/trainer';
import { adapterTensors, tempOut, textData, tinyModel } from './train-fixture';

const model = tinyModel('gpt2', 5);
const outs: string[] = [];
afterAll(() => {
  model.cleanup();
  for (const o of outs) fs.rmSync(o, { recursive: true, force: true });
});

const OPTIONS = { maxSteps: 30, lr: 1e-2, warmupSteps: 3, batchSize: 2, gradientAccumulationSteps: 2, checkpointEvery: 4, keepCheckpoints: 2, seed: 11, lora: { r: 4, alpha: 8, dropout: 0.1, targets: 'all-linear' }, session: { threads: 2 } };

function out(): string {
  const dir = tempOut();
  outs.push(dir);
  return dir;
}

/** Polls until `ready()` or the child exits; resolves with whether it became ready. */
async function waitFor(ready: () => boolean, exited: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (ready()) return true;
    if (exited()) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

describe('training resumed after SIGKILL', () => {
  it('ends with the adapter of the run that never stopped, bit for bit', async () => {
    const killedOut = out();
    const child = spawn(process.execPath, ['scripts/run-ts.mjs', 'test/integration/train-resume-child.ts', model.dir, killedOut, JSON.stringify({ ...OPTIONS, stepDelayMs: 60 })], {
      // Its own process group: run-ts.mjs starts the training node as a grandchild, and the kill must reach both.
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    const exited = new Promise<void>((resolve) => child.on('exit', (code, signal) => ((exit = { code, signal }), resolve())));

    const step8 = path.join(killedOut, 'checkpoints', 'step-8');
    const ready = await waitFor(() => fs.existsSync(step8), () => exit !== null, 60_000);
    expect(ready, `the child never wrote step 8 (exit ${JSON.stringify(exit)}): ${stderr}`).toBe(true);
    // Mid-step or mid-checkpoint: a little later than the checkpoint, well before the end (30 steps × ≥ 60 ms).
    await new Promise((r) => setTimeout(r, 90));
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    expect(exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(fs.existsSync(path.join(killedOut, 'adapter')), 'the child finished before the kill').toBe(false);
    const left = (await listCheckpoints(killedOut)).map((c) => c.step);
    expect(left.length).toBeGreaterThan(0);
    // Kept: the newest two, the newer at least step 8 and short of the end.
    expect(left.length, `checkpoints after the kill: ${left.join(', ')}`).toBeLessThanOrEqual(2);
    expect(left[left.length - 1]!, `checkpoints after the kill: ${left.join(', ')}`).toBeGreaterThanOrEqual(8);
    expect(left[left.length - 1]!, `checkpoints after the kill: ${left.join(', ')}`).toBeLessThan(30);

    const data = await textData(model.dir, { repeat: 2 });
    const events: TrainingProgress[] = [];
    const resumed = await runTraining({ ...OPTIONS, modelDir: model.dir, outDir: killedOut, data, resume: true }, { onProgress: (p) => events.push(p) });
    expect(resumed.status).toBe('completed');
    expect(resumed.resumedFrom).toBe(left[left.length - 1]);
    expect(events[0]!.step).toBe(resumed.resumedFrom! + 1);
    expect(resumed.history.map((h) => h.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    // The killed run's temporary folders, if any, are gone.
    expect(fs.readdirSync(path.join(killedOut, 'checkpoints')).filter((n) => n.startsWith('.'))).toEqual([]);

    const straight = await runTraining({ ...OPTIONS, modelDir: model.dir, outDir: out(), data });
    expect(straight.history).toEqual(resumed.history);
    const [a, b] = [await adapterTensors(resumed.adapterDir!), await adapterTensors(straight.adapterDir!)];
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [name, values] of a) {
      const other = b.get(name)!;
      const differing = values.findIndex((v, i) => !Object.is(v, other[i]));
      expect(differing, `${name} differs at ${differing}`).toBe(-1);
    }
    // Trained: B moved away from its zero init.
    expect([...a.values()].some((t) => t.some((v) => v !== 0))).toBe(true);

    // Resuming a finished run takes no steps and gives the same result again.
    const again = await runTraining({ ...OPTIONS, modelDir: model.dir, outDir: killedOut, data, resume: true }, { onProgress: () => expect.unreachable('no steps are left') });
    expect(again).toMatchObject({ status: 'completed', step: 30, resumedFrom: 30, evalLoss: resumed.evalLoss });
    expect(await adapterTensors(again.adapterDir!)).toEqual(a);
  }, 120_000);

  it('refuses a checkpoint of another configuration, naming what changed', async () => {
    const dir = out();
    const data = await textData(model.dir, { repeat: 2 });
    const first = await runTraining({ ...OPTIONS, maxSteps: 4, modelDir: model.dir, outDir: dir, data }, { signal: AbortSignal.abort() });
    expect(first.status).toBe('cancelled');
    expect(first.step).toBe(0);
    await runTraining({ ...OPTIONS, maxSteps: 6, checkpointEvery: 2, modelDir: model.dir, outDir: dir, data, resume: true }, cancelAt(2));
    await expect(runTraining({ ...OPTIONS, maxSteps: 6, checkpointEvery: 2, lr: 2e-2, modelDir: model.dir, outDir: dir, data, resume: true })).rejects.toThrow(
      /another training configuration.*hyperparameters\.lr: 0\.01 → 0\.02/,
    );
    await expect(runTraining({ ...OPTIONS, maxSteps: 6, checkpointEvery: 2, lora: { ...OPTIONS.lora, r: 8 }, modelDir: model.dir, outDir: dir, data, resume: true })).rejects.toThrow(/lora\.r: 4 → 8/);
    await expect(runTraining({ ...OPTIONS, maxSteps: 6, checkpointEvery: 2, modelDir: model.dir, outDir: dir, data: await textData(model.dir, { repeat: 3 }), resume: true })).rejects.toThrow(/data: /);
    // Without resume, a folder that holds checkpoints is not overwritten.
    await expect(runTraining({ ...OPTIONS, maxSteps: 6, checkpointEvery: 2, modelDir: model.dir, outDir: dir, data })).rejects.toThrow(/already holds checkpoints \(newest step 2\)/);
  }, 60_000);
});

/** Hooks that cancel the run when it reports `step` (the trainer then stops after that step). */
function cancelAt(step: number): TrainingHooks {
  const controller = new AbortController();
  return { signal: controller.signal, onProgress: (p) => p.step === step && controller.abort() };
}
