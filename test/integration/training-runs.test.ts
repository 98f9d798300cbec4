/**
 * training.runs: the run folders under runs/ with their state, whoever started them. A run
 * cancelled in one backend is listed by the next one on the same data folder (as a run started
 * from the command line is by the app) with its input, its job, its checkpoint and the losses
 * recorded there; resumed to the end it lists as succeeded with its adapter. Folders that are not
 * runs, or whose run.json no longer parses, do not break the list.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../shared/api/schemas/jobs';
import type { TrainingRun } from '../../shared/api/schemas/training';
import { call, testBackend } from '../fixtures/datanet-backend';
import { pairsVersion } from '../fixtures/pairs-version';
import { tempDir } from '../fixtures/temp-dir';
import { writeTinyModel } from '../fixtures/tiny-models';
import { startAndCancel } from '../fixtures/start-and-cancel';

type Backend = ReturnType<typeof testBackend>;
const PAIRS = Array.from({ length: 12 }, (_, i) => ({ prompt: `What is ${i} plus one?`, response: `It is ${i + 1}.` }));

async function setUp(b: Backend): Promise<void> {
  await pairsVersion(b, 'Sums', PAIRS);
  await call(b, 'models.import', { path: writeTinyModel(path.join(tempDir(), 'tiny-qwen'), { architecture: 'qwen2', seed: 3 }).dir });
}

describe('training.runs', () => {
  it('lists a run started by another backend with its input, job, checkpoint and losses; resumed, with its adapter', async () => {
    const dataDir = tempDir();
    const first = testBackend(dataDir);
    await setUp(first);
    expect(await call(first, 'training.runs')).toEqual([]);
    const input = { model: 'tiny-qwen', datanet: 'Sums', out: 'elsewhere', steps: 40, rank: 2, batch: 2, evalEvery: 3, checkpointEvery: 5 };
    const cancelled = await startAndCancel(first, input, 7);
    expect(cancelled.state).toBe('cancelled');
    await first.close();

    const b = testBackend(dataDir);
    const runsDir = path.join(dataDir, 'runs');
    // Not runs: a folder without run.json, and a stray file.
    fs.mkdirSync(path.join(runsDir, 'empty-folder'));
    fs.writeFileSync(path.join(runsDir, 'notes.txt'), 'not a run');
    // A run whose file no longer parses as an input: listed, not resumable.
    fs.mkdirSync(path.join(runsDir, 'broken'));
    fs.writeFileSync(path.join(runsDir, 'broken', 'run.json'), '{"model": 3}');

    const runs = await call<TrainingRun[]>(b, 'training.runs');
    expect(runs.map((r) => r.out).sort()).toEqual(['broken', 'elsewhere']);
    const run = runs.find((r) => r.out === 'elsewhere')!;
    expect(run).toMatchObject({ state: 'cancelled', adapter: null, job: { id: cancelled.id, state: 'cancelled' } });
    // The input as training.start parsed it: defaults filled in, so starting it again is the same run.
    expect(run.input).toMatchObject({ ...input, version: 'latest', lr: 2e-4, maxLen: 512, seed: 42, provider: 'cpu' });
    // A cancel writes a checkpoint at the step it stopped after.
    expect(run.checkpoint!.step).toBeGreaterThanOrEqual(7);
    expect(run.checkpoint!.step).toBeLessThan(40);
    expect(run.checkpoint!.totalSteps).toBe(40);
    expect(run.losses.map((l) => l.step)).toEqual(Array.from({ length: run.checkpoint!.step }, (_, i) => i + 1));
    expect(run.losses.every((l) => Number.isFinite(l.loss) && l.loss > 0)).toBe(true);
    expect(run.evals.map((e) => e.step)).toEqual([3, 6, 9, 12, 15, 18].filter((s) => s <= run.checkpoint!.step));
    expect(runs.find((r) => r.out === 'broken')).toMatchObject({ input: null, state: 'interrupted', job: null, checkpoint: null, losses: [] });

    // Resumed with the input the listing gave, it goes on from the checkpoint to the end.
    const resumed = await call<Job>(b, 'training.start', run.input);
    expect((await b.jobs.settled(resumed.id)).state).toBe('succeeded');
    const after = (await call<TrainingRun[]>(b, 'training.runs')).find((r) => r.out === 'elsewhere')!;
    expect(after).toMatchObject({ state: 'succeeded', adapter: 'elsewhere', job: { id: resumed.id }, checkpoint: null, losses: [] });
    expect(after.updatedAt).toBeGreaterThanOrEqual(run.updatedAt);
  }, 120_000);
});
