// Every function and every revert of the ledger's contracts, on a real anvil.
import fs from 'node:fs';
import path from 'node:path';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { Contract, ContractFactory, Interface, TypedDataEncoder, Wallet, hexlify, id, parseEther, randomBytes, type InterfaceAbi } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../contracts/compile';
import { artifact, type ContractName } from '../../electron/backend/ledger/artifacts';
import {
  RECORD_SCHEMA_VERSION,
  RECORD_TYPES,
  ZERO_BYTES32,
  recordDigest,
  recordDomain,
  type ContributionRecord,
} from '../../shared/ledger/contribution-record';
import type { Hex } from '../../shared/ledger/eip712';
import { buildTree, fromHex, proofFromNodes, standardLeaf, toHex } from '../../shared/merkle';
import { callView, eventsOf, sendTx } from '../../electron/backend/ledger/contract-call';
import { startTestChain, type TestChain } from '../fixtures/anvil';

let chain: TestChain;
const contract = (name: ContractName, runner: Wallet = chain.deployer) =>
  new Contract(chain.addresses[name], artifact(name).abi as InterfaceAbi, runner);

beforeAll(async () => {
  chain = await startTestChain();
}, 60_000);
afterAll(() => chain.close());

/** A funded wallet of its own, so tests do not share nonces. */
async function fundedWallet(eth = '10'): Promise<Wallet> {
  const w = Wallet.createRandom().connect(chain.provider);
  await (await chain.deployer.sendTransaction({ to: w.address, value: parseEther(eth) })).wait();
  return w as unknown as Wallet;
}

const bytes32 = () => hexlify(randomBytes(32)) as Hex;

// Every custom error of the four contracts, to name a revert from its data.
const errors = () => new Interface((['DatanetRegistry', 'ContributionRegistry', 'ModelRegistry', 'Settlement'] as const).flatMap((n) => artifact(n).abi as InterfaceAbi as never[]).filter((f: { type?: string }) => f.type === 'error'));

async function revertName(promise: Promise<unknown>, name: string): Promise<void> {
  await expect(promise).rejects.toSatisfy((e: { data?: string; shortMessage?: string }) => {
    const got = typeof e.data === 'string' && e.data.length >= 10 ? errors().parseError(e.data)?.name : undefined;
    if (got !== name) throw new Error(`expected revert ${name}, got ${got ?? e.shortMessage ?? 'a failure that is not a revert'}`);
    return true;
  });
}

describe('DatanetRegistry', () => {
  it('registers a datanet, lets only its owner update or hand it over, and refuses duplicates and unknown ids', async () => {
    const registry = contract('DatanetRegistry');
    const dn = id('dn_test_registry');
    const hash = bytes32();
    await expect(sendTx(registry, 'register', [dn, hash, 'ipfs://meta', 'CC-BY-4.0'])).resolves.toBeTruthy();
    const d = await callView<{ owner: string; metadataHash: string; metadataUri: string; license: string }>(registry, 'get', dn);
    expect([d.owner, d.metadataHash, d.metadataUri, d.license]).toEqual([chain.deployerAddress, hash, 'ipfs://meta', 'CC-BY-4.0']);
    await revertName(sendTx(registry, 'register', [dn, hash, 'x', 'MIT']), 'AlreadyRegistered');
    await revertName(sendTx(registry, 'register', [ZERO_BYTES32, hash, 'x', 'MIT']), 'ZeroId');

    const other = await fundedWallet();
    await revertName(sendTx(contract('DatanetRegistry', other), 'updateMetadata', [dn, bytes32(), 'ipfs://evil']), 'NotOwner');
    const newHash = bytes32();
    const receipt = await sendTx(registry, 'updateMetadata', [dn, newHash, 'ipfs://meta2']);
    expect(eventsOf(registry, receipt).map((e) => e.name)).toEqual(['MetadataUpdated']);
    expect((await callView<{ metadataUri: string }>(registry, 'get', dn)).metadataUri).toBe('ipfs://meta2');

    await revertName(sendTx(registry, 'transferOwnership', [dn, '0x' + '0'.repeat(40)]), 'ZeroAddress');
    await sendTx(registry, 'transferOwnership', [dn, other.address]);
    await expect(sendTx(contract('DatanetRegistry', other), 'updateMetadata', [dn, newHash, 'ipfs://meta3'])).resolves.toBeTruthy();
    await revertName(sendTx(registry, 'updateMetadata', [dn, newHash, 'x']), 'NotOwner');
    await revertName(callView(registry, 'get', id('nope')), 'UnknownDatanet');
    expect(await callView(registry, 'exists', dn)).toBe(true);
    expect(await callView(registry, 'exists', id('nope'))).toBe(false);
  });
});

function sampleRecord(contributor: string, overrides: Partial<ContributionRecord> = {}): ContributionRecord {
  return {
    recordId: bytes32(),
    contributor: contributor as Hex,
    datanetId: id('dn_reviews') as Hex,
    versionId: id('ver_1') as Hex,
    contentRoot: bytes32(),
    itemCount: 1234,
    license: 'CC-BY-4.0',
    parentRecordId: ZERO_BYTES32,
    createdAt: 1_790_000_000,
    schemaVersion: RECORD_SCHEMA_VERSION,
    ...overrides,
  };
}

describe('ContributionRegistry', () => {
  const domain = () => recordDomain(31337, chain.addresses.ContributionRegistry as Hex);

  it('computes the same record digest as shared/ and as ethers', async () => {
    const signer = Wallet.createRandom();
    const record = sampleRecord(signer.address);
    const onChain = await callView<string>(contract('ContributionRegistry'), 'hashRecord', record);
    expect(recordDigest(record, domain())).toBe(onChain);
    expect(TypedDataEncoder.hash(domain(), RECORD_TYPES, record)).toBe(onChain);
  });

  it('accepts a record signed by its contributor, relayed by anyone, once', async () => {
    const contributor = Wallet.createRandom();
    const relayer = await fundedWallet();
    const record = sampleRecord(contributor.address);
    const signature = await contributor.signTypedData(domain(), RECORD_TYPES, record);
    const registry = contract('ContributionRegistry', relayer);
    const receipt = await sendTx(registry, 'submitSigned', [record, signature]);
    const event = eventsOf(registry, receipt)[0]!;
    expect(event.name).toBe('RecordSubmitted');
    expect(event.args.recordId).toBe(record.recordId);
    expect(event.args.contributor).toBe(contributor.address);
    expect(event.args.relayer).toBe(relayer.address);
    expect(await callView(registry, 'isSubmitted', record.recordId)).toBe(true);
    await revertName(sendTx(registry, 'submitSigned', [record, signature]), 'RecordIdUsed');
  });

  it('refuses a signature by someone else, for another chain id, for another registry, or over other fields', async () => {
    const contributor = Wallet.createRandom();
    const record = sampleRecord(contributor.address);
    const registry = contract('ContributionRegistry');
    const byOther = await Wallet.createRandom().signTypedData(domain(), RECORD_TYPES, record);
    await revertName(sendTx(registry, 'submitSigned', [record, byOther]), 'BadSignature');
    const otherChain = await contributor.signTypedData(recordDomain(1612, domain().verifyingContract), RECORD_TYPES, record);
    await revertName(sendTx(registry, 'submitSigned', [record, otherChain]), 'BadSignature');
    const otherRegistry = await contributor.signTypedData(recordDomain(31337, chain.addresses.DatanetRegistry as Hex), RECORD_TYPES, record);
    await revertName(sendTx(registry, 'submitSigned', [record, otherRegistry]), 'BadSignature');
    const signed = await contributor.signTypedData(domain(), RECORD_TYPES, record);
    await revertName(sendTx(registry, 'submitSigned', [{ ...record, itemCount: 1235 }, signed]), 'BadSignature');
    const zeroId = sampleRecord(contributor.address, { recordId: ZERO_BYTES32 });
    await revertName(sendTx(registry, 'submitSigned', [zeroId, await contributor.signTypedData(domain(), RECORD_TYPES, zeroId)]), 'ZeroRecordId');
    expect(await callView(registry, 'isSubmitted', record.recordId)).toBe(false);
  });

  it('anchors a batch once, and verifies each record of it by proof (tree built by shared/merkle, checked on chain)', async () => {
    const registry = contract('ContributionRegistry');
    const contributor = Wallet.createRandom();
    const digests = Array.from({ length: 7 }, () => fromHex(recordDigest(sampleRecord(contributor.address), domain())));
    const tree = buildTree(digests.map(standardLeaf));
    const root = toHex(tree.root);
    const receipt = await sendTx(registry, 'anchor', [id('dn_reviews'), root, 7, 'ipfs://batch']);
    const event = eventsOf(registry, receipt)[0]!;
    expect([event.name, event.args.root, event.args.count]).toEqual(['BatchAnchored', root, 7n]);
    const [blockNumber, count, submitter] = await callView<[bigint, bigint, string]>(registry, 'batch', root);
    expect([blockNumber, count, submitter]).toEqual([BigInt(receipt.blockNumber), 7n, chain.deployerAddress]);

    for (let i = 0; i < digests.length; i++) {
      const proof = proofFromNodes(tree.nodes, i).map(toHex);
      expect(await callView(registry, 'verifyRecord', root, toHex(digests[i]!), proof)).toBe(true);
    }
    const proof0 = proofFromNodes(tree.nodes, 0).map(toHex);
    expect(await callView(registry, 'verifyRecord', root, toHex(digests[1]!), proof0)).toBe(false);
    expect(await callView(registry, 'verifyRecord', bytes32(), toHex(digests[0]!), proof0)).toBe(false);

    await revertName(sendTx(registry, 'anchor', [id('dn_reviews'), root, 7, '']), 'AlreadyAnchored');
    await revertName(sendTx(registry, 'anchor', [id('dn_reviews'), ZERO_BYTES32, 7, '']), 'ZeroRoot');
    await revertName(sendTx(registry, 'anchor', [id('dn_reviews'), bytes32(), 0, '']), 'EmptyBatch');
  });
});

describe('ModelRegistry', () => {
  it('registers an adapter with its fee split and refuses bad registrations', async () => {
    const models = contract('ModelRegistry');
    const adapter = bytes32();
    const trainer = Wallet.createRandom().address;
    await sendTx(models, 'register', [adapter, id('HuggingFaceTB/SmolLM2-135M'), bytes32(), trainer, 2500, 'ipfs://adapter']);
    const m = await callView<{ owner: string; trainer: string; ownerShareBps: bigint; uri: string }>(models, 'get', adapter);
    expect([m.owner, m.trainer, m.ownerShareBps, m.uri]).toEqual([chain.deployerAddress, trainer, 2500n, 'ipfs://adapter']);
    expect(await callView(models, 'feeSplit', adapter)).toEqual([chain.deployerAddress, 2500n]);
    await revertName(sendTx(models, 'register', [adapter, bytes32(), bytes32(), trainer, 2500, '']), 'AlreadyRegistered');
    await revertName(sendTx(models, 'register', [bytes32(), bytes32(), bytes32(), trainer, 10_001, '']), 'ShareTooLarge');
    await revertName(sendTx(models, 'register', [ZERO_BYTES32, bytes32(), bytes32(), trainer, 0, '']), 'ZeroHash');
    await revertName(sendTx(models, 'register', [bytes32(), bytes32(), bytes32(), '0x' + '0'.repeat(40), 0, '']), 'ZeroAddress');
    await revertName(callView(models, 'get', bytes32()), 'UnknownModel');
    const other = await fundedWallet();
    await revertName(sendTx(contract('ModelRegistry', other), 'transferOwnership', [adapter, other.address]), 'NotOwner');
    await sendTx(models, 'transferOwnership', [adapter, other.address]);
    expect(await callView(models, 'feeSplit', adapter)).toEqual([other.address, 2500n]);
  });
});

describe('Settlement', () => {
  async function registeredModel(ownerShareBps: number): Promise<{ adapter: Hex; owner: Wallet }> {
    const owner = await fundedWallet();
    const adapter = bytes32();
    await sendTx(contract('ModelRegistry', owner), 'register', [adapter, bytes32(), bytes32(), owner.address, ownerShareBps, '']);
    return { adapter, owner };
  }

  function sharesTree(shares: [number, string, bigint][]) {
    return StandardMerkleTree.of(shares, ['uint256', 'address', 'uint256']);
  }

  it('splits a fee by the registered rule, pays each share once by proof, and lets the owner withdraw', async () => {
    const { adapter, owner } = await registeredModel(2000);
    const alice = Wallet.createRandom().address;
    const bob = Wallet.createRandom().address;
    const fee = parseEther('1');
    const contributorsPart = (fee * 8000n) / 10000n;
    const shares = sharesTree([
      [0, alice, (contributorsPart * 3n) / 4n],
      [1, bob, contributorsPart / 4n],
    ]);
    const settlement = contract('Settlement');
    const receipt = await sendTx(settlement, 'pay', [adapter, shares.root, 'ipfs://attribution'], { value: fee });
    const paid = eventsOf(settlement, receipt)[0]!;
    expect(paid.name).toBe('FeePaid');
    const paymentId = paid.args.paymentId as bigint;
    expect([paid.args.ownerPart, paid.args.contributorsPart]).toEqual([fee - contributorsPart, contributorsPart]);
    expect(await callView(settlement, 'ownerBalance', owner.address)).toBe(fee - contributorsPart);

    for (const [i, [index, account, amount]] of [...shares.entries()]) {
      const claimer = await fundedWallet('1'); // anyone may send the claim; the money goes to `account`
      await sendTx(contract('Settlement', claimer), 'claim', [paymentId, index, account, amount, shares.getProof(i)]);
      expect(await chain.provider.getBalance(account)).toBe(amount);
      expect(await callView(settlement, 'isClaimed', paymentId, index)).toBe(true);
      await revertName(sendTx(settlement, 'claim', [paymentId, index, account, amount, shares.getProof(i)]), 'AlreadyClaimed');
    }
    const p = await callView<{ claimed: bigint; contributorsPart: bigint }>(settlement, 'payment', paymentId);
    expect(p.claimed).toBe(contributorsPart);

    const before = await chain.provider.getBalance(owner.address);
    const w = await sendTx(contract('Settlement', owner), 'withdraw');
    const after = await chain.provider.getBalance(owner.address);
    expect(after - before + w.gasUsed * w.gasPrice).toBe(fee - contributorsPart);
    await revertName(sendTx(contract('Settlement', owner), 'withdraw'), 'NothingToWithdraw');
  });

  it('refuses a zero fee, an unknown model, a zero root, a wrong proof, a wrong amount, and shares beyond the contributors part', async () => {
    const { adapter } = await registeredModel(5000);
    const settlement = contract('Settlement');
    const alice = Wallet.createRandom().address;
    const shares = sharesTree([
      [0, alice, parseEther('0.4')],
      [1, Wallet.createRandom().address, parseEther('0.4')],
    ]);
    await revertName(sendTx(settlement, 'pay', [adapter, shares.root, ''], { value: 0 }), 'ZeroFee');
    await revertName(sendTx(settlement, 'pay', [bytes32(), shares.root, ''], { value: 1 }), 'UnknownModel');
    await revertName(sendTx(settlement, 'pay', [adapter, ZERO_BYTES32, ''], { value: 1 }), 'ZeroRoot');
    // 1 ETH at 50%: the contributors' part is 0.5 ETH but the root promises 0.8.
    const receipt = await sendTx(settlement, 'pay', [adapter, shares.root, ''], { value: parseEther('1') });
    const paymentId = eventsOf(settlement, receipt)[0]!.args.paymentId as bigint;
    await revertName(sendTx(settlement, 'claim', [paymentId, 0, alice, parseEther('0.4'), shares.getProof(1)]), 'InvalidProof');
    await revertName(sendTx(settlement, 'claim', [paymentId, 0, alice, parseEther('0.5'), shares.getProof(0)]), 'InvalidProof');
    await revertName(sendTx(settlement, 'claim', [paymentId + 100n, 0, alice, 1, []]), 'UnknownPayment');
    await sendTx(settlement, 'claim', [paymentId, 0, alice, parseEther('0.4'), shares.getProof(0)]);
    const [, bob, bobAmount] = shares.at(1)!;
    await revertName(sendTx(settlement, 'claim', [paymentId, 1, bob, bobAmount, shares.getProof(1)]), 'ExceedsContributorsPart');
  });

  it('pays a malicious receiver that re-enters claim exactly once', async () => {
    const { adapter } = await registeredModel(0);
    const source = fs.readFileSync(path.join(import.meta.dirname, '..', 'contracts', 'ReentrantClaimer.sol'), 'utf8');
    const [attackerArtifact] = compile({ 'ReentrantClaimer.sol': source }).artifacts;
    const factory = new ContractFactory(attackerArtifact!.abi as InterfaceAbi, attackerArtifact!.bytecode, chain.deployer);
    const deployed = await factory.deploy(chain.addresses.Settlement);
    await deployed.waitForDeployment();
    const attackerAddress = await deployed.getAddress();
    const attacker = new Contract(attackerAddress, attackerArtifact!.abi as InterfaceAbi, chain.deployer);
    const amount = parseEther('0.3');
    const shares = sharesTree([
      [0, attackerAddress, amount],
      [1, Wallet.createRandom().address, amount],
    ]);
    const settlement = contract('Settlement');
    const receipt = await sendTx(settlement, 'pay', [adapter, shares.root, ''], { value: parseEther('1') });
    const paymentId = eventsOf(settlement, receipt)[0]!.args.paymentId as bigint;
    await sendTx(attacker, 'attack', [paymentId, 0, amount, shares.getProof(0)]);
    expect(await callView(attacker, 'reentryAttempts')).toBe(1n);
    expect(await callView(attacker, 'reentrySucceeded')).toBe(false);
    const reason = await callView<string>(attacker, 'reentryError');
    expect(reason.slice(0, 10)).toBe(id('ReentrancyGuardReentrantCall()').slice(0, 10));
    expect(await chain.provider.getBalance(attackerAddress)).toBe(amount);
    expect((await callView<{ claimed: bigint }>(settlement, 'payment', paymentId)).claimed).toBe(amount);
  });
});
