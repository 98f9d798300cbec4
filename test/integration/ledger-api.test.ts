// The ledger through the API, as the UI and the CLI use it: the app's own devnet, a wallet, a
// contribution signed and anchored, its bundle exported, and that bundle checked by code that
// uses only ethers and the contract's ABI.
import fs from 'node:fs';
import path from 'node:path';
import { Contract, JsonRpcProvider, TypedDataEncoder, Wallet, concat, keccak256, verifyTypedData, type InterfaceAbi } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ANVIL_DEV_KEY, startAnvil } from '../../electron/backend/ledger/anvil-process';
import { appRoot } from '../../electron/paths';
import { providerFor } from '../fixtures/anvil';
import { call, testBackend, SENTIMENT } from '../fixtures/datanet-backend';

beforeAll(() => {
  process.env.STUDIO_KEYSTORE_SCRYPT_N = String(2 ** 10); // fast keystores in tests only
});

interface Bundle {
  record: Record<string, unknown> & { contributor: string; contentRoot: string };
  signature: string;
  domain: { name: string; version: string; chainId: number; verifyingContract: string };
  digest: string;
  content: { unsaltedRoot: string; salt: string };
  batch: { root: string; proof: string[] } | null;
}

/** A verifier written from the bundle's documentation alone: ethers and the ABI, nothing of the app. */
async function independentlyVerify(bundle: Bundle, rpcUrl: string): Promise<void> {
  const types = {
    ContributionRecord: [
      { name: 'recordId', type: 'bytes32' },
      { name: 'contributor', type: 'address' },
      { name: 'datanetId', type: 'bytes32' },
      { name: 'versionId', type: 'bytes32' },
      { name: 'contentRoot', type: 'bytes32' },
      { name: 'itemCount', type: 'uint64' },
      { name: 'license', type: 'string' },
      { name: 'parentRecordId', type: 'bytes32' },
      { name: 'createdAt', type: 'uint64' },
      { name: 'schemaVersion', type: 'uint32' },
    ],
  };
  expect(TypedDataEncoder.hash(bundle.domain, types, bundle.record)).toBe(bundle.digest);
  expect(verifyTypedData(bundle.domain, types, bundle.record, bundle.signature)).toBe(bundle.record.contributor);
  expect(keccak256(concat([bundle.content.unsaltedRoot, bundle.content.salt]))).toBe(bundle.record.contentRoot);
  let node = keccak256(keccak256(bundle.digest));
  for (const sibling of bundle.batch!.proof) node = keccak256(node < sibling ? concat([node, sibling]) : concat([sibling, node]));
  expect(node).toBe(bundle.batch!.root);
  const abi = (JSON.parse(fs.readFileSync(path.join(appRoot(), 'resources/contracts/ContributionRegistry.json'), 'utf8')) as { abi: InterfaceAbi }).abi;
  const provider = new JsonRpcProvider(rpcUrl, bundle.domain.chainId, { staticNetwork: true });
  try {
    const registry = new Contract(bundle.domain.verifyingContract, abi, provider);
    expect(await registry.getFunction('verifyRecord').staticCall(bundle.batch!.root, bundle.digest, bundle.batch!.proof)).toBe(true);
  } finally {
    provider.destroy();
  }
}

describe('the ledger through the API, on the embedded devnet', () => {
  it('creates a wallet, funds it, signs a version, anchors it, and exports a bundle anyone can verify', async () => {
    const b = testBackend();
    const draft = await call<{ draftId: string; mnemonic: string; confirmIndices: number[] }>(b, 'wallet.create');
    const words = Object.fromEntries(draft.confirmIndices.map((i) => [String(i), draft.mnemonic.split(' ')[i]!]));
    await call(b, 'wallet.confirm', { draftId: draft.draftId, words, password: 'a long password' });

    const fund = await call<{ balance: string }>(b, 'wallet.fund', { eth: '2' });
    expect(Number(fund.balance)).toBe(2);
    const check = await call<{ chainId: number; rpcUrl: string }>(b, 'ledger.check');
    expect(check.chainId).toBe(31337);

    await call(b, 'datanets.create', { name: 'reviews', license: 'CC-BY-4.0', schema: SENTIMENT });
    const s = b.datanets;
    const d = s.datanets.get('reviews');
    s.db.transaction(() => {
      for (let i = 0; i < 20; i++) s.items.insert(d.id, { content: { text: `review ${i}`, fields: {}, image: null }, source: null, importId: null });
    })();
    await s.versions.create(d.id, 'first');
    const contribution = await call<{ recordId: string; state: string; itemCount: number }>(b, 'contributions.create', { datanet: 'reviews' });
    expect(contribution).toMatchObject({ state: 'signed', itemCount: 20 });
    await expect(call(b, 'contributions.create', { datanet: 'reviews' })).rejects.toThrow(/already contributed/);
    const outbox = async () => (await call<{ outbox: { pending: number; confirming: number } }>(b, 'status.get')).outbox;
    expect(await outbox()).toEqual({ pending: 1, confirming: 0 });

    // One pass on the app's own devnet anchors the record and makes it final: the devnet makes a
    // block only when a transaction arrives, so the pass mines the blocks the depth (2) needs.
    // Nothing here mines by hand. (Signing kicked off a pass already: ledger.sync joins it or runs after it.)
    const report = await call<{ head: number }>(b, 'ledger.sync');
    const [listed] = await call<{ state: string; txHash: string | null; blockNumber: number | null; confirmations: number | null }[]>(b, 'contributions.list', {});
    expect(listed).toMatchObject({ state: 'confirmed', blockNumber: report.head - 1, confirmations: 2 });
    expect(await outbox()).toEqual({ pending: 0, confirming: 0 });
    expect(listed!.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    // Nothing waits on the chain: the idle state carries no "waiting for" message.
    expect((await call<{ sync: { state: string; message: string | null } }>(b, 'ledger.status')).sync).toMatchObject({ state: 'idle', message: null });

    const bundle = await call<Bundle>(b, 'contributions.bundle', { record: contribution.recordId });
    const verified = await call<{ ok: boolean; checks: { name: string; ok: boolean }[] }>(b, 'contributions.verify', { bundle: JSON.stringify(bundle) });
    expect(verified.ok).toBe(true);
    expect(verified.checks.map((c) => c.name)).toEqual(['digest', 'signature', 'content root', 'merkle proof', 'anchored', 'final']);
    await independentlyVerify(bundle, check.rpcUrl);

    const tampered = { ...bundle, record: { ...bundle.record, itemCount: 21 } };
    const bad = await call<{ ok: boolean; checks: { name: string; ok: boolean }[] }>(b, 'contributions.verify', { bundle: JSON.stringify(tampered) });
    expect(bad.ok).toBe(false);
    expect(bad.checks.find((c) => c.name === 'digest')?.ok).toBe(false);
    await expect(call(b, 'contributions.verify', { bundle: '{"format": 1}' })).rejects.toThrow(/"field":"bundle"/);

    const status = await call<{ sync: { state: string }; counts: { confirmed: number } }>(b, 'ledger.status');
    expect(status.counts.confirmed).toBe(1);
    expect((await call<{ ledger: { sync: { state: string } } }>(b, 'status.get')).ledger.sync.state).toBe('idle');
  }, 120_000);

  it('refuses signing while the wallet is locked, and the faucet off the devnet', async () => {
    const b = testBackend();
    await call(b, 'wallet.import', { source: { kind: 'privateKey', privateKey: '0x' + '11'.repeat(32) }, password: 'a long password' });
    await call(b, 'wallet.lock');
    await call(b, 'datanets.create', { name: 'n', license: 'MIT', schema: SENTIMENT });
    const d = b.datanets.datanets.get('n');
    b.datanets.items.insert(d.id, { content: { text: 'x', fields: {}, image: null }, source: null, importId: null });
    await b.datanets.versions.create(d.id, '');
    await expect(call(b, 'contributions.create', { datanet: 'n' })).rejects.toThrow(/locked/);
    await call(b, 'settings.update', { ledger: { kind: 'rpc', name: 'Elsewhere', rpcUrl: 'http://127.0.0.1:9', chainId: 1612 } });
    await expect(call(b, 'wallet.fund', {})).rejects.toThrow(/only on the embedded devnet/);
    await expect(call(b, 'ledger.check')).rejects.toThrow(/cannot be reached/);
  });
});

describe('the ledger through the API, on another EVM chain', () => {
  it('checks a custom RPC on connect, deploys the contracts there when asked, and saves their addresses', async () => {
    // A chain of its own, not the app's devnet: chain id 1612 like OpenLedger's, no contracts.
    const other = await startAnvil({ chainId: 1612 });
    try {
      const b = testBackend();
      const key = Wallet.createRandom().privateKey;
      await call(b, 'wallet.import', { source: { kind: 'privateKey', privateKey: key }, password: 'a long password' });
      const network = { kind: 'rpc', name: 'OpenLedger (test)', rpcUrl: other.rpcUrl, chainId: 1612 };

      await call(b, 'settings.update', { ledger: { ...network, chainId: 161201 } });
      await expect(call(b, 'ledger.check')).rejects.toThrow(/"field":"chainId".*serves chain 1612/);
      await call(b, 'settings.update', { ledger: network });
      await expect(call(b, 'ledger.check')).rejects.toThrow(/contracts are not set/);
      const fake = { DatanetRegistry: Wallet.createRandom().address, ContributionRegistry: Wallet.createRandom().address, ModelRegistry: Wallet.createRandom().address, Settlement: Wallet.createRandom().address };
      await call(b, 'settings.update', { ledger: { ...network, contracts: fake } });
      await expect(call(b, 'ledger.check')).rejects.toThrow(/no code at the address of DatanetRegistry, ContributionRegistry, ModelRegistry, Settlement/);

      await expect(call(b, 'ledger.deploy')).rejects.toThrow(/insufficient funds|too little|funds/i);
      const provider = providerFor(other.rpcUrl, 1612);
      await (await new Wallet(ANVIL_DEV_KEY, provider).sendTransaction({ to: new Wallet(key).address, value: 10n ** 18n })).wait();
      provider.destroy();
      const addresses = await call<Record<string, string>>(b, 'ledger.deploy');
      expect(Object.keys(addresses).sort()).toEqual(['ContributionRegistry', 'DatanetRegistry', 'ModelRegistry', 'Settlement']);
      const saved = await call<{ ledger: { contracts?: Record<string, string> } }>(b, 'settings.get');
      expect(saved.ledger.contracts).toEqual(addresses);
      const check = await call<{ chainId: number; addresses: Record<string, string> }>(b, 'ledger.check');
      expect(check).toMatchObject({ chainId: 1612, addresses });

      // The app never mines an RPC network (only its own devnet): a record anchored there waits for
      // its depth (12 by default), and the idle sync state says what it waits for.
      await call(b, 'datanets.create', { name: 'n', license: 'MIT', schema: SENTIMENT });
      const d = b.datanets.datanets.get('n');
      b.datanets.items.insert(d.id, { content: { text: 'x', fields: {}, image: null }, source: null, importId: null });
      await b.datanets.versions.create(d.id, '');
      await call(b, 'contributions.create', { datanet: 'n' });
      await call(b, 'ledger.sync'); // sends it (or joins the pass signing started)
      const report = await call<{ head: number; sent: number }>(b, 'ledger.sync'); // finds it in its block
      expect(report.sent).toBe(0);
      const [c] = await call<{ state: string; blockNumber: number | null; confirmations: number | null }[]>(b, 'contributions.list', {});
      expect(c).toMatchObject({ state: 'included', blockNumber: report.head, confirmations: 1 });
      const chain = providerFor(other.rpcUrl, 1612);
      expect(await chain.getBlockNumber(), 'no block mined by the app').toBe(report.head);
      chain.destroy();
      expect((await call<{ sync: { state: string; message: string | null } }>(b, 'ledger.status')).sync).toMatchObject({ state: 'idle', message: 'Waiting for 1 record to be confirmed (1 of 12 blocks).' });
    } finally {
      await other.stop();
    }
  }, 120_000);
});
