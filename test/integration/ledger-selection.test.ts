// Contributing a selection of a version's records (issue 6 point 5) and the outbox batch size from
// the settings (point 6), through the API on the app's own devnet, with a real SQLite store. The
// selection root is rebuilt here with @openzeppelin/merkle-tree from the record hashes the
// version hands out, not with the app's Merkle code.
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { concat, keccak256 } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../electron/backend';
import { selectItems } from '../../electron/backend/ledger/selection';
import type { RecordProof, Version } from '../../shared/api/schemas/datanets';
import { call, testBackend, SENTIMENT } from '../fixtures/datanet-backend';

beforeAll(() => {
  process.env.STUDIO_KEYSTORE_SCRYPT_N = String(2 ** 10); // fast keystores in tests only
});

interface Bundle {
  record: { contentRoot: string; itemCount: number };
  content: { unsaltedRoot: string; salt: string };
  batch: { root: string; proof: string[] } | null;
  selection?: { versionRoot: string; count: number };
}
interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** A funded wallet and a datanet `name` of `n` items with one version. */
async function setup(b: Backend, n: number): Promise<{ ids: string[]; version: Version; rpcUrl: string; addresses: Record<string, string> }> {
  await call(b, 'wallet.import', { source: { kind: 'privateKey', privateKey: '0x' + '42'.repeat(32) }, password: 'a long password' });
  await call(b, 'wallet.fund', { eth: '2' });
  const check = await call<{ rpcUrl: string; addresses: Record<string, string> }>(b, 'ledger.check');
  await call(b, 'datanets.create', { name: 'reviews', license: 'CC-BY-4.0', schema: SENTIMENT });
  const d = b.datanets.datanets.get('reviews');
  const ids: string[] = [];
  b.datanets.db.transaction(() => {
    for (let i = 0; i < n; i++) ids.push(b.datanets.items.insert(d.id, { content: { text: `review ${i}`, fields: {}, image: null }, source: null, importId: null }).id);
  })();
  await call(b, 'annotations.set', { item: ids[3]!, field: 'sentiment', value: 'positive' });
  const version = await b.datanets.versions.create(d.id, 'first');
  return { ids, version, rpcUrl: check.rpcUrl, addresses: check.addresses };
}

async function mine(rpcUrl: string): Promise<void> {
  await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'evm_mine', params: [] }) });
}

/** Syncs (mining between passes) until no record of the datanet waits; fails with the states seen. */
async function syncUntilConfirmed(b: Backend, rpcUrl: string): Promise<void> {
  let states: string[] = [];
  for (let i = 0; i < 12; i++) {
    await call(b, 'ledger.sync');
    states = (await call<{ state: string }[]>(b, 'contributions.list', { datanet: 'reviews' })).map((c) => c.state);
    if (states.every((s) => s === 'confirmed')) return;
    await mine(rpcUrl);
  }
  throw new Error(`records not confirmed after 12 sync passes: ${states.join(', ')}`);
}

describe('contributing a selection of a version', () => {
  it('signs the root over the selected records (as OpenZeppelin builds it), anchors it, and its bundle and item proofs verify', async () => {
    const b = testBackend();
    const { ids, version, rpcUrl } = await setup(b, 20);
    // Out of order and with a repeat: the root depends only on which records, in version order.
    const chosen = [ids[15]!, ids[3]!, ids[9]!, ids[3]!];
    const c = await call<{ recordId: string; itemCount: number; state: string }>(b, 'contributions.create', { datanet: 'reviews', items: chosen });
    expect(c).toMatchObject({ itemCount: 3, state: 'signed' });

    // Independently: the version's record hashes of the three items, in version order, into OZ's tree.
    const proofs = await Promise.all([ids[3]!, ids[9]!, ids[15]!].map((item) => call<RecordProof>(b, 'versions.proof', { datanet: 'reviews', version: 1, item })));
    const ordered = proofs.sort((x, y) => x.position - y.position);
    const oz = StandardMerkleTree.of(ordered.map((p) => [p.recordHash]), ['bytes32'], { sortLeaves: false });

    await syncUntilConfirmed(b, rpcUrl);
    const bundle = await call<Bundle>(b, 'contributions.bundle', { record: c.recordId });
    expect(bundle.content.unsaltedRoot).toBe(oz.root);
    expect(bundle.content.unsaltedRoot).not.toBe(version.root);
    expect(keccak256(concat([bundle.content.unsaltedRoot, bundle.content.salt]))).toBe(bundle.record.contentRoot);
    expect(bundle.selection).toEqual({ versionRoot: version.root, count: 3 });
    const verified = await call<{ ok: boolean; checks: Check[] }>(b, 'contributions.verify', { bundle: JSON.stringify(bundle) });
    expect(verified.checks.filter((x) => !x.ok)).toEqual([]);
    expect(verified.checks.map((x) => x.name)).toEqual(['digest', 'signature', 'content root', 'selection', 'merkle proof', 'anchored', 'final']);
    // A bundle whose selection size disagrees with the signed record does not verify.
    const lying = { ...bundle, selection: { ...bundle.selection!, count: 4 } };
    expect((await call<{ ok: boolean }>(b, 'contributions.verify', { bundle: JSON.stringify(lying) })).ok).toBe(false);

    // Every selected item's proof against the selection root, later, from what the store kept.
    for (const [index, p] of ordered.entries()) {
      const sp = b.ledger.selectionProof(c.recordId, p.itemId);
      expect(sp).toMatchObject({ index, recordHash: p.recordHash, root: oz.root, verified: true });
      expect(sp.proof).toEqual(oz.getProof(index));
      expect(StandardMerkleTree.verify(oz.root, ['bytes32'], [p.recordHash], sp.proof)).toBe(true);
    }
    expect(() => b.ledger.selectionProof(c.recordId, ids[4]!)).toThrow(/not in the selection/);
  }, 120_000);

  it('refuses unknown items by name, the same selection twice, and an empty list; other selections and the whole version still go', async () => {
    const b = testBackend();
    const { ids, version } = await setup(b, 20);
    const unknown = call(b, 'contributions.create', { datanet: 'reviews', items: [ids[0]!, 'it_notinthisversion', 'it_neitherthisone'] });
    await expect(unknown).rejects.toThrow(/"field":"items".*it_notinthisversion, which is not an item of version 1 \(nor are 1 more\)/);
    await expect(call(b, 'contributions.create', { datanet: 'reviews', items: [] })).rejects.toThrow(/"field":"items"/);
    expect(await call<unknown[]>(b, 'contributions.list', {})).toEqual([]);

    await call(b, 'contributions.create', { datanet: 'reviews', items: [ids[1]!, ids[2]!] });
    await expect(call(b, 'contributions.create', { datanet: 'reviews', items: [ids[2]!, ids[1]!] })).rejects.toThrow(/These 2 items of this version are already contributed/);
    await call(b, 'contributions.create', { datanet: 'reviews', items: [ids[1]!] });
    await call(b, 'contributions.create', { datanet: 'reviews' });
    expect((await call<{ itemCount: number }[]>(b, 'contributions.list', {})).map((x) => x.itemCount).sort((x, y) => x - y)).toEqual([1, 2, 20]);

    // Selecting every record gives the version's own root: the same leaves in the same order.
    const all = await selectItems(b.datanets.db, version, [...ids].reverse());
    expect(all).toMatchObject({ root: version.root, count: 20 });
  }, 120_000);
});

describe('the outbox batch size', () => {
  it('takes batchSize from the network profile: 5 records at 2 a batch are 3 batches', async () => {
    const b = testBackend();
    const { ids, rpcUrl, addresses } = await setup(b, 5);
    await expect(call(b, 'settings.update', { ledger: { kind: 'devnet', batchSize: 0 } })).rejects.toThrow(/"field":"ledger.batchSize"/);
    await expect(call(b, 'settings.update', { ledger: { kind: 'devnet', batchSize: 10_001 } })).rejects.toThrow(/"field":"ledger.batchSize"/);
    await call(b, 'settings.update', { ledger: { kind: 'devnet', batchSize: 2 } });

    // Signed while the profile points nowhere (for the devnet's chain and registry), so no sync
    // pass can anchor any of them before all five wait together.
    const profile = { kind: 'rpc', chainId: 31337, contracts: addresses, batchSize: 2, confirmations: 2 };
    await call(b, 'settings.update', { ledger: { ...profile, name: 'Nowhere', rpcUrl: 'http://127.0.0.1:9' } });
    for (const id of ids) await call(b, 'contributions.create', { datanet: 'reviews', items: [id] });
    expect((await call<{ counts: { signed: number } }>(b, 'ledger.status')).counts.signed).toBe(5);

    await call(b, 'settings.update', { ledger: { ...profile, name: 'The devnet by RPC', rpcUrl } });
    await syncUntilConfirmed(b, rpcUrl);
    const roots = new Set((await call<{ batchRoot: string }[]>(b, 'contributions.list', {})).map((c) => c.batchRoot));
    expect([...roots].map((root) => b.ledger.contributions.batch(root)!.count).sort()).toEqual([1, 2, 2]);
  }, 120_000);
});
