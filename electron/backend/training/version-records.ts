/**
 * The records of a frozen datanet version, read back in leaf order, each checked against the hash
 * the version froze. A version stores its items' positions and record hashes
 * (version_records); the record itself is the item's content (items never change) with its labels
 * as of the version's last annotation event (annotation events are append-only), exactly as
 * Versions.create serialized it. So what is trained on is provably what the version's Merkle root
 * commits to, and a store altered since is refused rather than trained on.
 */
import { conflict, notFound } from '../../../shared/api/errors';
import { canonicalRecordFrom, recordTextHashInto } from '../../../shared/datanets/canonical';
import type { ItemContent } from '../../../shared/datanets/item';
import { labelsAsOf } from '../datanets/labels-as-of';
import type { Db } from '../store/database';

/** Records are read this many at a time, yielding to the event loop between pages. */
const PAGE = 2000;

export interface FrozenRecord {
  /** The record's leaf index in the version's Merkle tree. */
  position: number;
  itemId: string;
  content: ItemContent;
  /** Field name → value as of the version; unlabeled fields absent. */
  labels: Record<string, unknown>;
}

export interface FrozenVersion {
  id: string;
  datanetId: string;
  number: number;
  recordCount: number;
  maxEventSeq: number;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A version by id, with what reading its records needs. */
export function frozenVersion(db: Db, versionId: string): FrozenVersion {
  const row = db.prepare('SELECT id, datanet_id, number, record_count, max_event_seq FROM versions WHERE id = ?').get(versionId) as
    | { id: string; datanet_id: string; number: number; record_count: number; max_event_seq: number }
    | undefined;
  if (!row) throw notFound(`No version ${versionId}.`);
  return { id: row.id, datanetId: row.datanet_id, number: row.number, recordCount: row.record_count, maxEventSeq: row.max_event_seq };
}

/** Every record of the version in leaf order; throws `conflict` at the first record that no longer hashes to what was frozen. */
export async function* readVersionRecords(db: Db, version: FrozenVersion, signal?: AbortSignal): AsyncGenerator<FrozenRecord> {
  const page = db.prepare(
    `SELECT r.position, r.item_id, r.record_hash, i.seq, i.content
     FROM version_records r LEFT JOIN items i ON i.id = r.item_id
     WHERE r.version_id = ? AND r.position >= ? ORDER BY r.position LIMIT ?`,
  );
  const hash = new Uint8Array(32);
  let next = 0;
  for (;;) {
    signal?.throwIfAborted();
    const rows = page.all(version.id, next, PAGE) as { position: number; item_id: string; record_hash: Buffer; seq: number | null; content: string | null }[];
    if (rows.length === 0) break;
    const labels = labelsAsOf(db, rows.flatMap((r) => (r.seq === null ? [] : [r.seq])), version.maxEventSeq);
    for (const r of rows) {
      const altered = () => conflict(`The record of ${r.item_id} no longer matches version ${version.number}: the store was altered.`);
      if (r.position !== next || r.seq === null || r.content === null) throw altered();
      const itemLabels = labels.get(r.seq) ?? {};
      recordTextHashInto(canonicalRecordFrom(r.item_id, r.content, itemLabels), hash, 0);
      if (!Buffer.from(hash).equals(r.record_hash)) throw altered();
      yield { position: r.position, itemId: r.item_id, content: JSON.parse(r.content) as ItemContent, labels: itemLabels };
      next++;
    }
    await tick();
  }
  if (next !== version.recordCount) throw conflict(`Version ${version.number} holds ${version.recordCount} records, but ${next} were found: the store was altered.`);
}
