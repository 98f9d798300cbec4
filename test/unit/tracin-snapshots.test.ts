/**
 * TracIn's snapshots of a run (electron/backend/models/adapter-checkpoints.ts): the first checkpoint
 * of each stretch of the run after the first is copied, whole, and a resumed run goes on from the
 * snapshots already on disk; installed, they become the adapter's checkpoints, oldest first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adapterCheckpoints, installTracinSnapshots, keepTracinSnapshot } from '../../electron/backend/models/adapter-checkpoints';
import { checkpointWeights } from '../../electron/backend/attribution/influence-examples';
import { tempDir } from '../fixtures/temp-dir';

function fakeCheckpoint(root: string, step: number): string {
  const dir = path.join(root, 'checkpoints', `step-${step}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'adapter_config.json'), JSON.stringify({ step }));
  fs.writeFileSync(path.join(dir, 'adapter_model.safetensors'), `weights of ${step}`);
  fs.writeFileSync(path.join(dir, 'optimizer.safetensors'), 'moments');
  return dir;
}

describe('TracIn snapshots', () => {
  it('keeps the first checkpoint of each later stretch of the run, and goes on after a resume', () => {
    const run = tempDir();
    const kept = (steps: number[], total: number) => steps.filter((s) => keepTracinSnapshot(run, fakeCheckpoint(run, s), s, total));
    expect(kept([50, 100, 150, 200, 250, 300], 600)).toEqual([150, 300]);
    // A resumed run (a new process) sees what is on disk: 300 again is not a new stretch.
    expect(kept([300, 350, 400, 450, 500, 550, 600], 600)).toEqual([450]);
    expect(fs.readdirSync(path.join(run, 'tracin')).sort()).toEqual(['step-150', 'step-300', 'step-450']);
    // PEFT's files only, the optimizer state stays behind.
    expect(fs.readdirSync(path.join(run, 'tracin', 'step-300')).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors']);

    const adapter = tempDir();
    fs.mkdirSync(path.join(run, 'tracin', '.step-500.tmp'));
    expect(installTracinSnapshots(run, adapter)).toEqual([150, 300, 450]);
    expect(adapterCheckpoints(adapter).map((c) => [c.step, fs.readFileSync(path.join(c.dir, 'adapter_model.safetensors'), 'utf8')])).toEqual([
      [150, 'weights of 150'],
      [300, 'weights of 300'],
      [450, 'weights of 450'],
    ]);
  });

  it('keeps none for a short run, a run without checkpoints, or the last step', () => {
    const run = tempDir();
    expect(keepTracinSnapshot(run, fakeCheckpoint(run, 4), 4, 4)).toBe(false);
    expect(keepTracinSnapshot(run, fakeCheckpoint(run, 1), 1, 10)).toBe(false);
    expect(installTracinSnapshots(run, tempDir())).toEqual([]);
    expect(adapterCheckpoints(tempDir())).toEqual([]);
  });

  it('weighs each checkpoint by the learning rates of the steps since the one before', () => {
    const rates = [0, 1, 2, 3, 4, 5];
    expect(checkpointWeights({ rates, lr: 9 }, [2, 5, 6])).toEqual([1, 2 + 3 + 4, 5]);
    // A stretch all at rate 0 (warmup's first step) still counts, at the peak rate.
    expect(checkpointWeights({ rates, lr: 9 }, [1, 6])).toEqual([9, 15]);
  });
});
