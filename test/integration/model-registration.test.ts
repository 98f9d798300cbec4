/**
 * Registering an adapter on the embedded devnet's ModelRegistry with its training manifest: the
 * manifest's entries are the version's contribution records weighted by the tokens trained on
 * (checked as a partition: two selections that split the version weigh what the whole version
 * does), the registration is read back with ethers and the ABI alone, an entry is proved with
 * OpenZeppelin's library, the manifest verifies and an altered one does not, a second
 * registration, a missing wallet, a locked one and an empty one are refused with clear errors.
 * Then the same from the command line: `studio adapter register|manifest` and `studio verify`.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { Contract, JsonRpcProvider, Wallet, id as keccakUtf8, type InterfaceAbi } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initLoraAdapter, loraSettings } from '../../engine/lora-io/adapter';
import { writePeftAdapter } from '../../engine/lora-io/peft-files';
import { loadModelConfig } from '../../engine/models/config';
import type { Backend } from '../../electron/backend';
import { appRoot } from '../../electron/paths';
import type { Datanet, Version } from '../../shared/api/schemas/datanets';
import type { AdapterLineage } from '../../shared/api/schemas/models';
import type { ManifestVerification, ModelRegistration } from '../../shared/api/schemas/registration';
import { buildManifest, type TrainingManifest } from '../../shared/ledger/training-manifest';
import { call, testBackend } from '../fixtures/datanet-backend';
import { pairsVersion } from '../fixtures/pairs-version';
import { runStudio } from '../fixtures/studio-cli';
import { tempDir } from '../fixtures/temp-dir';
import { writeTinyModel } from '../fixtures/tiny-models';

beforeAll(() => {
  process.env.STUDIO_KEYSTORE_SCRYPT_N = String(2 ** 10); // fast keystores in tests only; CLI children inherit it
  delete process.env.STUDIO_WALLET_PASSWORD;
});

const PASSWORD = 'a long password';
const KEY_A = '0x' + '31'.repeat(32);
const KEY_B = '0x' + '32'.repeat(32);
const KEY_C = '0x' + '33'.repeat(32);
const PAIRS = Array.from({ length: 12 }, (_, i) => ({ prompt: `What is ${i} plus one?`, response: `It is ${i + 1}, as ${i} and one make ${i + 1}.` }));
const ENTRY_TYPES = ['uint256', 'bytes32', 'bytes32', 'address', 'uint256', 'uint256'];
const SPLIT = { field: 'pair', maxLen: 64, seed: 42, evalFraction: 0.25 };

const registryAbi = () => (JSON.parse(fs.readFileSync(path.join(appRoot(), 'resources/contracts/ModelRegistry.json'), 'utf8')) as { abi: InterfaceAbi }).abi;
const sha256File = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const failedChecks = (v: ManifestVerification) => v.checks.filter((c) => !c.ok).map((c) => c.name);

/** A datanet of 12 instruction pairs, frozen as version 1, and a tiny GPT-2 base model. */
async function setUp(b: Backend): Promise<{ datanet: Datanet; version: Version; modelDir: string }> {
  const { datanet, version } = await pairsVersion(b, 'Sums', PAIRS);
  const model = writeTinyModel(path.join(tempDir(), 'tiny-gpt2'), { architecture: 'gpt2', seed: 1 });
  await call(b, 'models.import', { path: model.dir });
  return { datanet, version, modelDir: model.dir };
}

/** A PEFT folder as the trainer would leave it (no training: initialized weights), with a lineage file naming the version. */
async function adapterFolder(modelDir: string, seed: number, lineage: AdapterLineage | null): Promise<string> {
  const dir = path.join(tempDir(), `adapter-${seed}`);
  const adapter = initLoraAdapter(loadModelConfig(modelDir), loraSettings('gpt2', { r: 4, alpha: 8 }), seed);
  // PEFT initializes B to zero; some non-zero B so that two seeds differ in every tensor.
  for (const m of adapter.modules) m.b.forEach((_, i) => (m.b[i] = Math.sin(seed + i) / 50));
  await writePeftAdapter(dir, adapter);
  if (lineage) fs.writeFileSync(path.join(dir, 'studio-adapter.json'), JSON.stringify({ base: 'tiny-gpt2', lineage }));
  return dir;
}

function lineageOf(datanet: Datanet, version: Version, examples = 9): AdapterLineage {
  return { datanet: datanet.id, version: version.number, root: version.root, examples, hyperparameters: { ...SPLIT, lr: 1e-3, steps: 10 }, metrics: { steps: 10 }, trainedAt: Date.now() };
}

const itemIds = (b: Backend, version: Version) => b.datanets.db.prepare('SELECT item_id FROM version_records WHERE version_id = ? ORDER BY position').pluck().all(version.id) as string[];

describe('adapter registration on the embedded devnet', () => {
  it('registers an adapter with its manifest, reads it back from the chain, verifies the manifest, and refuses what it must', async () => {
    const b = testBackend();
    const { datanet, version } = await setUp(b);
    const modelDir = path.join(b.dataDir, 'models', 'language', 'tiny-gpt2');
    const importAdapter = async (name: string, seed: number, lineage: AdapterLineage | null) =>
      call(b, 'adapters.import', { path: await adapterFolder(modelDir, seed, lineage), base: 'tiny-gpt2', name });
    await importAdapter('sums', 1, lineageOf(datanet, version));
    await importAdapter('plain', 2, null);
    await importAdapter('miscounted', 3, lineageOf(datanet, version, 10));
    await importAdapter('sums-too', 4, lineageOf(datanet, version));

    await expect(call(b, 'models.register', { adapter: 'sums', ownerShareBps: 2000 })).rejects.toThrow(/There is no wallet yet: create or import one first/);
    const a = await call<{ address: string }>(b, 'wallet.import', { source: { kind: 'privateKey', privateKey: KEY_A }, password: PASSWORD });
    await call(b, 'wallet.lock');
    await expect(call(b, 'models.register', { adapter: 'sums', ownerShareBps: 2000 })).rejects.toThrow(/The wallet is locked/);
    await call(b, 'wallet.unlock', { password: PASSWORD });
    await call(b, 'wallet.fund', { eth: '1' });
    await expect(call(b, 'models.register', { adapter: 'sums', ownerShareBps: 2000 })).rejects.toThrow(
      /No contribution record of Sums version 1 on the local devnet covers the examples sums was trained on: contribute that version first/,
    );
    await expect(call(b, 'models.register', { adapter: 'plain', ownerShareBps: 2000 })).rejects.toThrow(/"field":"adapter","message":"plain has no lineage \(it was imported, not trained here\)/);
    await expect(call(b, 'models.register', { adapter: 'sums', ownerShareBps: 10_001 })).rejects.toThrow(/"field":"ownerShareBps"/);

    // Contributor A gives the whole version; B two selections that split it.
    const whole = await call<{ recordId: string }>(b, 'contributions.create', { datanet: 'Sums' });
    const walletB = await call<{ address: string }>(b, 'wallet.import', { source: { kind: 'privateKey', privateKey: KEY_B }, password: PASSWORD, replace: true });
    const ids = itemIds(b, version);
    const first = await call<{ recordId: string }>(b, 'contributions.create', { datanet: 'Sums', items: ids.slice(0, 4) });
    const rest = await call<{ recordId: string }>(b, 'contributions.create', { datanet: 'Sums', items: ids.slice(4) });
    await expect(call(b, 'models.register', { adapter: 'miscounted', ownerShareBps: 2000 })).rejects.toThrow(/miscounted was trained on 10 examples, but its lineage's settings give 9/);

    // What registering would send, before it is sent.
    const preview = await call<{ manifest: TrainingManifest; registration: ModelRegistration | null }>(b, 'models.manifest', { adapter: 'sums' });
    expect(preview.registration).toBeNull();
    await call(b, 'wallet.fund', { eth: '1' });
    const { registration, manifest } = await call<{ registration: ModelRegistration; manifest: TrainingManifest }>(b, 'models.register', { adapter: 'sums', ownerShareBps: 2500, uri: 'ipfs://sums' });
    expect(manifest).toEqual(preview.manifest);
    expect(registration).toMatchObject({ adapter: 'sums', chainId: 31337, owner: walletB.address, trainer: walletB.address, ownerShareBps: 2500, uri: 'ipfs://sums', manifestRoot: manifest.root, adapterHash: manifest.adapter.hash });
    expect(registration.txHash).toMatch(/^0x[0-9a-f]{64}$/);

    // The ids, from the files, the way the README says to compute them.
    const adapterDir = path.join(b.dataDir, 'adapters', 'sums');
    const [w, c] = [sha256File(path.join(adapterDir, 'adapter_model.safetensors')), sha256File(path.join(adapterDir, 'adapter_config.json'))];
    expect(manifest.adapter).toEqual({ hash: `0x${createHash('sha256').update(Buffer.from(w + c, 'hex')).digest('hex')}`, weightsSha256: w, configSha256: c });
    const baseId = execFileSync('sh', ['-c', 'sha256sum config.json *.safetensors | LC_ALL=C sort -k 2 | sha256sum'], { cwd: modelDir, encoding: 'utf8' }).split(' ')[0];
    expect(manifest.baseModel.id).toBe(`0x${baseId}`);
    expect(manifest.datanet).toEqual({ id: keccakUtf8(datanet.id), localId: datanet.id, version: 1, localVersionId: version.id, versionRoot: version.root });

    // The weights: A's whole-version record counts every train example; B's two selections split them.
    expect(manifest.training).toMatchObject({ field: 'pair', examples: 9 });
    expect(manifest.training.tokens).toBeGreaterThan(9 * 5);
    const byRecord = new Map(manifest.entries.map((e) => [e.recordId, e]));
    expect(new Set(byRecord.keys())).toEqual(new Set([whole.recordId, first.recordId, rest.recordId]));
    expect(byRecord.get(whole.recordId)).toMatchObject({ contributor: a.address, examples: 9, tokens: manifest.training.tokens });
    const [s1, s2] = [byRecord.get(first.recordId)!, byRecord.get(rest.recordId)!];
    expect(s1.contributor).toBe(walletB.address);
    expect(s1.examples + s2.examples).toBe(9);
    expect(s1.examples).toBeLessThanOrEqual(4);
    expect(s2.examples).toBeLessThanOrEqual(8);
    expect(s1.tokens + s2.tokens).toBe(manifest.training.tokens);
    expect(s1.tokens).toBeGreaterThan(0);
    expect(manifest.weightSum).toBe(2 * manifest.training.tokens);
    for (const e of manifest.entries) expect(e.digest).toBe((await call<{ digest: string }>(b, 'contributions.bundle', { record: e.recordId })).digest);

    // Read back with ethers and the ABI alone; an entry proved with OpenZeppelin's library.
    const check = await call<{ rpcUrl: string; addresses: Record<string, string> }>(b, 'ledger.check');
    const provider = new JsonRpcProvider(check.rpcUrl, 31337, { staticNetwork: true });
    try {
      const onChain = (await new Contract(check.addresses.ModelRegistry!, registryAbi(), provider).getFunction('get').staticCall(manifest.adapter.hash)) as {
        owner: string;
        ownerShareBps: bigint;
        baseModelId: string;
        manifestRoot: string;
        trainer: string;
        uri: string;
      };
      expect({ owner: onChain.owner, share: onChain.ownerShareBps, base: onChain.baseModelId, root: onChain.manifestRoot, trainer: onChain.trainer, uri: onChain.uri }).toEqual({
        owner: walletB.address,
        share: 2500n,
        base: manifest.baseModel.id,
        root: manifest.root,
        trainer: walletB.address,
        uri: 'ipfs://sums',
      });
    } finally {
      provider.destroy();
    }
    const i = manifest.entries.indexOf(s1);
    expect(StandardMerkleTree.verify(manifest.root, ENTRY_TYPES, [i, s1.recordId, s1.digest, s1.contributor, s1.examples, s1.tokens], s1.proof)).toBe(true);
    expect(StandardMerkleTree.verify(manifest.root, ENTRY_TYPES, [i, s1.recordId, s1.digest, s1.contributor, s1.examples, s1.tokens + 1], s1.proof)).toBe(false);

    // Verified against the chain; altered, it is not.
    const verify = (m: unknown, adapter?: string) => call<ManifestVerification>(b, 'models.verifyManifest', { manifest: JSON.stringify(m), ...(adapter ? { adapter } : {}) });
    const good = await verify(manifest, 'sums');
    expect(good).toMatchObject({ ok: true, online: true });
    expect(good.checks.map((x) => x.name)).toEqual(['adapter hash', 'base model id', 'weights', 'merkle root', 'proofs', 'adapter files', 'registered', 'manifest root', 'base model']);
    expect(failedChecks(await verify(manifest, 'sums-too'))).toEqual(['adapter files']);
    const raised = structuredClone(manifest);
    raised.entries[i]!.tokens *= 10;
    expect(failedChecks(await verify(raised))).toEqual(['weights', 'merkle root', 'proofs']);
    // Rebuilt whole around the altered weight, the file holds together, but its root is not the one on chain.
    const { entries, ...others } = raised;
    const forged = buildManifest({ ...others, entries: entries.map((e) => ({ recordId: e.recordId, digest: e.digest, contributor: e.contributor, examples: e.examples, tokens: e.tokens })) });
    const forgedCheck = await verify(forged);
    expect(failedChecks(forgedCheck)).toEqual(['manifest root']);
    expect(forgedCheck.checks.find((x) => x.name === 'manifest root')!.detail).toMatch(/the registry holds root 0x[0-9a-f]{64}, not this manifest's/);
    await expect(call(b, 'models.verifyManifest', { manifest: '{"format":"nope"}' })).rejects.toThrow(/"field":"manifest","message":"file is not a training manifest: format/);

    // Once only; the manifest exported afterwards is the registered one.
    await expect(call(b, 'models.register', { adapter: 'sums', ownerShareBps: 100 })).rejects.toThrow(
      /Adapter sums \(0x[0-9a-f]{64}\) is already registered on the local devnet in transaction 0x[0-9a-f]{64} \(block \d+\), owned by 0x[0-9a-fA-F]{40}/,
    );
    const after = await call<{ manifest: TrainingManifest; registration: ModelRegistration | null }>(b, 'models.manifest', { adapter: 'sums' });
    expect(after).toEqual({ manifest, registration });
    // Listed for the Models page, without connecting; an adapter trained again under the same name is not the registered one.
    expect(await call(b, 'models.registrations')).toEqual({ network: 'Local devnet (anvil)', registrations: [registration] });
    await call(b, 'adapters.remove', { name: 'sums' });
    await importAdapter('sums', 5, lineageOf(datanet, version));
    expect(await call(b, 'models.registrations')).toEqual({ network: 'Local devnet (anvil)', registrations: [] });

    // A wallet with nothing to pay gas with.
    await call(b, 'wallet.import', { source: { kind: 'privateKey', privateKey: KEY_C }, password: PASSWORD, replace: true });
    await expect(call(b, 'models.register', { adapter: 'sums-too', ownerShareBps: 2000 })).rejects.toThrow(/The wallet 0x[0-9a-fA-F]{40} has too little of the local devnet's native token to pay for registering sums-too/);
  }, 120_000);

  it('studio adapter register and manifest, and studio verify on the manifest file, with --rpc and --adapter', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    const studio = (args: string[], env: NodeJS.ProcessEnv = {}) => runStudio(['--data-dir', data, ...args], env);
    const devnetRun = await studio(['--json', 'devnet', 'start']);
    expect(devnetRun.code, devnetRun.stderr).toBe(0);
    const devnet = JSON.parse(devnetRun.stdout) as { rpcUrl: string; pid: number };
    try {
      // The datanet, model, wallet and a contribution, in-process; the detached devnet outlives this backend.
      const b = testBackend(data);
      const { datanet, version } = await setUp(b);
      const modelDir = path.join(data, 'models', 'language', 'tiny-gpt2');
      const folder = await adapterFolder(modelDir, 7, lineageOf(datanet, version));
      await call(b, 'adapters.import', { path: folder, base: 'tiny-gpt2', name: 'sums' });
      const me = new Wallet(KEY_A).address;
      await call(b, 'wallet.import', { source: { kind: 'privateKey', privateKey: KEY_A }, password: PASSWORD });
      await call(b, 'wallet.fund', { eth: '1' });
      await call(b, 'contributions.create', { datanet: 'Sums' });
      await b.close();

      const env = { STUDIO_WALLET_PASSWORD: PASSWORD };
      const badShare = await studio(['adapter', 'register', 'sums', '--owner-share', '12000'], env);
      expect(badShare.code).toBe(2);
      expect(badShare.stderr).toMatch(/--owner-share 12000: must be basis points/);
      const noPassword = await studio(['adapter', 'register', 'sums']);
      expect(noPassword.code).toBe(2);
      const registered = await studio(['adapter', 'register', 'sums', '--owner-share', '1500'], env);
      expect(registered.code, registered.stderr).toBe(0);
      expect(registered.stdout).toMatch(/^Registered sums on chain 31337 \(ModelRegistry 0x[0-9a-fA-F]{40}\) in tx 0x[0-9a-f]{64}, block \d+$/m);
      expect(registered.stdout).toContain(`1 contribution record,`);
      expect(registered.stdout).toContain(`the owner ${me} keeps 15% of each fee`);
      const again = await studio(['adapter', 'register', 'sums'], env);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/^studio: Adapter sums \(0x[0-9a-f]{64}\) is already registered on the local devnet/);

      const file = path.join(dir, 'sums.manifest.json');
      const exported = await studio(['adapter', 'manifest', 'sums', '--out', file]);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stdout).toMatch(/^Wrote the manifest of sums \(1 record\(s\), root 0x[0-9a-f]{64}, registered on chain 31337\)/);
      expect((await studio(['adapter', 'manifest', 'sums', '--out', file])).code).toBe(2);

      const verified = await studio(['verify', file]);
      expect(verified.code, verified.stderr).toBe(0);
      expect(verified.stdout.trim().split('\n').map((l) => l.slice(0, l.indexOf(':')))).toEqual([
        '✓ adapter hash',
        '✓ base model id',
        '✓ weights',
        '✓ merkle root',
        '✓ proofs',
        '✓ registered',
        '✓ manifest root',
        '✓ base model',
      ]);
      // A third party with the adapter's folder and the node's address only.
      const elsewhere = await runStudio(['--data-dir', path.join(dir, 'someone-else'), 'verify', file, '--rpc', devnet.rpcUrl, '--adapter', path.join(data, 'adapters', 'sums')]);
      expect(elsewhere.code, elsewhere.stderr).toBe(0);
      expect(elsewhere.stdout).toMatch(/^✓ adapter files: /m);
      const wrongFolder = await runStudio(['--data-dir', path.join(dir, 'someone-else'), 'verify', file, '--rpc', devnet.rpcUrl, '--adapter', folder.replace('adapter-7', 'nope')]);
      expect(wrongFolder.code).toBe(2);

      const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as TrainingManifest;
      manifest.entries[0]!.examples += 1;
      const tampered = path.join(dir, 'tampered.json');
      fs.writeFileSync(tampered, JSON.stringify(manifest));
      const refused = await studio(['verify', tampered]);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toMatch(/^✗ merkle root: the entries and header hash to 0x[0-9a-f]{64}, not 0x[0-9a-f]{64}: the manifest was altered$/m);
      expect(refused.stderr).toBe('studio: the manifest does not verify: merkle root, proofs failed\n');
    } finally {
      await studio(['devnet', 'stop']);
      try {
        process.kill(devnet.pid, 'SIGKILL'); // only if stop failed: the test must not leave anvil behind
      } catch {
        // Already gone.
      }
    }
    const offline = await studio(['verify', path.join(dir, 'sums.manifest.json')]);
    expect(offline.code).toBe(1);
    expect(offline.stdout).toMatch(/^✓ proofs:/m);
    expect(offline.stdout).toMatch(/^✗ chain: not reachable, so the registration was not checked/m);
  }, 180_000);
});
