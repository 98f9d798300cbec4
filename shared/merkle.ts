/**
 * The Merkle tree of a datanet version (and of any other list of 32-byte leaves we anchor), with
 * exactly the rules of `@openzeppelin/merkle-tree`'s SimpleMerkleTree built with
 * `{ sortLeaves: false }`, so that OpenZeppelin's Solidity `MerkleProof.verify(proof, root, leaf)`
 * accepts every proof and that package rebuilds the same root independently (test/unit/merkle.test.ts).
 *
 * Rules, precise enough to reimplement:
 * - A leaf is 32 bytes, used as given (callers hash their data first; for version records see
 *   `standardLeaf` and shared/datanets/canonical.ts).
 * - Leaves keep the order given: no sorting (OpenZeppelin sorts by default; we pass
 *   `sortLeaves: false`). Versions give them in item-id order, so a leaf's position is the item's
 *   rank and the root is still a function of the set of records.
 * - Pair hash: keccak256(min(a, b) ‖ max(a, b)), the smaller 32-byte value (bytewise, unsigned)
 *   first. Commutative, so a proof is just the list of siblings, no left/right flags: this is
 *   `MerkleProof`'s `_hashPair`.
 * - Shape (OpenZeppelin's, not a levelled tree with odd nodes promoted): the tree is an array of
 *   2n − 1 nodes, node k's children are nodes 2k + 1 and 2k + 2, leaf i is node 2n − 2 − i
 *   (leaves fill the end of the array in reverse), and nodes n − 2 … 0 are pair hashes of their
 *   children; node 0 is the root. So no node is ever duplicated or hashed alone; with n not a
 *   power of two the leaves sit on two depths. One leaf: the root is that leaf, its proof empty.
 * - Proof of leaf i: from node 2n − 2 − i up to the root, each node's sibling (k odd: k + 1,
 *   k even: k − 1; parent (k − 1) / 2). verify: fold pair hash over the proof from the leaf;
 *   equal to the root.
 *
 * Storage for later proofs: `nodes` is that array as one buffer of (2n − 1)·32 bytes (64 MB for
 * 1,000,000 leaves), byte-identical to OpenZeppelin's `dump().tree`. Store it whole or in chunks;
 * a proof needs only the ≤ ⌈log₂ n⌉ nodes that `proofNodeIndices` names (`proofWith` reads them one by
 * one through a callback). Rebuilding from the n stored leaves instead costs n − 1 pair hashes
 * (~1.5 µs each here).
 */
import { keccak256, keccak256Into, keccak256PairInto } from './keccak';

/** How many leaves a node buffer of this many bytes holds. */
function leafCountOf(nodes: Uint8Array): number {
  const count = nodes.length / 32;
  if (!Number.isInteger(count) || count % 2 !== 1) throw new Error(`A tree of n leaves has 2n - 1 nodes of 32 bytes; got ${nodes.length} bytes.`);
  return (count + 1) / 2;
}

/** True when bytes [a, a+32) sort before or equal to [b, b+32) of the same buffer. */
function lessOrEqual(buf: Uint8Array, a: number, b: number): boolean {
  for (let i = 0; i < 32; i++) {
    const d = buf[a + i]! - buf[b + i]!;
    if (d !== 0) return d < 0;
  }
  return true;
}

export interface MerkleTree {
  readonly leafCount: number;
  /** 2n − 1 nodes of 32 bytes in OpenZeppelin's array order (node 0 = root). */
  readonly nodes: Uint8Array;
  readonly root: Uint8Array;
  /** The sibling hashes from leaf `index` (in the order given to buildTree) up to the root. */
  proof(index: number): Uint8Array[];
}

/** Builds from leaves written one after another in a buffer of n·32 bytes (n ≥ 1), in leaf order. */
export function buildTreeFromBuffer(leaves: Uint8Array): MerkleTree {
  const n = leaves.length / 32;
  if (!Number.isInteger(n) || n < 1) throw new Error(`Expected at least one 32-byte leaf; got ${leaves.length} bytes.`);
  const nodes = new Uint8Array((2 * n - 1) * 32);
  for (let i = 0; i < n; i++) nodes.set(leaves.subarray(i * 32, i * 32 + 32), (2 * n - 2 - i) * 32);
  for (let k = n - 2; k >= 0; k--) {
    const l = (2 * k + 1) * 32;
    const r = l + 32;
    if (lessOrEqual(nodes, l, r)) keccak256PairInto(nodes, l, r, nodes, k * 32);
    else keccak256PairInto(nodes, r, l, nodes, k * 32);
  }
  return treeOf(nodes);
}

/** Wraps a node buffer (from `tree.nodes`, e.g. read back from the database). Does not re-verify it. */
export function treeOf(nodes: Uint8Array): MerkleTree {
  const leafCount = leafCountOf(nodes);
  return { leafCount, nodes, root: nodes.slice(0, 32), proof: (index) => proofFromNodes(nodes, index) };
}

export function buildTree(leaves: readonly Uint8Array[]): MerkleTree {
  const buf = new Uint8Array(leaves.length * 32);
  leaves.forEach((leaf, i) => {
    if (leaf.length !== 32) throw new Error(`Leaf ${i} is ${leaf.length} bytes; Merkle leaves are 32 bytes.`);
    buf.set(leaf, i * 32);
  });
  return buildTreeFromBuffer(buf);
}

export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  return buildTree(leaves).root;
}

/** The node indices (into `nodes`, 32 bytes each) that the proof of leaf `index` of n lists, in proof order. */
export function proofNodeIndices(leafCount: number, index: number): number[] {
  if (!Number.isInteger(leafCount) || leafCount < 1) throw new RangeError(`Bad leaf count ${leafCount}.`);
  if (!Number.isInteger(index) || index < 0 || index >= leafCount) throw new RangeError(`Leaf ${index} is outside a tree of ${leafCount} leaves.`);
  const out: number[] = [];
  for (let k = 2 * leafCount - 2 - index; k > 0; k = (k - 1) >> 1) out.push(k % 2 === 1 ? k + 1 : k - 1);
  return out;
}

/** A proof from whatever holds the nodes: `node(k)` returns node k's 32 bytes. */
export function proofWith(leafCount: number, index: number, node: (k: number) => Uint8Array): Uint8Array[] {
  return proofNodeIndices(leafCount, index).map((k) => {
    const v = node(k);
    if (v.length !== 32) throw new Error(`Node ${k} is ${v.length} bytes, not 32.`);
    return v;
  });
}

export function proofFromNodes(nodes: Uint8Array, index: number): Uint8Array[] {
  return proofWith(leafCountOf(nodes), index, (k) => nodes.slice(k * 32, k * 32 + 32));
}

/** keccak256 of the sorted pair: OpenZeppelin's `Hashes.commutativeKeccak256`. */
export function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length !== 32 || b.length !== 32) throw new Error('Merkle nodes are 32 bytes.');
  const buf = new Uint8Array(64);
  buf.set(a, 0);
  buf.set(b, 32);
  const out = new Uint8Array(32);
  if (lessOrEqual(buf, 0, 32)) keccak256PairInto(buf, 0, 32, out, 0);
  else keccak256PairInto(buf, 32, 0, out, 0);
  return out;
}

/** `MerkleProof.verify`: false (never a throw) for anything malformed. */
export function verifyProof(leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (leaf.length !== 32 || root.length !== 32 || proof.some((p) => p.length !== 32)) return false;
  return equalBytes(proof.reduce(hashPair, leaf), root);
}

/**
 * The leaf of a 32-byte value as OpenZeppelin's StandardMerkleTree builds it for the type
 * `bytes32`: keccak256(keccak256(abi.encode(value))), and abi.encode of a bytes32 is the value
 * itself. In Solidity: `keccak256(bytes.concat(keccak256(abi.encode(value))))`. Hashing twice
 * makes a leaf the hash of 32 bytes while every inner node is the hash of 64, so no inner node can
 * be passed off as a leaf (the second-preimage attack `MerkleProof`'s documentation warns of),
 * even by a verifier that takes the value as a bare bytes32.
 */
export function standardLeaf(value: Uint8Array): Uint8Array {
  if (value.length !== 32) throw new Error('standardLeaf takes a 32-byte value.');
  return keccak256(keccak256(value));
}

/** `standardLeaf` of the 32 bytes at src[off…] written to dst[dstOff…] (may be the same place), without allocating. */
export function standardLeafInto(src: Uint8Array, off: number, dst: Uint8Array, dstOff: number): void {
  keccak256Into(src, off, 32, dst, dstOff);
  keccak256Into(dst, dstOff, 32, dst, dstOff);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex with a 0x prefix, as Solidity tools and OpenZeppelin print bytes. */
export function toHex(bytes: Uint8Array): string {
  let s = '0x';
  for (const b of bytes) s += HEX[b]!;
  return s;
}

/** Parses hex with or without 0x, either case; throws on odd length or a non-hex digit. */
export function fromHex(hex: string): Uint8Array {
  const h = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) throw new Error(`Not a hex byte string: ${hex.slice(0, 80)}`);
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}
