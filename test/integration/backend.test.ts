import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openBackend, type Backend } from '../../electron/backend';
import { Job } from '../../shared/api/schemas/jobs';
import { Status } from '../../shared/api/schemas/status';
import { tempDir } from '../fixtures/temp-dir';

const open: Backend[] = [];
function backend(dataDir = tempDir()): Backend {
  const b = openBackend({ dataDir, runtime: 'server', quiet: true });
  open.push(b);
  return b;
}
afterEach(async () => {
  for (const b of open.splice(0)) await b.close();
});

async function call(b: Backend, name: string, input: unknown = {}) {
  const result = await b.router.call(name, input);
  if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

describe('backend', () => {
  it('keeps settings across a restart and tells every window', async () => {
    const dir = tempDir();
    const first = backend(dir);
    const heard: unknown[] = [];
    first.events.subscribe((name, payload) => heard.push([name, payload]));
    const network = { kind: 'rpc', name: 'Testnet', rpcUrl: 'https://rpc.example.org', chainId: 1612 };
    await call(first, 'settings.update', { ledger: network });
    expect(heard).toContainEqual(['settings.changed', { theme: 'system', ledger: network }]);
    const status = heard.find((h) => (h as [string])[0] === 'status.changed') as [string, Status];
    expect(status[1].ledger.name).toBe('Testnet');
    await first.close();

    const second = backend(dir);
    expect(await call(second, 'settings.get')).toEqual({ theme: 'system', ledger: network });
  });

  it('status counts the outbox records not yet final', async () => {
    const dir = tempDir();
    const b = backend(dir);
    expect(Status.parse(await call(b, 'status.get')).outbox.pending).toBe(0);
    const db = new Database(path.join(dir, 'studio.db'));
    const insert = db.prepare(
      `INSERT INTO contributions (record_id, datanet_id, version_id, contributor, chain_id, registry, record, digest, signature, salt, content_root, state, created_at, updated_at)
       VALUES (?, 'dn_x', 'ver_x', '0x', 1, '0x', '{}', ?, '0x', '0x', '0x', ?, 0, 0)`,
    );
    insert.run('a', 'da', 'signed');
    insert.run('b', 'db', 'submitted');
    insert.run('c', 'dc', 'confirmed');
    db.close();
    expect(Status.parse(await call(b, 'status.get'))).toMatchObject({
      ledger: { name: 'Local devnet (anvil)', network: { kind: 'devnet' }, sync: { state: 'idle' } },
      outbox: { pending: 2 },
      jobs: { running: [] },
    });
  });

  it('backs up the database as a job into a complete, readable copy', async () => {
    const dir = tempDir();
    const b = backend(dir);
    await call(b, 'settings.update', { theme: 'dark' });
    const updates: Job[] = [];
    b.events.subscribe((name, payload) => {
      if (name === 'job.updated') updates.push(payload as Job);
    });
    const job = Job.parse(await call(b, 'store.backup'));
    expect(job).toMatchObject({ kind: 'store.backup', state: 'running' });
    const end = await b.jobs.settled(job.id);
    expect(end.state).toBe('succeeded');
    const file = (end as { result: string }).result;
    expect(path.dirname(file)).toBe(path.join(dir, 'backups'));
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
    const copy = new Database(file, { readonly: true });
    expect(copy.prepare(`SELECT value FROM settings WHERE key = 'theme'`).pluck().get()).toBe('"dark"');
    copy.close();
    expect(updates.at(-1)).toMatchObject({ id: job.id, state: 'succeeded' });
    expect(updates.at(-1)!.progress.done).toBe(updates.at(-1)!.progress.total);
    const listed = (await call(b, 'jobs.list', { state: 'succeeded' })) as Job[];
    expect(listed.map((j) => j.id)).toContain(job.id);
  });

  it('refuses a second backend on the same data folder', () => {
    const dir = tempDir();
    backend(dir);
    // The lock names this very process, which is alive: the same refusal another app would get.
    expect(() => openBackend({ dataDir: dir, runtime: 'server', quiet: true })).toThrow(/in use/);
  });

  it('reports who it is', async () => {
    const dir = tempDir();
    const info = await call(backend(dir), 'app.info');
    expect(info).toMatchObject({ name: 'Datanet Studio', runtime: 'server', dataDir: dir, versions: { electron: null } });
  });
});
