// A job names what it is about (its subject), kept on disk, so a form opened again can ask for the
// job of its kind about its datanet or adapter: running, or how it ended.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { JobRunner } from '../../electron/backend/jobs/runner';
import { openDatabase } from '../../electron/backend/store/database';
import type { Datanet } from '../../shared/api/schemas/datanets';
import type { Job } from '../../shared/api/schemas/jobs';
import { call, testBackend } from '../fixtures/datanet-backend';
import { memoryLogger } from '../fixtures/logger';
import { tempDir } from '../fixtures/temp-dir';

describe('a job’s subject', () => {
  it('is kept on the job while it runs and after it ends, and jobs.list finds jobs by kind and subject', async () => {
    const file = path.join(tempDir(), 'studio.db');
    const db = openDatabase(file);
    const runner = new JobRunner({ db, log: memoryLogger(), onUpdate: () => {}, onRunningChanged: () => {}, emitIntervalMs: 0, persistIntervalMs: 0 });
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const a = runner.start({ kind: 'test.export', subject: 'dn_a', title: 'A', unit: 'items' }, async () => {
      await held;
      return 'a done';
    });
    const b = runner.start({ kind: 'test.export', subject: 'dn_b', title: 'B', unit: 'items' }, () => Promise.resolve('b done'));
    const other = runner.start({ kind: 'test.version', subject: 'dn_a', title: 'V', unit: 'records' }, () => Promise.resolve(null));
    const none = runner.start({ kind: 'test.backup', title: 'Backup', unit: 'pages' }, () => Promise.resolve(null));
    expect(a.subject).toBe('dn_a');
    expect(none.subject).toBeNull();
    await Promise.all([b, other, none].map((j) => runner.settled(j.id)));

    const ids = (jobs: Job[]) => jobs.map((j) => j.id);
    expect(ids(runner.list({ kind: 'test.export', subject: 'dn_a', limit: 50 }))).toEqual([a.id]);
    expect(runner.list({ kind: 'test.export', subject: 'dn_a', limit: 50 })[0]).toMatchObject({ state: 'running', subject: 'dn_a' });
    expect(ids(runner.list({ subject: 'dn_a', limit: 50 })).sort()).toEqual([a.id, other.id].sort());
    expect(ids(runner.list({ kind: 'test.export', limit: 50 })).sort()).toEqual([a.id, b.id].sort());
    expect(ids(runner.list({ kind: 'test.export', state: 'succeeded', limit: 50 }))).toEqual([b.id]);

    release();
    await runner.settled(a.id);
    // Ended, it is read back from disk with its subject.
    expect(runner.list({ kind: 'test.export', subject: 'dn_a', limit: 1 })).toEqual([expect.objectContaining({ id: a.id, state: 'succeeded', subject: 'dn_a', result: 'a done' })]);
    db.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare('SELECT subject FROM jobs WHERE id = ?').pluck().get(a.id)).toBe('dn_a');
    expect(raw.prepare('SELECT subject FROM jobs WHERE id = ?').pluck().get(none.id)).toBeNull();
    raw.close();
  });

  it('is the datanet’s id for its export and version jobs, which jobs.list finds through the API', async () => {
    const b = testBackend();
    const d = await call<Datanet>(b, 'datanets.create', {
      name: 'Subjects',
      license: 'MIT',
      schema: { fields: [{ kind: 'single_choice', name: 'sentiment', labels: ['positive', 'negative'] }] },
    });
    const version = await call<Job>(b, 'versions.create', { datanet: d.id, note: '' });
    const exported = await call<Job>(b, 'exports.start', { datanet: d.id, format: 'jsonl', out: path.join(tempDir(), 'out.jsonl'), testFraction: 0 });
    expect(version).toMatchObject({ kind: 'datanet.version', subject: d.id });
    expect(exported).toMatchObject({ kind: 'datanet.export', subject: d.id });
    await Promise.all([version, exported].map((j) => b.jobs.settled(j.id)));
    const listed = await call<Job[]>(b, 'jobs.list', { kind: 'datanet.export', subject: d.id, limit: 1 });
    expect(listed).toEqual([expect.objectContaining({ id: exported.id, state: 'succeeded', subject: d.id })]);
    expect(await call<Job[]>(b, 'jobs.list', { kind: 'datanet.export', subject: 'dn_elsewhere' })).toEqual([]);
  });
});
