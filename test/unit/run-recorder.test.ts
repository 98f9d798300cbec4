/**
 * How the Train page records a resumed run (renderer/pages/train/run-points.ts, what
 * run-recorder.ts applies): a resume's job can be followed before the page has its own record of
 * the run (its first event comes before training.start's reply). Given the run's curve so far as
 * a seed, the record keeps it and the resumed job's points follow it; without one, the record
 * starts empty (the curve so far would be lost: the factory e2e saw 40 points where the run had
 * 50 before its resume).
 */
import { describe, expect, it } from 'vitest';
import type { Job } from '../../shared/api';
import type { TrainingRun } from '../../shared/api/schemas/training';
import { recordFromRun, withJob, withProgress, type RunRecord } from '../../renderer/pages/train/run-points';

const job = (id: string, done: number, state: Job['state'] = 'running'): Job =>
  ({ id, kind: 'training', state, title: 'Training', progress: { done, total: 400, counts: { loss: 1 / done } }, updatedAt: Date.now(), createdAt: 0, result: null, error: null }) as unknown as Job;

const run: TrainingRun = {
  out: 'elsewhere',
  input: null,
  state: 'cancelled',
  job: job('old', 50, 'cancelled'),
  checkpoint: { step: 50, totalSteps: 400, at: 0 },
  losses: Array.from({ length: 50 }, (_, i) => ({ step: i + 1, loss: 2 })),
  evals: [
    { step: 20, loss: 2 },
    { step: 40, loss: 2 },
  ],
  startedAt: 0,
  adapter: null,
} as unknown as TrainingRun;

/** The resumed job followed as run-recorder.ts does: listed, then its progress events applied. */
function follow(record: RunRecord | undefined, seed?: RunRecord): RunRecord {
  let r = withJob(record, 'elsewhere', 'new', '', seed);
  for (let step = 51; step <= 60; step++) r = withProgress(r, job('new', step));
  return r;
}

describe('recording a resumed run', () => {
  it('keeps the curve so far when the job is followed before the page recorded the run', () => {
    const r = follow(undefined, recordFromRun(run, 'Sums'));
    expect(r.jobIds).toEqual(['old', 'new']);
    expect(r.points.map((p) => p.step)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(r.points.filter((p) => p.segment === 1)).toHaveLength(10);
    expect(r.evals).toHaveLength(2);
  });

  it('starts empty without a seed', () => {
    expect(follow(undefined).points.map((p) => p.step)).toEqual(Array.from({ length: 10 }, (_, i) => 51 + i));
  });

  it('leaves a record that already lists the job as it is, and ignores an older job’s late events', () => {
    const r = follow(undefined, recordFromRun(run, 'Sums'));
    expect(withJob(r, 'elsewhere', 'new', '')).toBe(r);
    expect(withProgress(r, job('old', 70, 'cancelled'))).toBe(r);
  });
});
