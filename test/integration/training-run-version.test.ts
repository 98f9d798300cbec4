/**
 * A run started on "latest" reads the version that was newest when it began, and keeps to it: the
 * run folder records its number (training.runs names it, as the adapter's lineage does once it is
 * installed), and a resume after a newer version is frozen goes on with the same records.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../shared/api/schemas/jobs';
import type { Adapter } from '../../shared/api/schemas/models';
import type { TrainingRun } from '../../shared/api/schemas/training';
import { call, testBackend } from '../fixtures/datanet-backend';
import { pairsVersion } from '../fixtures/pairs-version';
import { tempDir } from '../fixtures/temp-dir';
import { writeTinyModel } from '../fixtures/tiny-models';
import { startAndCancel } from '../fixtures/start-and-cancel';

const PAIRS = Array.from({ length: 12 }, (_, i) => ({ prompt: `What is ${i} plus one?`, response: `It is ${i + 1}.` }));

describe('a training run on "latest"', () => {
  it('records the version it read, and reads it again when resumed after a newer one is frozen', async () => {
    const b = testBackend(tempDir());
    try {
      const { datanet } = await pairsVersion(b, 'Sums', PAIRS);
      await call(b, 'models.import', { path: writeTinyModel(path.join(tempDir(), 'tiny-qwen'), { architecture: 'qwen2', seed: 3 }).dir });
      const input = { model: 'tiny-qwen', datanet: 'Sums', out: 'on-latest', steps: 40, rank: 2, batch: 2, checkpointEvery: 5 };
      const job = await startAndCancel(b, input, 6);
      expect(job.state).toBe('cancelled');
      const run = (await call<TrainingRun[]>(b, 'training.runs')).find((r) => r.out === 'on-latest')!;
      expect(run.input).toMatchObject({ version: 'latest' });
      expect(run.version).toBe(1);

      // A newer version: the run still names, and resumes on, the one it began on.
      expect((await b.jobs.settled((await call<Job>(b, 'versions.create', { datanet: datanet.id, note: 'again' })).id)).state).toBe('succeeded');
      expect((await call<TrainingRun[]>(b, 'training.runs')).find((r) => r.out === 'on-latest')!.version).toBe(1);
      const resumed = await call<Job>(b, 'training.start', run.input);
      expect(resumed.title).toBe('Train on-latest (tiny-qwen on Sums v1)');
      expect((await b.jobs.settled(resumed.id)).state).toBe('succeeded');
      const adapter = (await call<Adapter[]>(b, 'adapters.list')).find((a) => a.name === 'on-latest')!;
      expect(adapter.lineage).toMatchObject({ version: 1 });
      expect((await call<TrainingRun[]>(b, 'training.runs')).find((r) => r.out === 'on-latest')!.version).toBe(1);
    } finally {
      await b.close();
    }
  }, 120_000);
});
