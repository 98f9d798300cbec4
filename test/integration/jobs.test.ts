import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../shared/api/schemas/jobs';
import { JobRunner } from '../../electron/backend/jobs/runner';
import { openDatabase, type Db } from '../../electron/backend/store/database';
import { memoryLogger } from '../fixtures/logger';
import { tempDir } from '../fixtures/temp-dir';

function setup(db?: Db) {
  const file = path.join(tempDir(), 'studio.db');
  const database = db ?? openDatabase(file);
  const updates: Job[] = [];
  let runningChanges = 0;
  const runner = new JobRunner({
    db: database,
    log: memoryLogger(),
    onUpdate: (job) => updates.push(job),
    onRunningChanged: () => runningChanges++,
    emitIntervalMs: 0,
    persistIntervalMs: 0,
  });
  return { db: database, runner, updates, runningChanges: () => runningChanges, file };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('jobs', () => {
  it('reports progress and ends succeeded with its result, on disk too', async () => {
    const { runner, updates, runningChanges, db } = setup();
    const job = runner.start({ kind: 'test.count', title: 'Count', unit: 'items', total: 3 }, async (j) => {
      for (let i = 1; i <= 3; i++) {
        await tick();
        j.progress({ done: i, detail: `item ${i}` });
      }
      return '3 counted';
    });
    expect(job.state).toBe('running');
    expect(runner.running().map((j) => j.id)).toEqual([job.id]);
    const end = await runner.settled(job.id);
    expect(end).toMatchObject({ state: 'succeeded', result: '3 counted', progress: { done: 3, total: 3, detail: 'item 3' } });
    expect(updates.map((u) => u.progress.done)).toEqual([0, 1, 2, 3, 3]);
    expect(runningChanges()).toBe(2);
    expect(runner.running()).toEqual([]);
    const row = db.prepare('SELECT state, result FROM jobs WHERE id = ?').get(job.id);
    expect(row).toEqual({ state: 'succeeded', result: '3 counted' });
  });

  it('records a failure with its message', async () => {
    const { runner } = setup();
    const job = runner.start({ kind: 'test.fail', title: 'Fail', unit: 'items' }, () => Promise.reject(new Error('disk full while writing blobs/x')));
    expect(await runner.settled(job.id)).toMatchObject({ state: 'failed', error: 'disk full while writing blobs/x' });
  });

  it('cancels: the body sees the signal and the job ends cancelled', async () => {
    const { runner } = setup();
    const job = runner.start({ kind: 'test.wait', title: 'Wait', unit: 'steps' }, async (j) => {
      while (!j.signal.aborted) await tick();
      j.signal.throwIfAborted();
      return null;
    });
    await tick();
    expect(runner.cancel(job.id).state).toBe('running');
    expect((await runner.settled(job.id)).state).toBe('cancelled');
    expect(() => runner.cancel(job.id)).toThrow(/not running \(it is cancelled\)/);
  });

  it('on shutdown stops running jobs and records them as interrupted', async () => {
    const { runner } = setup();
    const polite = runner.start({ kind: 'test.polite', title: 'Stops', unit: 'steps' }, async (j) => {
      while (!j.signal.aborted) await tick();
      throw j.signal.reason;
    });
    const stubborn = runner.start({ kind: 'test.stubborn', title: 'Ignores', unit: 'steps' }, () => new Promise(() => {}));
    await runner.shutdown(100);
    expect(runner.get(polite.id).state).toBe('interrupted');
    expect(runner.get(stubborn.id).state).toBe('interrupted');
    expect(() => runner.start({ kind: 'x', title: 'x', unit: 'x' }, () => Promise.resolve(null))).toThrow(/shutting down/);
  });

  it('after a crash, a job left running reads interrupted at the next start', () => {
    const first = setup();
    const job = first.runner.start({ kind: 'test.crash', title: 'Crash', unit: 'steps' }, () => new Promise(() => {}));
    // No shutdown: the process "dies" with the row still saying running.
    first.db.close();
    const second = setup(openDatabase(first.file));
    expect(second.runner.markInterrupted()).toBe(1);
    expect(second.runner.get(job.id).state).toBe('interrupted');
    expect(second.runner.list({ state: 'interrupted', limit: 10 }).map((j) => j.id)).toEqual([job.id]);
  });

  it('lists newest first and finds nothing for an unknown id', async () => {
    const { runner } = setup();
    const a = runner.start({ kind: 'a', title: 'A', unit: 'x' }, () => Promise.resolve(null));
    await runner.settled(a.id);
    await tick();
    const b = runner.start({ kind: 'b', title: 'B', unit: 'x' }, () => Promise.resolve(null));
    await runner.settled(b.id);
    expect(runner.list({ limit: 10 }).map((j) => j.kind)).toEqual(['b', 'a']);
    expect(() => runner.get('job_doesnotexist00')).toThrow(/No job with id/);
  });
});

describe('job progress throttle', () => {
  it('sends at most one update per interval, and always the last one', async () => {
    const db = openDatabase(path.join(tempDir(), 'studio.db'));
    const updates: Job[] = [];
    const runner = new JobRunner({ db, log: memoryLogger(), onUpdate: (j) => updates.push(j), onRunningChanged: () => {}, emitIntervalMs: 50 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const job = runner.start({ kind: 'test.quiet', title: 'Quiet', unit: 'files', total: 40 }, async (j) => {
      for (let i = 1; i <= 10; i++) j.progress({ done: i });
      await gate;
      return null;
    });
    await new Promise((r) => setTimeout(r, 120));
    const running = updates.filter((u) => u.state === 'running');
    expect(running.length).toBeLessThanOrEqual(3);
    expect(running.at(-1)!.progress.done).toBe(10);
    release();
    await runner.settled(job.id);
    db.close();
  });
});
