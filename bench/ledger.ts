// The ledger's speed (issue 6), on a fresh anvil:
//  - signing: N records through signContribution into a real SQLite outbox, against raw secp256k1
//    signing (ethers SigningKey.sign) of the same N digests in the same run; ratio target ≥ 0.5.
//    ethers' signTypedData of the same records (what signContribution did before) is shown too.
//  - anchoring: all N with the SyncEngine at batch size 1,000, gas per record from the receipts
//    (target ≤ 100).
//  - settlement: a model registered, a fee paid, shares claimed with Merkle proofs: gas per claim.
//  - a gas table per contract function, and the whole run's time.
// Each signing figure is the best of ROUNDS passes, the ways taking turns (on a shared machine the
// fastest pass is the least disturbed one).
//
//   node scripts/run-ts.mjs bench/ledger.ts [records=10000] [rounds=3]     (from the repository root)
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { Contract, JsonRpcProvider, Wallet, getAddress, parseEther, type ContractTransactionReceipt, type InterfaceAbi, type TransactionReceipt } from 'ethers';
import { ANVIL_DEV_KEY, startAnvil } from '../electron/backend/ledger/anvil-process';
import { artifact, type ContractName } from '../electron/backend/ledger/artifacts';
import { signContribution } from '../electron/backend/ledger/contribute';
import { Contributions, type StoredContribution } from '../electron/backend/ledger/contributions';
import { deployContracts } from '../electron/backend/ledger/deploy';
import { SyncEngine, type SyncTarget } from '../electron/backend/ledger/sync';
import { openDatabase } from '../electron/backend/store/database';
import { RECORD_TYPES, idKey, recordDomain } from '../shared/ledger/contribution-record';
import type { Hex } from '../shared/ledger/eip712';
import { buildTree, standardLeaf, toHex } from '../shared/merkle';

const N = Number(process.argv[2] ?? 10_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const BATCH = 1000;
const VERSIONS_PER_DATANET = 10; // a contributor's versions of one datanet chain by parentRecordId

const started = performance.now();
const random32 = (): Hex => `0x${randomBytes(32).toString('hex')}`;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const anvil = await startAnvil();
const provider = new JsonRpcProvider(anvil.rpcUrl, 31337, { staticNetwork: true, pollingInterval: 20, cacheTimeout: -1 });
const dev = new Wallet(ANVIL_DEV_KEY, provider);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-bench-ledger-'));
const gas: { fn: string; gas: bigint; note: string }[] = [];

try {
  // Deployment, with its gas from the receipts of the blocks it took.
  const before = await provider.getBlockNumber();
  const addresses = await deployContracts(dev);
  for (let b = before + 1; b <= (await provider.getBlockNumber()); b++) {
    for (const hash of (await provider.getBlock(b))!.transactions) {
      const r = (await provider.getTransactionReceipt(hash))!;
      const name = Object.entries(addresses).find(([, a]) => a.toLowerCase() === r.contractAddress?.toLowerCase())?.[0];
      gas.push({ fn: `deploy ${name}`, gas: r.gasUsed, note: '' });
    }
  }
  const contract = (name: ContractName, signer = dev) => new Contract(addresses[name], artifact(name).abi as InterfaceAbi, signer);
  const send = async (c: Contract, fn: string, args: unknown[], value = 0n): Promise<ContractTransactionReceipt> => (await (await c.getFunction(fn).send(...args, { value })).wait())!;

  const contributor = new Wallet(Wallet.createRandom().privateKey, provider);
  await (await dev.sendTransaction({ to: contributor.address, value: parseEther('100') })).wait();
  const target: SyncTarget = { chainId: 31337, registry: addresses.ContributionRegistry as Hex };
  const domain = recordDomain(target.chainId, target.registry);

  // --- Signing ------------------------------------------------------------------------------
  const versions = Array.from({ length: N }, (_, i) => ({
    datanet: { id: `dn_bench${Math.floor(i / VERSIONS_PER_DATANET)}`, license: 'CC-BY-4.0' },
    version: { id: `ver_bench${i}`, root: random32(), recordCount: 100 + i },
  }));
  let store!: Contributions;
  let stored: StoredContribution[] = [];
  const best = { sign: Infinity, raw: Infinity, typed: Infinity };
  for (let round = 0; round < ROUNDS; round++) {
    // A fresh database each round: the outbox grows as it would for one user over time.
    const db = openDatabase(path.join(dir, `studio-${round}.db`));
    store = new Contributions(db);
    const key = contributor.signingKey;
    let t = performance.now();
    stored = [];
    for (const { datanet, version } of versions) stored.push(await signContribution(store, contributor, target, datanet, version));
    best.sign = Math.min(best.sign, performance.now() - t);

    t = performance.now();
    for (const c of stored) key.sign(c.digest);
    best.raw = Math.min(best.raw, performance.now() - t);

    t = performance.now();
    for (const c of stored) await contributor.signTypedData(domain, RECORD_TYPES, c.record);
    best.typed = Math.min(best.typed, performance.now() - t);
    if (round < ROUNDS - 1) db.close();
  }
  const rate = (ms: number) => N / (ms / 1000);
  const signRate = rate(best.sign);
  const rawRate = rate(best.raw);
  const typedRate = rate(best.typed);

  // --- Anchoring ----------------------------------------------------------------------------
  const engine = new SyncEngine(store, provider, contributor, target, { batchSize: BATCH, confirmations: 1 });
  const t = performance.now();
  const first = await engine.syncOnce();
  if (first.problem) throw new Error(`anchoring failed: ${first.problem.message}`);
  for (let pass = 0; store.counts().confirmed < N; pass++) {
    if (pass > 20) throw new Error(`not all confirmed: ${JSON.stringify(store.counts())}`);
    await provider.send('evm_mine', []);
    const r = await engine.syncOnce();
    if (r.problem) throw new Error(`sync failed: ${r.problem.message}`);
  }
  const anchorMs = performance.now() - t;
  const batches = store.batchesIn(['confirmed']);
  const receipts: TransactionReceipt[] = [];
  for (const b of batches) receipts.push((await provider.getTransactionReceipt(b.txHash!))!);
  const anchorGas = receipts.reduce((sum, r) => sum + r.gasUsed, 0n);
  const gasPerRecord = Number(anchorGas) / N;

  // --- The gas table ------------------------------------------------------------------------
  const registry = contract('ContributionRegistry', contributor);
  for (const count of [1, 100, 1000]) {
    const leaves = Array.from({ length: count }, () => standardLeaf(randomBytes(32)));
    const r = await send(registry, 'anchor', [idKey('dn_gas'), toHex(buildTree(leaves).root), count, '']);
    gas.push({ fn: `ContributionRegistry.anchor (${fmt(count)} record${count === 1 ? '' : 's'})`, gas: r.gasUsed, note: `${fmt(Number(r.gasUsed) / count, 1)} per record` });
  }
  // A record relayed on its own: one of those signed above, not anchored yet under its id.
  const one = stored[0]!;
  const relayed = await send(contract('ContributionRegistry'), 'submitSigned', [one.record, one.signature]);
  gas.push({ fn: 'ContributionRegistry.submitSigned', gas: relayed.gasUsed, note: 'one record, signature checked on chain' });

  const datanets = contract('DatanetRegistry', contributor);
  const registered = await send(datanets, 'register', [idKey('dn_gas'), random32(), 'ipfs://bafy-metadata', 'CC-BY-4.0']);
  gas.push({ fn: 'DatanetRegistry.register', gas: registered.gasUsed, note: '' });
  const updated = await send(datanets, 'updateMetadata', [idKey('dn_gas'), random32(), 'ipfs://bafy-metadata-2']);
  gas.push({ fn: 'DatanetRegistry.updateMetadata', gas: updated.gasUsed, note: '' });

  const models = contract('ModelRegistry');
  const adapter = random32();
  const model = await send(models, 'register', [adapter, random32(), random32(), dev.address, 2000, 'ipfs://bafy-adapter']);
  gas.push({ fn: 'ModelRegistry.register', gas: model.gasUsed, note: 'owner share 20%' });

  // One fee split over 1,000 contributors' shares; claims with proofs of depth ~10.
  const SHARES = 1000;
  const CLAIMS = 20;
  const fee = parseEther('10');
  const part = (fee * 8000n) / 10000n / BigInt(SHARES);
  const accounts = Array.from({ length: SHARES }, () => getAddress(`0x${randomBytes(20).toString('hex')}`));
  const shares = StandardMerkleTree.of(accounts.map((a, i) => [i, a, part]), ['uint256', 'address', 'uint256']);
  const settlement = contract('Settlement');
  const paid = await send(settlement, 'pay', [adapter, shares.root, 'ipfs://bafy-attribution'], fee);
  gas.push({ fn: 'Settlement.pay', gas: paid.gasUsed, note: `${fmt(SHARES)} shares` });
  let claimGas = 0n;
  for (let i = 0; i < CLAIMS; i++) {
    const r = await send(settlement, 'claim', [0, i, accounts[i], part, shares.getProof(i)]);
    claimGas += r.gasUsed;
  }
  const gasPerClaim = Number(claimGas) / CLAIMS;
  gas.push({ fn: 'Settlement.claim', gas: claimGas / BigInt(CLAIMS), note: `mean of ${CLAIMS}, proof of ${shares.getProof(0).length} hashes, to a fresh account` });
  const withdrawn = await send(settlement, 'withdraw', []);
  gas.push({ fn: 'Settlement.withdraw', gas: withdrawn.gasUsed, note: "the model owner's part" });

  const totalS = (performance.now() - started) / 1000;
  const lines = [
    `records: ${fmt(N)}, batch size ${fmt(BATCH)}, best of ${ROUNDS} signing rounds; Node ${process.version}, ${os.cpus().length} cores`,
    '',
    '| measure | value | peer / target | ratio |',
    '|---|---|---|---|',
    `| signContribution (SQLite outbox included) | ${fmt(signRate)} records/s | raw SigningKey.sign of the digests: ${fmt(rawRate)} /s | ${(signRate / rawRate).toFixed(2)} (target ≥ 0.5) |`,
    `| ethers signTypedData of the same records (the old path) | ${fmt(typedRate)} /s | raw: ${fmt(rawRate)} /s | ${(typedRate / rawRate).toFixed(2)} |`,
    `| anchor gas per record at ${fmt(BATCH)} a batch | ${fmt(gasPerRecord, 1)} gas | ≤ 100 | ${(gasPerRecord / 100).toFixed(3)} |`,
    `| gas per claim | ${fmt(gasPerClaim)} gas | (reported) | |`,
    `| anchoring ${fmt(N)} records (${batches.length} transactions, to 1 confirmation) | ${(anchorMs / 1000).toFixed(2)} s | | |`,
    `| whole run (anvil start to last claim) | ${totalS.toFixed(1)} s | | |`,
    '',
    '| function | gas | note |',
    '|---|---|---|',
    ...gas.map((g) => `| ${g.fn} | ${fmt(Number(g.gas))} | ${g.note} |`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  if (signRate / rawRate < 0.5) process.exitCode = 1;
  if (gasPerRecord > 100) process.exitCode = 1;
} finally {
  provider.destroy();
  await anvil.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
