// The outbox sync engine against a real anvil: offline signing, a node killed mid-sync, a reorg,
// and a wallet without funds. "Exactly once" is checked on the chain itself, from its events.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Contract, Wallet, parseEther, type InterfaceAbi, type JsonRpcProvider, type Signer } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import { ANVIL_DEV_KEY, startAnvil, type RunningAnvil } from '../../electron/backend/ledger/anvil-process';
import { artifact } from '../../electron/backend/ledger/artifacts';
import { callView } from '../../electron/backend/ledger/contract-call';
import { signContribution } from '../../electron/backend/ledger/contribute';
import { Contributions } from '../../electron/backend/ledger/contributions';
import { deployContracts } from '../../electron/backend/ledger/deploy';
import { SyncEngine, type SyncReport, type SyncTarget } from '../../electron/backend/ledger/sync';
import { openDatabase } from '../../electron/backend/store/database';
import type { Hex } from '../../shared/ledger/eip712';
import { providerFor } from '../fixtures/anvil';
import { tempDir } from '../fixtures/temp-dir';

const running: RunningAnvil[] = [];
const providers: JsonRpcProvider[] = [];
afterEach(async () => {
  for (const p of providers.splice(0)) p.destroy();
  for (const a of running.splice(0)) await a.kill();
});

async function node(stateFile: string): Promise<{ anvil: RunningAnvil; provider: JsonRpcProvider }> {
  const anvil = await startAnvil({ stateFile, stateIntervalSeconds: 1 });
  running.push(anvil);
  const provider = providerFor(anvil.rpcUrl);
  providers.push(provider);
  return { anvil, provider };
}

/** A chain with the contracts and a funded contributor wallet, saved to its state file and stopped. */
async function preparedChain(fund = '5') {
  const dir = tempDir('studio-sync-');
  const stateFile = path.join(dir, 'anvil-state.json');
  const { anvil, provider } = await node(stateFile);
  const dev = new Wallet(ANVIL_DEV_KEY, provider);
  const addresses = await deployContracts(dev);
  const contributor = new Wallet(Wallet.createRandom().privateKey);
  if (fund !== '0') await (await dev.sendTransaction({ to: contributor.address, value: parseEther(fund) })).wait();
  await anvil.stop(); // SIGTERM: anvil writes its state
  running.splice(running.indexOf(anvil), 1);
  const db = openDatabase(path.join(dir, 'studio.db'));
  const store = new Contributions(db);
  const target: SyncTarget = { chainId: 31337, registry: addresses.ContributionRegistry as Hex };
  return { dir, stateFile, addresses, contributor, store, target };
}

async function signMany(store: Contributions, signer: Signer, target: SyncTarget, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const version = { id: `ver_${randomBytes(6).toString('hex')}`, root: `0x${randomBytes(32).toString('hex')}`, recordCount: 10 + i };
    await signContribution(store, signer, target, { id: `dn_${randomBytes(5).toString('hex')}`, license: 'CC-BY-4.0' }, version);
  }
}

async function syncUntil(engine: SyncEngine, done: (r: SyncReport) => boolean, provider: JsonRpcProvider, passes = 30): Promise<SyncReport[]> {
  const reports: SyncReport[] = [];
  for (let i = 0; i < passes; i++) {
    const r = await engine.syncOnce();
    reports.push(r);
    if (done(r)) return reports;
    await provider.send('evm_mine', []); // time passes on the chain: confirmations grow
  }
  throw new Error(`not done after ${passes} passes: ${JSON.stringify(reports.at(-1))}`);
}

/** Roots anchored on the chain, from the registry's events: each must appear once. */
async function anchoredRoots(provider: JsonRpcProvider, registry: string): Promise<string[]> {
  const c = new Contract(registry, artifact('ContributionRegistry').abi as InterfaceAbi, provider);
  const events = await c.queryFilter(c.filters.BatchAnchored!(), 0, 'latest');
  return events.map((e) => (e as unknown as { args: { root: string } }).args.root);
}

async function proofsVerifyOnChain(store: Contributions, provider: JsonRpcProvider, registry: string): Promise<void> {
  const c = new Contract(registry, artifact('ContributionRegistry').abi as InterfaceAbi, provider);
  for (const record of store.list({ limit: 10_000 })) {
    expect(record.state).toBe('confirmed');
    expect(await callView<boolean>(c, 'verifyRecord', record.batchRoot, record.digest, record.proof)).toBe(true);
  }
}

describe('outbox sync on a real anvil', () => {
  it('signs while the node is down, then anchors and confirms once it comes up', async () => {
    const chain = await preparedChain();
    await signMany(chain.store, chain.contributor, chain.target, 5); // no node running: signing needs none
    expect(chain.store.counts().signed).toBe(5);

    const nowhere = providerFor('http://127.0.0.1:9');
    providers.push(nowhere);
    const offline = await new SyncEngine(chain.store, nowhere, chain.contributor, chain.target).syncOnce();
    expect(offline).toMatchObject({ online: false, problem: { code: 'offline' } });
    expect(chain.store.counts().signed).toBe(5);

    const { provider } = await node(chain.stateFile);
    const engine = new SyncEngine(chain.store, provider, chain.contributor.connect(provider), chain.target, { confirmations: 3 });
    await syncUntil(engine, () => chain.store.counts().confirmed === 5, provider);
    const roots = await anchoredRoots(provider, chain.target.registry);
    expect(roots).toHaveLength(1); // five records, one batch, one transaction
    await proofsVerifyOnChain(chain.store, provider, chain.target.registry);
  }, 120_000);

  it("on a devnet that mines only on a transaction, mines just the blocks a batch's depth lacks and confirms it in the same pass", async () => {
    const chain = await preparedChain();
    const { provider } = await node(chain.stateFile);
    await signMany(chain.store, chain.contributor, chain.target, 3);
    const mined: number[] = [];
    const mine = async (blocks: number) => {
      mined.push(blocks);
      await provider.send('anvil_mine', [`0x${blocks.toString(16)}`]);
    };
    const engine = new SyncEngine(chain.store, provider, chain.contributor.connect(provider), chain.target, { confirmations: 3, mine });
    const report = await engine.syncOnce();
    expect(report).toMatchObject({ sent: 1, included: 1, confirmed: 3, problem: null });
    expect(mined).toEqual([2]); // the anchoring block counts as the first of three
    expect(await provider.getBlockNumber()).toBe(report.head);
    await proofsVerifyOnChain(chain.store, provider, chain.target.registry);
    // Nothing in flight: a pass mines nothing.
    expect(await engine.syncOnce()).toMatchObject({ sent: 0, confirmed: 0, head: report.head });
    expect(mined).toEqual([2]);
  }, 60_000);

  it('survives the node being killed mid-sync: every record confirmed, every batch anchored exactly once', async () => {
    const chain = await preparedChain();
    await signMany(chain.store, chain.contributor, chain.target, 25);
    // The node's state from before the sends: restarting from it is a node that was killed before
    // it persisted any of them (anvil's own interval dump may or may not have caught them).
    const before = `${chain.stateFile}.before`;
    fs.copyFileSync(chain.stateFile, before);
    const started = await node(chain.stateFile);
    const anvil = started.anvil;
    let provider = started.provider;
    const engine = () => new SyncEngine(chain.store, provider, chain.contributor.connect(provider), chain.target, { batchSize: 10, confirmations: 2 });
    const first = await engine().syncOnce();
    expect(first.sent).toBe(3); // 10 + 10 + 5
    await anvil.kill(); // no state written since the last interval: the node may forget the sends
    running.splice(running.indexOf(anvil), 1);

    ({ provider } = await node(before));
    const reports = await syncUntil(engine(), () => chain.store.counts().confirmed === 25, provider);
    expect(reports.reduce((n, r) => n + r.requeued, 0)).toBe(25); // all three sends were lost and made again
    const roots = await anchoredRoots(provider, chain.target.registry);
    expect(new Set(roots).size).toBe(roots.length);
    expect(roots.sort()).toEqual(chain.store.batchesIn(['confirmed']).map((b) => b.root).sort());
    await proofsVerifyOnChain(chain.store, provider, chain.target.registry);
  }, 120_000);

  it('re-anchors after a reorg removes the anchoring block, and the proofs still verify', async () => {
    const chain = await preparedChain();
    await signMany(chain.store, chain.contributor, chain.target, 4);
    const { provider } = await node(chain.stateFile);
    const engine = new SyncEngine(chain.store, provider, chain.contributor.connect(provider), chain.target, { confirmations: 5 });
    await syncUntil(engine, () => chain.store.counts().included === 4, provider);
    const [batch] = chain.store.batchesIn(['included']);
    expect(await anchoredRoots(provider, chain.target.registry)).toEqual([batch!.root]);

    await provider.send('anvil_reorg', [2, []]); // the anchoring block and the one after are replaced
    expect(await anchoredRoots(provider, chain.target.registry)).toEqual([]);
    const reports = await syncUntil(engine, () => chain.store.counts().confirmed === 4, provider);
    expect(reports.reduce((n, r) => n + r.requeued, 0)).toBe(4);
    expect(await anchoredRoots(provider, chain.target.registry)).toEqual([batch!.root]);
    await proofsVerifyOnChain(chain.store, provider, chain.target.registry);
  }, 120_000);

  it('says clearly when the wallet cannot pay, keeps every record, and goes on once funded', async () => {
    const chain = await preparedChain('0');
    await signMany(chain.store, chain.contributor, chain.target, 3);
    const { provider } = await node(chain.stateFile);
    const engine = new SyncEngine(chain.store, provider, chain.contributor.connect(provider), chain.target);
    const broke = await engine.syncOnce();
    expect(broke.problem?.code).toBe('insufficient_funds');
    expect(broke.problem?.message).toContain(chain.contributor.address);
    expect(chain.store.counts().queued).toBe(3);
    await (await new Wallet(ANVIL_DEV_KEY, provider).sendTransaction({ to: chain.contributor.address, value: parseEther('1') })).wait();
    await syncUntil(engine, () => chain.store.counts().confirmed === 3, provider);
  }, 120_000);
  it('notices when another transaction with the same nonce replaced the anchor, and anchors again', async () => {
    const chain = await preparedChain();
    await signMany(chain.store, chain.contributor, chain.target, 3);
    const { provider } = await node(chain.stateFile);
    const signer = chain.contributor.connect(provider);
    const engine = new SyncEngine(chain.store, provider, signer, chain.target, { confirmations: 2 });
    await provider.send('evm_setAutomine', [false]);
    expect((await engine.syncOnce()).sent).toBe(1); // the anchor waits in the mempool
    const [pending] = chain.store.batchesIn(['submitted']);
    const anchorTx = await provider.getTransaction(pending!.txHash!);
    // The wallet (say, in another app) sends something else with the same nonce and a higher fee.
    await provider.send('anvil_dropTransaction', [pending!.txHash]);
    await signer.sendTransaction({ to: signer.address, value: 0n, nonce: anchorTx!.nonce, maxFeePerGas: anchorTx!.maxFeePerGas! * 2n, maxPriorityFeePerGas: anchorTx!.maxPriorityFeePerGas! * 2n });
    await provider.send('evm_mine', []);
    await provider.send('evm_setAutomine', [true]);
    const reports = await syncUntil(engine, () => chain.store.counts().confirmed === 3, provider);
    expect(reports.reduce((n, r) => n + r.requeued, 0)).toBe(3);
    expect(await anchoredRoots(provider, chain.target.registry)).toEqual([pending!.root]);
    await proofsVerifyOnChain(chain.store, provider, chain.target.registry);
  }, 120_000);

  it('replaces an anchor stuck in the mempool with the same nonce and higher fees', async () => {
    const chain = await preparedChain();
    await signMany(chain.store, chain.contributor, chain.target, 2);
    const { provider } = await node(chain.stateFile);
    const engine = new SyncEngine(chain.store, provider, chain.contributor.connect(provider), chain.target, { confirmations: 1 });
    await provider.send('evm_setAutomine', [false]);
    await engine.syncOnce();
    const [first] = chain.store.batchesIn(['submitted']);
    const firstTx = await provider.getTransaction(first!.txHash!);
    expect((await engine.syncOnce()).sent).toBe(0); // pending, but not yet for long: left alone
    await new Promise((r) => setTimeout(r, 5));
    // An engine whose patience is shorter than the time it has been pending: stuck.
    const stuck = await new SyncEngine(chain.store, provider, chain.contributor.connect(provider), chain.target, { confirmations: 1, stuckMs: 1 }).syncOnce();
    expect(stuck.problem).toBeNull();
    expect(stuck.sent).toBe(1);
    const [replaced] = chain.store.batchesIn(['submitted']);
    const replacement = await provider.getTransaction(replaced!.txHash!);
    expect(replaced!.txHash).not.toBe(first!.txHash);
    expect(replacement!.nonce).toBe(firstTx!.nonce);
    expect(replacement!.maxFeePerGas! > firstTx!.maxFeePerGas!).toBe(true);
    await provider.send('evm_mine', []);
    await provider.send('evm_setAutomine', [true]);
    await syncUntil(engine, () => chain.store.counts().confirmed === 2, provider);
    expect(await anchoredRoots(provider, chain.target.registry)).toEqual([first!.root]);
  }, 120_000);
});
