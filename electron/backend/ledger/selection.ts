/**
 * A contribution of some of a version's records rather than all of them: the content root is the
 * Merkle root over the selected records' leaves, with exactly the leaves and tree rules of the
 * version's own tree (shared/merkle.ts: standardLeaf of each record hash, OpenZeppelin's shape, no
 * sorting), the leaves in the order of the records' positions in the version. So the root depends
 * only on which records were chosen, never on the order the ids came in, and a selection of every
 * record has the version's root.
 *
 * What is kept (migration 7): the selected positions, 4 bytes each. The record hashes are already
 * in version_records, so an item's proof against the selection root is rebuilt from them on
 * demand (selectionProof) instead of storing a second tree.
 */
import { ApiFailure, conflict, notFound } from '../../../shared/api/errors';
import type { Hex } from '../../../shared/ledger/eip712';
import { buildTreeFromBuffer, fromHex, standardLeaf, standardLeafInto, toHex, verifyProof } from '../../../shared/merkle';
import type { Db } from '../store/database';

/** Ids are looked up this many at a time, yielding between chunks: a million take a second or two. */
const CHUNK = 5000;

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface ContentSelection {
  versionId: string;
  /** Positions in the version (version_records.position), ascending, each once. */
  positions: Uint32Array;
  /** The unsalted Merkle root over the selected records. */
  root: Hex;
  count: number;
}

export interface SelectionProof {
  itemId: string;
  /** The record's hash as the version froze it; its leaf is standardLeaf(recordHash). */
  recordHash: Hex;
  leaf: Hex;
  /** The leaf's index in the selection tree (not its position in the version). */
  index: number;
  proof: Hex[];
  root: Hex;
  verified: boolean;
}

/**
 * Resolves item ids to their records in the version and builds the selection root. Repeated ids
 * count once. An id the version does not hold is refused, naming the first such id.
 */
export async function selectItems(db: Db, version: { id: string; number: number }, itemIds: readonly string[]): Promise<ContentSelection> {
  const unique = [...new Set(itemIds)];
  if (unique.length === 0) throw new ApiFailure({ code: 'invalid_input', field: 'items', message: 'must name at least one item' });
  const lookup = db.prepare('SELECT position, record_hash FROM version_records WHERE version_id = ? AND item_id = ?');
  const positions = new Uint32Array(unique.length);
  const hashes = new Uint8Array(unique.length * 32);
  for (let start = 0; start < unique.length; start += CHUNK) {
    const end = Math.min(unique.length, start + CHUNK);
    for (let i = start; i < end; i++) {
      const row = lookup.get(version.id, unique[i]) as { position: number; record_hash: Buffer } | undefined;
      if (!row) {
        const missing = unique.slice(i).filter((id) => lookup.get(version.id, id) === undefined).length;
        throw new ApiFailure({
          code: 'invalid_input',
          field: 'items',
          message: `has ${unique[i]}, which is not an item of version ${version.number}${missing > 1 ? ` (nor are ${missing - 1} more)` : ''}: choose items the version holds, or make a new version that includes them`,
        });
      }
      positions[i] = row.position;
      hashes.set(row.record_hash, i * 32);
    }
    if (end < unique.length) await tick();
  }
  // Leaves in version order: sort the indices by position, then lay the leaves out in that order.
  const order = Uint32Array.from(positions.keys()).sort((a, b) => positions[a]! - positions[b]!);
  const sorted = new Uint32Array(unique.length);
  const leaves = new Uint8Array(unique.length * 32);
  order.forEach((from, to) => {
    sorted[to] = positions[from]!;
    standardLeafInto(hashes, from * 32, leaves, to * 32);
  });
  return { versionId: version.id, positions: sorted, root: toHex(buildTreeFromBuffer(leaves).root) as Hex, count: unique.length };
}

/** Writes a record's selection; runs inside the transaction that stores the record (Contributions.add). */
export function saveSelection(db: Db, recordId: string, selection: Pick<ContentSelection, 'versionId' | 'positions'>): void {
  const blob = Buffer.alloc(selection.positions.length * 4);
  selection.positions.forEach((p, i) => blob.writeUInt32LE(p, i * 4));
  db.prepare('INSERT INTO contribution_selections (record_id, version_id, count, positions) VALUES (?, ?, ?, ?)').run(recordId, selection.versionId, selection.positions.length, blob);
}

/** The selection a record covers, or undefined for a record of a whole version. */
export function selectionOf(db: Db, recordId: string): { versionId: string; positions: Uint32Array } | undefined {
  const row = db.prepare('SELECT version_id, count, positions FROM contribution_selections WHERE record_id = ?').get(recordId) as
    | { version_id: string; count: number; positions: Buffer }
    | undefined;
  if (!row) return undefined;
  const positions = new Uint32Array(row.count);
  for (let i = 0; i < row.count; i++) positions[i] = row.positions.readUInt32LE(i * 4);
  return { versionId: row.version_id, positions };
}

/** What a bundle says of a selection record: the root of the version it was taken from, and how many records. */
export function selectionSummary(db: Db, recordId: string): { versionRoot: Hex; count: number } | undefined {
  const row = db
    .prepare('SELECT v.root, s.count FROM contribution_selections s JOIN versions v ON v.id = s.version_id WHERE s.record_id = ?')
    .get(recordId) as { root: string; count: number } | undefined;
  return row && { versionRoot: row.root as Hex, count: row.count };
}

/**
 * One selected item's proof against the selection root (the record's unsalted content root),
 * rebuilt from the version's stored record hashes, and checked against the root before it is returned.
 */
export function selectionProof(db: Db, recordId: string, contentRoot: Hex, itemId: string): SelectionProof {
  const selection = selectionOf(db, recordId);
  if (!selection) throw notFound(`Record ${recordId} covers a whole version, not a selection: prove its items with the version's proof (versions.proof).`);
  const at = db.prepare('SELECT position FROM version_records WHERE version_id = ? AND item_id = ?').pluck().get(selection.versionId, itemId) as number | undefined;
  const index = at === undefined ? -1 : lowerBound(selection.positions, at);
  if (at === undefined || selection.positions[index] !== at) throw notFound(`Item ${itemId} is not in the selection of record ${recordId}.`);
  const hashAt = db.prepare('SELECT record_hash FROM version_records WHERE version_id = ? AND position = ?').pluck();
  const leaves = new Uint8Array(selection.positions.length * 32);
  selection.positions.forEach((p, i) => {
    const hash = hashAt.get(selection.versionId, p) as Buffer | undefined;
    if (!hash) throw conflict(`Position ${p} of the version behind record ${recordId} is gone: the store was altered.`);
    standardLeafInto(hash, 0, leaves, i * 32);
  });
  const tree = buildTreeFromBuffer(leaves);
  if (toHex(tree.root) !== contentRoot.toLowerCase()) throw conflict(`The selection of record ${recordId} no longer has the root it was signed with: the store was altered.`);
  const hash = new Uint8Array(hashAt.get(selection.versionId, at) as Buffer);
  const leaf = standardLeaf(hash);
  const proof = tree.proof(index);
  return {
    itemId,
    recordHash: toHex(hash) as Hex,
    leaf: toHex(leaf) as Hex,
    index,
    proof: proof.map((p) => toHex(p) as Hex),
    root: toHex(tree.root) as Hex,
    verified: verifyProof(leaf, proof, fromHex(contentRoot)),
  };
}

/** The first index whose value is ≥ x, in an ascending array. */
function lowerBound(values: Uint32Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
