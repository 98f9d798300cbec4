// What a datanet version costs in the Merkle code of shared/: Keccak-256 throughput, building
// the tree over N leaves, and serializing + hashing N records, each against the library that
// @openzeppelin/merkle-tree uses (its keccak, ethereum-cryptography/@noble) or that library's
// own tree, in the same run. The peers are ~10× slower, so they run on fewer inputs (printed)
// and the ratios compare rates.
//
//   node scripts/run-ts.mjs bench/merkle.ts [leaves=1000000] [peerLeaves=100000]
import { SimpleMerkleTree } from '@openzeppelin/merkle-tree';
import canonicalize from 'canonicalize';
import { keccak256 as peerKeccak } from 'ethereum-cryptography/keccak.js';
import { canonicalRecord, recordBytes, recordHash, recordLeaf, type VersionRecord } from '../shared/datanets/canonical';
import { keccak256, keccak256Into } from '../shared/keccak';
import { buildTreeFromBuffer, proofFromNodes, standardLeaf, toHex, verifyProof } from '../shared/merkle';

const N = Number(process.argv[2] ?? 1_000_000);
const PEER = Math.min(N, Number(process.argv[3] ?? 100_000));

function time<T>(f: () => T): [T, number] {
  const t = performance.now();
  const out = f();
  return [out, (performance.now() - t) / 1000];
}
const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en-US')}/s`;

// Leaves: N distinct 32-byte values in one buffer, as a version would collect them.
const leaves = new Uint8Array(N * 32);
const seed = new Uint8Array(8);
for (let i = 0; i < N; i++) {
  new DataView(seed.buffer).setFloat64(0, i);
  keccak256Into(seed, 0, 8, leaves, i * 32);
}

// 1. Keccak-256 of 64-byte inputs (one permutation each: a Merkle pair).
{
  const input = leaves.subarray(0, 64 * 1024);
  const hashes = 2 * N;
  const [, ours] = time(() => {
    for (let i = 0; i < hashes; i++) keccak256(input.subarray((i & 1023) * 64, (i & 1023) * 64 + 64));
  });
  const peerHashes = 2 * PEER;
  const [, peer] = time(() => {
    for (let i = 0; i < peerHashes; i++) peerKeccak(input.subarray((i & 1023) * 64, (i & 1023) * 64 + 64));
  });
  console.log(`keccak256, 64-byte inputs: ours ${hashes.toLocaleString('en-US')} in ${ours.toFixed(2)} s (${rate(hashes, ours)}); ethereum-cryptography ${peerHashes.toLocaleString('en-US')} in ${peer.toFixed(2)} s (${rate(peerHashes, peer)}); ratio ours/peer ${(hashes / ours / (peerHashes / peer)).toFixed(1)}×`);
}

// 2. The tree over N leaves, and OpenZeppelin's SimpleMerkleTree over the first PEER of them.
{
  const [tree, ours] = time(() => buildTreeFromBuffer(leaves));
  const peerLeaves = Array.from({ length: PEER }, (_, i) => leaves.subarray(i * 32, i * 32 + 32));
  const [oz, peer] = time(() => SimpleMerkleTree.of(peerLeaves, { sortLeaves: false }));
  const check = buildTreeFromBuffer(leaves.subarray(0, PEER * 32));
  if (toHex(check.root) !== oz.root) throw new Error('Roots differ from @openzeppelin/merkle-tree');
  console.log(`tree: ours ${N.toLocaleString('en-US')} leaves in ${ours.toFixed(2)} s (${rate(N, ours)}); @openzeppelin/merkle-tree ${PEER.toLocaleString('en-US')} leaves in ${peer.toFixed(2)} s (${rate(PEER, peer)}), same root; ratio ours/peer ${(N / ours / (PEER / peer)).toFixed(1)}×`);
  const [, proofs] = time(() => {
    for (let i = 0; i < 10_000; i++) {
      const j = (i * 7919) % N;
      if (!verifyProof(leaves.subarray(j * 32, j * 32 + 32), proofFromNodes(tree.nodes, j), tree.root)) throw new Error(`proof ${j} fails`);
    }
  });
  console.log(`proofs from the stored node buffer, produced and verified: ${rate(10_000, proofs)}`);
}

// 3. A version's share: N records serialized (RFC 8785), hashed, leafed, and the tree built.
{
  const record = (i: number): VersionRecord => ({
    itemId: `it_${i.toString(16).padStart(24, '0')}`,
    content: { text: `Item ${i}: the quick brown fox jumps over the lazy dog, ${'lorem ipsum dolor sit amet '.repeat(6)}`, fields: { source: `import/file-${i % 100}.jsonl` }, image: null },
    labels: { sentiment: i % 3 ? 'positive' : 'negative', rating: (i % 5) + 1 },
  });
  const bytes = recordBytes(record(0)).length;
  const documented = (r: VersionRecord) => ({ v: 1, itemId: r.itemId, content: r.content, labels: r.labels });
  const [, ourText] = time(() => {
    for (let i = 0; i < PEER; i++) canonicalRecord(record(i));
  });
  const [, libText] = time(() => {
    for (let i = 0; i < PEER; i++) canonicalize(documented(record(i)));
  });
  if (canonicalize(documented(record(1))) !== canonicalRecord(record(1))) throw new Error('text differs from npm canonicalize');
  console.log(`RFC 8785 text of ${PEER.toLocaleString('en-US')} records: ours ${ourText.toFixed(2)} s, npm canonicalize ${libText.toFixed(2)} s (same text); ratio ours/peer ${(libText / ourText).toFixed(1)}×`);
  const buf = new Uint8Array(N * 32);
  const [, serialize] = time(() => {
    for (let i = 0; i < N; i++) recordBytes(record(i));
  });
  const [, all] = time(() => {
    for (let i = 0; i < N; i++) buf.set(recordLeaf(record(i)), i * 32);
    return buildTreeFromBuffer(buf);
  });
  const peerN = PEER;
  const [, peer] = time(() => {
    for (let i = 0; i < peerN; i++) {
      const h = peerKeccak(recordBytes(record(i)));
      peerKeccak(peerKeccak(h));
    }
  });
  const check = recordLeaf(record(1));
  if (toHex(check) !== toHex(peerKeccak(peerKeccak(peerKeccak(recordBytes(record(1))))))) throw new Error('leaf differs from the peer');
  if (toHex(standardLeaf(recordHash(record(1)))) !== toHex(check)) throw new Error('standardLeaf differs');
  console.log(`records (~${bytes} bytes each): serialize ${N.toLocaleString('en-US')} in ${serialize.toFixed(2)} s; serialize + hash + leaf + tree in ${all.toFixed(2)} s (${rate(N, all)}); same leaves with the peer keccak, ${peerN.toLocaleString('en-US')} in ${peer.toFixed(2)} s; ratio ours/peer ${(N / all / (peerN / peer)).toFixed(1)}×`);
}
