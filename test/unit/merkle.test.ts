import { SimpleMerkleTree, StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { keccak256 as reference } from 'ethereum-cryptography/keccak.js';
import { describe, expect, it } from 'vitest';
import {
  buildTree,
  buildTreeFromBuffer,
  fromHex,
  hashPair,
  merkleRoot,
  proofFromNodes,
  proofNodeIndices,
  proofWith,
  standardLeaf,
  toHex,
  treeOf,
  verifyProof,
} from '../../shared/merkle';

// @openzeppelin/merkle-tree is the second, independent implementation: its SimpleMerkleTree with
// sortLeaves: false must give our root, our node array and our proofs, and accept our proofs.
const leavesOf = (n: number, seed = 0) => Array.from({ length: n }, (_, i) => reference(new TextEncoder().encode(`leaf ${seed} ${i}`)));

describe('Merkle tree against @openzeppelin/merkle-tree', () => {
  for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 1000]) {
    it(`${n} leaves: same root, node array and proofs; every proof verifies in both`, () => {
      const leaves = leavesOf(n);
      const ours = buildTree(leaves);
      const oz = SimpleMerkleTree.of(leaves, { sortLeaves: false });
      expect(toHex(ours.root)).toBe(oz.root);
      expect(toHex(merkleRoot(leaves))).toBe(oz.root);
      expect(ours.leafCount).toBe(n);
      const dump = oz.dump().tree;
      expect(ours.nodes.length).toBe(dump.length * 32);
      for (let k = 0; k < dump.length; k++) expect(toHex(ours.nodes.subarray(k * 32, k * 32 + 32))).toBe(dump[k]);
      for (let i = 0; i < n; i++) {
        const proof = ours.proof(i);
        expect(proof.map(toHex)).toEqual(oz.getProof(i));
        expect(SimpleMerkleTree.verify(oz.root, leaves[i]!, proof)).toBe(true);
        expect(verifyProof(leaves[i]!, proof, ours.root)).toBe(true);
      }
    });
  }

  it('keeps the order given: another order is another root (OpenZeppelin would sort)', () => {
    const leaves = leavesOf(5);
    const reversed = [...leaves].reverse();
    expect(toHex(merkleRoot(reversed))).not.toBe(toHex(merkleRoot(leaves)));
    expect(toHex(merkleRoot(reversed))).toBe(SimpleMerkleTree.of(reversed, { sortLeaves: false }).root);
    const sorted = [...leaves].sort((a, b) => Buffer.compare(a, b));
    expect(toHex(merkleRoot(sorted))).toBe(SimpleMerkleTree.of(leaves).root);
  });

  it('builds version leaves exactly as StandardMerkleTree does for bytes32 values', () => {
    const values = leavesOf(13, 7);
    const oz = StandardMerkleTree.of(values.map((v) => [toHex(v)]), ['bytes32'], { sortLeaves: false });
    const ours = buildTree(values.map(standardLeaf));
    expect(toHex(ours.root)).toBe(oz.root);
    values.forEach((v, i) => {
      expect(ours.proof(i).map(toHex)).toEqual(oz.getProof(i));
      expect(StandardMerkleTree.verify(oz.root, ['bytes32'], [toHex(v)], ours.proof(i))).toBe(true);
    });
    // The leaf is keccak256(keccak256(value)): the one-hash form would be a different tree.
    expect(toHex(standardLeaf(values[0]!))).toBe(toHex(reference(reference(values[0]!))));
  });
});

describe('proofs', () => {
  const leaves = leavesOf(37, 1);
  const tree = buildTree(leaves);

  it('rejects a tampered leaf, a tampered or shortened proof, another leaf, another root', () => {
    for (const i of [0, 1, 17, 36]) {
      const proof = tree.proof(i);
      const leaf = leaves[i]!;
      const flipped = leaf.slice();
      flipped[31]! ^= 1;
      expect(verifyProof(flipped, proof, tree.root)).toBe(false);
      expect(SimpleMerkleTree.verify(tree.root, flipped, proof)).toBe(false);
      const badProof = proof.map((p) => p.slice());
      badProof[badProof.length - 1]![0]! ^= 0x80;
      expect(verifyProof(leaf, badProof, tree.root)).toBe(false);
      expect(SimpleMerkleTree.verify(tree.root, leaf, badProof)).toBe(false);
      expect(verifyProof(leaf, proof.slice(0, -1), tree.root)).toBe(false);
      expect(verifyProof(leaves[(i + 1) % 37]!, proof, tree.root)).toBe(false);
      expect(verifyProof(leaf, proof, merkleRoot(leavesOf(37, 2)))).toBe(false);
    }
  });

  it('an inner node cannot pass for a leaf with a shortened proof when leaves are standardLeaf', () => {
    // With bare leaves it can (that is the attack): node 1 is an inner node proven by node 2.
    expect(verifyProof(tree.nodes.slice(32, 64), [tree.nodes.slice(64, 96)], tree.root)).toBe(true);
    // With standard leaves a caller must give the 32-byte value, whose double hash is no inner node.
    const std = buildTree(leaves.map(standardLeaf));
    expect(verifyProof(standardLeaf(std.nodes.slice(32, 64)), [std.nodes.slice(64, 96)], std.root)).toBe(false);
  });

  it('returns false, not a throw, for malformed input', () => {
    expect(verifyProof(new Uint8Array(31), tree.proof(0), tree.root)).toBe(false);
    expect(verifyProof(leaves[0]!, [new Uint8Array(33)], tree.root)).toBe(false);
  });

  it('can be produced later from the stored node buffer, whole or node by node', () => {
    const stored = tree.nodes.slice();
    const again = treeOf(stored);
    expect(toHex(again.root)).toBe(toHex(tree.root));
    const reads: number[] = [];
    for (let i = 0; i < 37; i++) {
      expect(proofFromNodes(stored, i).map(toHex)).toEqual(tree.proof(i).map(toHex));
      const p = proofWith(37, i, (k) => (reads.push(k), stored.slice(k * 32, k * 32 + 32)));
      expect(p.map(toHex)).toEqual(tree.proof(i).map(toHex));
    }
    // One node per level: at most ceil(log2(37)) = 6 reads a proof.
    expect(reads.length).toBeLessThanOrEqual(37 * 6);
    expect(proofNodeIndices(37, 0).length).toBeLessThanOrEqual(6);
    expect(() => proofNodeIndices(37, 37)).toThrow(RangeError);
    expect(() => proofFromNodes(stored.subarray(32), 0)).toThrow(/2n - 1 nodes/);
  });

  it('builds the same tree from one buffer of leaves, and refuses bad input', () => {
    const buf = new Uint8Array(leaves.length * 32);
    leaves.forEach((l, i) => buf.set(l, i * 32));
    expect(toHex(buildTreeFromBuffer(buf).nodes)).toBe(toHex(tree.nodes));
    expect(() => buildTree([])).toThrow(/at least one/);
    expect(() => buildTree([new Uint8Array(20)])).toThrow(/32 bytes/);
  });

  it('one leaf: the root is the leaf and the proof is empty', () => {
    const t = buildTree([leaves[0]!]);
    expect(toHex(t.root)).toBe(toHex(leaves[0]!));
    expect(t.proof(0)).toEqual([]);
  });
});

describe('helpers', () => {
  it('hashPair is commutative keccak of the sorted pair', () => {
    const [a, b] = leavesOf(2, 9) as [Uint8Array, Uint8Array];
    const [lo, hi] = Buffer.compare(a, b) < 0 ? [a, b] : [b, a];
    expect(toHex(hashPair(a, b))).toBe(toHex(hashPair(b, a)));
    expect(toHex(hashPair(a, b))).toBe(toHex(reference(new Uint8Array([...lo, ...hi]))));
  });

  it('hex round-trips and refuses what is not hex', () => {
    const b = new Uint8Array([0, 1, 0xab, 0xff]);
    expect(toHex(b)).toBe('0x0001abff');
    expect(fromHex('0x0001ABff')).toEqual(b);
    expect(fromHex('0001abff')).toEqual(b);
    expect(() => fromHex('0x123')).toThrow();
    expect(() => fromHex('0xzz')).toThrow();
  });
});
