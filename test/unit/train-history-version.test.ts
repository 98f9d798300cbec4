// The version a run in the Train page's history is named by: always its number ("v1"), a run
// started on "latest" by the one it read (the run folder records it), as a finished run is.
import { describe, expect, it } from 'vitest';
import type { DatanetSummary } from '../../shared/api';
import type { Adapter } from '../../shared/api/schemas/models';
import type { TrainingRun } from '../../shared/api/schemas/training';
import { historyRows } from '../../renderer/pages/train/history';
import { newRecord } from '../../renderer/pages/train/run-points';

describe('the version a run in the history names', () => {
  const datanets = [{ id: 'dn_1', name: 'Sums', lastVersion: { number: 2, root: '0x', createdAt: 1 } }] as unknown as DatanetSummary[];
  const input = { model: 'm', datanet: 'dn_1', out: 'r', version: 'latest' as const, steps: 100 };
  const run = (over: Partial<TrainingRun>): TrainingRun => ({
    out: 'r',
    input: input as TrainingRun['input'],
    state: 'cancelled',
    job: null,
    checkpoint: { step: 40, totalSteps: 100, at: 50 },
    losses: [],
    evals: [],
    adapter: null,
    startedAt: 10,
    updatedAt: 50,
    ...over,
  });

  it('is the number the run folder records for a run started on "latest", as for a finished one', () => {
    // Cancelled (resumable) on v1, though v2 is the newest now.
    expect(historyRows([], [], [], datanets, [run({ version: 1 })])[0]!.version).toBe(1);
    // Finished: its adapter's lineage names it.
    const adapter = { name: 'r', base: 'm', lineage: { datanet: 'dn_1', version: 1, root: '0x', examples: 9, hyperparameters: input, metrics: { steps: 100 }, trainedAt: 60 } } as unknown as Adapter;
    expect(historyRows([], [], [adapter], datanets, [run({ version: 1, state: 'succeeded', adapter: 'r' })])[0]!.version).toBe(1);
  });

  it('is the datanet\'s newest for a run on "latest" that has read nothing yet (what it reads), and a chosen one as chosen', () => {
    expect(historyRows([], [], [], datanets, [run({ checkpoint: null })])[0]!.version).toBe(2);
    const record = newRecord('w', { ...input, out: 'w' }, 'Sums');
    expect(historyRows([record], [], [], datanets)[0]!.version).toBe(2);
    expect(historyRows([newRecord('c', { ...input, out: 'c', version: 1 }, 'Sums')], [], [], datanets)[0]!.version).toBe(1);
  });
});
