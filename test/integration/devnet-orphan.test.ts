// The embedded devnet after the app died without stopping it (kill -9): the orphaned anvil is
// found by its run file and stopped (writing its chain) before a new one starts on the same state
// file, so the chain is the orphan's latest, and only one anvil ever writes that file.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { alive, Devnet } from '../../electron/backend/ledger/devnet';
import { tempDir } from '../fixtures/temp-dir';

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  return ((await res.json()) as { result: unknown }).result;
}

it('stops the anvil a crashed app left behind, and goes on from its chain', async () => {
  const dataDir = tempDir('studio-devnet-orphan-');
  const crashed = new Devnet(dataDir);
  const first = await crashed.ensure();
  const orphan = (await crashed.info()).pid!;
  await rpc(first.rpcUrl, 'anvil_mine', ['0x7']);
  const height = Number(await rpc(first.rpcUrl, 'eth_blockNumber'));
  expect(height).toBeGreaterThanOrEqual(7);

  // The app is gone without stop(): a new one opens the same data folder.
  const next = new Devnet(dataDir);
  try {
    const second = await next.ensure();
    expect(alive(orphan), 'the orphaned anvil still runs beside the new one').toBe(false);
    expect(second.rpcUrl).not.toBe(first.rpcUrl);
    expect(Number(await rpc(second.rpcUrl, 'eth_blockNumber'))).toBeGreaterThanOrEqual(height);
    expect(second.addresses).toEqual(first.addresses);
  } finally {
    await next.stop();
  }
  expect(fs.existsSync(path.join(dataDir, 'devnet', 'anvil-app.json'))).toBe(false);
}, 60_000);
