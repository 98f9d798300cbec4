/**
 * renderer/pages/train/run-recorder.ts: a resume's job can be followed before the page has its own
 * record of the run (its first event comes before training.start's reply). Given the run's curve
 * so far as a seed, the record keeps it and the resumed job's points follow it; without one, the
 * record starts empty (the curve so far would be lost: the factory e2e saw 40 points where the run
 * had 50 before its resume).
 */
import { describe, expect, it } from 'vitest';
import type { Job } from '../../shared/api';
import type { ApiClient } from '../../renderer/api';
import { followRun } from '../../renderer/pages/train/run-recorder';
import { recordFromRun } from '../../renderer/pages/train/run-points';
import { runStore } from '../../renderer/pages/train/run-store';
import type { TrainingRun } from '../../shared/api/schemas/training';

function fakeClient(): { client: ApiClient; emit: (job: Job) => void } {
  const handlers: ((job: Job) => void)[] = [];
  const client = { on: (_event: string, handler: (job: Job) => void) => (handlers.push(handler), () => undefined) } as unknown as ApiClient;
  return { client, emit: (job) => handlers.forEach((h) => h(job)) };
}

const job = (id: string, done: number, state: Job['state'] = 'running'): Job =>
  ({ id, kind: 'training', state, title: 'Training', progress: { done, total: 400, counts: { loss: 1 / done } }, updatedAt: Date.now(), createdAt: 0, result: null, error: null }) as unknown as Job;

const run = (out: string): TrainingRun =>
  ({
    out,
    input: null,
    state: 'cancelled',
    job: job('old', 50, 'cancelled'),
    checkpoint: { step: 50, totalSteps: 400, at: 0 },
    losses: Array.from({ length: 50 }, (_, i) => ({ step: i + 1, loss: 2 })),
    evals: [{ step: 20, loss: 2 }, { step: 40, loss: 2 }],
    startedAt: 0,
    adapter: null,
  }) as unknown as TrainingRun;

describe('following a resumed run', () => {
  it('keeps the curve so far when the job is followed before the page recorded the run', () => {
    const { client, emit } = fakeClient();
    followRun(client, 'seeded', job('new', 51), '', recordFromRun(run('seeded'), 'Sums'));
    for (let step = 52; step <= 60; step++) emit(job('new', step));
    const r = runStore.get('seeded')!;
    expect(r.jobIds).toEqual(['old', 'new']);
    expect(r.points.map((p) => p.step)).toEqual([...Array.from({ length: 50 }, (_, i) => i + 1), ...Array.from({ length: 10 }, (_, i) => 51 + i)]);
    expect(r.points.filter((p) => p.segment === 1)).toHaveLength(10);
    expect(r.evals).toHaveLength(2);
  });

  it('starts empty without a seed', () => {
    const { client } = fakeClient();
    followRun(client, 'unseeded', job('new2', 51));
    expect(runStore.get('unseeded')!.points.map((p) => p.step)).toEqual([51]);
  });
});
