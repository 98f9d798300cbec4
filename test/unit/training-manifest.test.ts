// The training manifest's tree against @openzeppelin/merkle-tree (StandardMerkleTree for each leaf
// rule, SimpleMerkleTree for the tree over those leaves), its ids against the shell recipes the
// README gives (sha256sum), and the offline checks against altered manifests.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SimpleMerkleTree, StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { describe, expect, it } from 'vitest';
import {
  MANIFEST_FORMAT,
  MANIFEST_TAG,
  adapterHashOf,
  baseModelIdOf,
  buildManifest,
  checkManifest,
  entryLeaf,
  entryLeadsTo,
  headerLeaf,
  parseManifest,
  type ManifestInput,
  type TrainingManifest,
} from '../../shared/ledger/training-manifest';
import { keccakText } from '../../shared/ledger/eip712';
import { toHex } from '../../shared/merkle';
import { tempDir } from '../fixtures/temp-dir';

const ENTRY_TYPES = ['uint256', 'bytes32', 'bytes32', 'address', 'uint256', 'uint256'];
const HEADER_TYPES = ['bytes32', 'bytes32', 'bytes32', 'bytes32', 'bytes32', 'uint256', 'uint256', 'uint256', 'uint256'];
const word = (seed: string) => `0x${createHash('sha256').update(seed).digest('hex')}`;
const sha = (seed: string) => createHash('sha256').update(seed).digest('hex');
const account = (i: number) => `0x${(i + 1).toString(16).padStart(2, '0').repeat(20)}`;

async function input(n: number): Promise<ManifestInput> {
  const files = [
    { path: 'config.json', sha256: sha('config') },
    { path: 'model.safetensors', sha256: sha('weights') },
  ];
  return {
    adapter: { hash: await adapterHashOf(sha('w'), sha('c')), weightsSha256: sha('w'), configSha256: sha('c') },
    baseModel: { id: await baseModelIdOf(files), files, source: 'hf:test/tiny@main' },
    datanet: { id: word('dn'), localId: 'dn_1', version: 3, localVersionId: 'ver_1', versionRoot: word('root') },
    training: { field: 'pair', examples: 40, tokens: 1234 },
    chain: { chainId: 31337, contributionRegistry: account(100), modelRegistry: account(101) },
    // Out of record id order on purpose: the manifest sorts them.
    entries: Array.from({ length: n }, (_, i) => ({ recordId: word(`record ${n - i}`), digest: word(`digest ${i}`), contributor: account(i % 3), examples: i + 1, tokens: 10 * (i + 1) + i })),
  };
}

describe('training manifest tree against OpenZeppelin', () => {
  for (const n of [1, 2, 3, 7, 16]) {
    it(`${n} entries: standard leaves, the tree SimpleMerkleTree builds over them, proofs it accepts`, async () => {
      const m = buildManifest(await input(n));
      expect(m.entries.map((e) => e.recordId)).toEqual([...m.entries.map((e) => e.recordId)].sort());
      expect(m.weightSum).toBe(m.entries.reduce((s, e) => s + e.tokens, 0));
      const leaves = m.entries.map((e, i) => {
        const leaf = StandardMerkleTree.of([[i, e.recordId, e.digest, e.contributor, e.examples, e.tokens]], ENTRY_TYPES).leafHash([i, e.recordId, e.digest, e.contributor, e.examples, e.tokens]);
        expect(toHex(entryLeaf(i, e))).toBe(leaf);
        return leaf;
      });
      const header = [MANIFEST_TAG, m.adapter.hash, m.baseModel.id, m.datanet.id, m.datanet.versionRoot, m.entries.length, m.training.examples, m.training.tokens, m.weightSum];
      const headerHash = StandardMerkleTree.of([header], HEADER_TYPES).leafHash(header);
      expect(toHex(headerLeaf(m))).toBe(headerHash);
      expect(MANIFEST_TAG).toBe(toHex(keccakText(MANIFEST_FORMAT)));

      const oz = SimpleMerkleTree.of([...leaves, headerHash], { sortLeaves: false });
      expect(m.root).toBe(oz.root);
      m.entries.forEach((e, i) => {
        expect(e.proof).toEqual(oz.getProof(i));
        expect(SimpleMerkleTree.verify(m.root, leaves[i]!, e.proof)).toBe(true);
        expect(entryLeadsTo(i, e, m.root)).toBe(true);
      });
      expect(m.header.proof).toEqual(oz.getProof(n));
      expect((await checkManifest(m)).every((c) => c.ok)).toBe(true);
    });
  }

  it('refuses a manifest with no entries, or a record listed twice', async () => {
    const base = await input(2);
    expect(() => buildManifest({ ...base, entries: [] })).toThrow(/at least one contribution record/);
    expect(() => buildManifest({ ...base, entries: [base.entries[0]!, { ...base.entries[0]! }] })).toThrow(/listed twice/);
  });
});

describe('ids from file hashes, as the README computes them with sha256sum', () => {
  it('baseModelId is sha256sum config.json *.safetensors | LC_ALL=C sort -k 2 | sha256sum, and adapterHash sha256 of the two raw digests', async () => {
    const dir = tempDir();
    const files = { 'config.json': '{"model_type":"llama"}\n', 'model-00002-of-00002.safetensors': 'second shard', 'model-00001-of-00002.safetensors': 'first shard' };
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    const listed = Object.entries(files).map(([p, text]) => ({ path: p, sha256: sha(text) }));
    const shell = execFileSync('sh', ['-c', 'sha256sum config.json *.safetensors | LC_ALL=C sort -k 2 | sha256sum'], { cwd: dir, encoding: 'utf8' }).split(' ')[0];
    expect(await baseModelIdOf(listed)).toBe(`0x${shell}`);

    const [w, c] = [sha('weights bytes'), sha('config bytes')];
    const expected = createHash('sha256').update(Buffer.concat([Buffer.from(w, 'hex'), Buffer.from(c, 'hex')])).digest('hex');
    expect(await adapterHashOf(w, c)).toBe(`0x${expected}`);
  });
});

describe('offline checks of an altered manifest', () => {
  const failed = async (m: TrainingManifest) => (await checkManifest(m)).filter((c) => !c.ok).map((c) => c.name);

  it('names what no longer holds', async () => {
    const m = buildManifest(await input(5));
    const raised = structuredClone(m);
    raised.entries[2]!.tokens += 1000;
    expect(await failed(raised)).toEqual(['weights', 'merkle root', 'proofs']);
    raised.weightSum += 1000;
    expect(await failed(raised)).toEqual(['merkle root', 'proofs']);

    const dropped = structuredClone(m);
    dropped.entries.splice(1, 1);
    dropped.weightSum -= m.entries[1]!.tokens;
    expect(await failed(dropped)).toContain('merkle root');

    const swapped = structuredClone(m);
    [swapped.entries[0], swapped.entries[1]] = [swapped.entries[1]!, swapped.entries[0]!];
    expect(await failed(swapped)).toEqual(['merkle root', 'proofs']);

    const otherAdapter = structuredClone(m);
    otherAdapter.adapter.weightsSha256 = sha('other weights');
    expect(await failed(otherAdapter)).toEqual(['adapter hash']);
    const otherVersion = structuredClone(m);
    otherVersion.datanet.versionRoot = word('another root');
    expect(await failed(otherVersion)).toEqual(['merkle root', 'proofs']);
    const otherBase = structuredClone(m);
    otherBase.baseModel.files[1]!.sha256 = sha('other weights');
    expect(await failed(otherBase)).toEqual(['base model id']);
  });

  it('parses only a manifest, naming the first problem', async () => {
    const m = buildManifest(await input(2));
    expect(parseManifest(JSON.stringify(m))).toEqual(m);
    expect(() => parseManifest('{', 'm.json')).toThrow(/^m.json is not JSON/);
    expect(() => parseManifest(JSON.stringify({ ...m, root: 'nope' }), 'm.json')).toThrow(/^m.json is not a training manifest: root must be 32 bytes/);
    expect(() => parseManifest(JSON.stringify({ ...m, extra: 1 }))).toThrow(/not a training manifest/);
  });
});
