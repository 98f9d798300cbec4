import { conflict, notFound } from '../../../shared/api/errors';
import { DIFF_DETAILS, DIFF_PREVIEW_CHARS, type RecordProof, type Version, type VersionDiff, type VersionDiffDetail } from '../../../shared/api/schemas/datanets';
import { RECORD_FORMAT_VERSION, canonicalRecordFrom, jcs, recordTextHashInto } from '../../../shared/datanets/canonical';
import { LabelSchema, type LabelField } from '../../../shared/datanets/schema';
import { buildTreeFromBuffer, fromHex, proofWith, standardLeaf, standardLeafInto, toHex, verifyProof } from '../../../shared/merkle';
import type { Db } from '../store/database';
import { newId } from '../ids';
import { cut, labelChip, previewColumns, previewText } from './item-preview';
import { labelText } from './label-text';
import { labelsAsOf } from './labels-as-of';

/** Records are read, hashed and written this many at a time, yielding to the event loop between chunks. */
const CHUNK = 2000;

interface VersionRow {
  id: string;
  datanet_id: string;
  number: number;
  note: string;
  root: string;
  record_count: number;
  record_format: number;
  max_item_seq: number;
  max_event_seq: number;
  created_at: number;
}

function fromRow(r: VersionRow): Version {
  return {
    id: r.id,
    datanetId: r.datanet_id,
    number: r.number,
    note: r.note,
    root: r.root,
    recordCount: r.record_count,
    recordFormat: r.record_format,
    createdAt: r.created_at,
  };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Freezing a datanet: every item with its labels, canonically serialized, hashed into a Merkle
 * tree (shared/merkle.ts) whose root can go on chain; any record's proof can be produced later.
 */
export class Versions {
  constructor(private readonly db: Db) {}

  /**
   * Builds a version of the datanet as it is now. The snapshot is pinned by the highest item and
   * annotation event at the start, so edits made while it runs (in chunks) are not in it.
   */
  async create(
    datanetId: string,
    note: string,
    options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<Version> {
    const maxItemSeq = (this.db.prepare('SELECT coalesce(max(seq), 0) FROM items').pluck().get() as number);
    const maxEventSeq = (this.db.prepare('SELECT coalesce(max(seq), 0) FROM annotation_events').pluck().get() as number);
    const total = this.db.prepare('SELECT count(*) FROM items WHERE datanet_id = ? AND seq <= ?').pluck().get(datanetId, maxItemSeq) as number;
    const id = newId('ver');
    // Records in arrival order (items.seq): the leaf order. The stored content is already
    // canonical text, so a record is a concatenation, not a parse and a re-serialization.
    const hashes = new Uint8Array(total * 32);
    const leaves = new Uint8Array(total * 32);
    const itemIds: string[] = [];
    const page = this.db.prepare(`SELECT seq, id, content FROM items WHERE datanet_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?`);
    let afterSeq = 0;
    let done = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      const rows = page.all(datanetId, afterSeq, maxItemSeq, CHUNK) as { seq: number; id: string; content: string }[];
      if (rows.length === 0) break;
      const labels = labelsAsOf(this.db, rows.map((r) => r.seq), maxEventSeq);
      for (const row of rows) {
        recordTextHashInto(canonicalRecordFrom(row.id, row.content, labels.get(row.seq) ?? {}), hashes, done * 32);
        standardLeafInto(hashes, done * 32, leaves, done * 32);
        itemIds.push(row.id);
        done++;
      }
      afterSeq = rows.at(-1)!.seq;
      options.onProgress?.(done, total);
      await tick();
    }
    if (done !== total) throw new Error(`Version of ${datanetId}: expected ${total} records, read ${done}`);
    const tree = total > 0 ? buildTreeFromBuffer(leaves) : null;
    const root = tree ? toHex(tree.root) : toHex(new Uint8Array(32));
    options.signal?.throwIfAborted();

    const insertRecord = this.db.prepare('INSERT INTO version_records (version_id, position, item_id, record_hash) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      const number = (this.db.prepare('SELECT coalesce(max(number), 0) + 1 FROM versions WHERE datanet_id = ?').pluck().get(datanetId) as number);
      this.db
        .prepare(
          `INSERT INTO versions (id, datanet_id, number, note, root, record_count, record_format, max_item_seq, max_event_seq, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, datanetId, number, note, root, total, RECORD_FORMAT_VERSION, maxItemSeq, maxEventSeq, Date.now());
      itemIds.forEach((itemId, position) => insertRecord.run(id, position, itemId, Buffer.from(hashes.buffer, hashes.byteOffset + position * 32, 32)));
      if (tree) this.db.prepare('INSERT INTO version_trees (version_id, nodes) VALUES (?, ?)').run(id, tree.nodes);
    })();
    return this.get(datanetId, id);
  }

  list(datanetId: string): Version[] {
    return (this.db.prepare('SELECT * FROM versions WHERE datanet_id = ? ORDER BY number').all(datanetId) as VersionRow[]).map(fromRow);
  }

  /** By number, id or "latest". */
  get(datanetId: string, ref: number | string): Version {
    return fromRow(this.row(datanetId, ref));
  }

  /**
   * Joined on item id in SQL (both sides are indexed by it): one pass, whatever the sizes. The
   * first DIFF_DETAILS ids of each kind come with details (diffDetails).
   */
  diff(datanetId: string, from: number | string, to: number | string, limit: number): VersionDiff {
    const a = this.row(datanetId, from);
    const b = this.row(datanetId, to);
    const out: VersionDiff = { from: a.number, to: b.number, counts: { added: 0, removed: 0, changed: 0 }, added: [], removed: [], changed: [], details: {} };
    const kinds = [
      ['added', `SELECT nb.item_id FROM version_records nb WHERE nb.version_id = @b AND NOT EXISTS (SELECT 1 FROM version_records na WHERE na.version_id = @a AND na.item_id = nb.item_id)`],
      ['removed', `SELECT na.item_id FROM version_records na WHERE na.version_id = @a AND NOT EXISTS (SELECT 1 FROM version_records nb WHERE nb.version_id = @b AND nb.item_id = na.item_id)`],
      ['changed', `SELECT na.item_id FROM version_records na JOIN version_records nb ON nb.version_id = @b AND nb.item_id = na.item_id WHERE na.version_id = @a AND na.record_hash != nb.record_hash`],
    ] as const;
    for (const [kind, sql] of kinds) {
      out.counts[kind] = this.db.prepare(`SELECT count(*) FROM (${sql})`).pluck().get({ a: a.id, b: b.id }) as number;
      out[kind] = this.db.prepare(`${sql} ORDER BY 1 LIMIT @limit`).pluck().all({ a: a.id, b: b.id, limit }) as string[];
    }
    out.details = this.diffDetails(datanetId, a, b, out);
    return out;
  }

  /**
   * The first DIFF_DETAILS records of each kind listed: the item's text cut short (items are
   * append-only, so it is the same in both versions) and, for a changed record, each label field
   * whose value differs between the labels as of one version's last event and the other's (what
   * versions.proof rebuilds the records from). A few hundred rows read at most, whatever the diff's size.
   */
  private diffDetails(datanetId: string, a: VersionRow, b: VersionRow, diff: VersionDiff): Record<string, VersionDiffDetail> {
    const ids = [...diff.added.slice(0, DIFF_DETAILS), ...diff.removed.slice(0, DIFF_DETAILS), ...diff.changed.slice(0, DIFF_DETAILS)];
    if (ids.length === 0) return {};
    const rows = this.db
      .prepare(`SELECT seq, id, ${previewColumns(DIFF_PREVIEW_CHARS)} FROM items WHERE datanet_id = ? AND id IN (SELECT value FROM json_each(?))`)
      .all(datanetId, JSON.stringify(ids)) as { seq: number; id: string; text: string | null; fields: string | null }[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const changed = new Set(diff.changed.slice(0, DIFF_DETAILS));
    const changedSeqs = [...changed].flatMap((id) => byId.get(id)?.seq ?? []);
    const before = labelsAsOf(this.db, changedSeqs, a.max_event_seq);
    const after = labelsAsOf(this.db, changedSeqs, b.max_event_seq);
    const schema = LabelSchema.parse(JSON.parse(this.db.prepare('SELECT schema FROM datanets WHERE id = ?').pluck().get(datanetId) as string));
    const out: Record<string, VersionDiffDetail> = {};
    for (const id of ids) {
      const row = byId.get(id);
      const preview = row ? previewText(row, DIFF_PREVIEW_CHARS) : { text: '', truncated: false };
      const changes = row && changed.has(id) ? labelChanges(schema, before.get(row.seq) ?? {}, after.get(row.seq) ?? {}) : [];
      out[id] = { ...preview, changes };
    }
    return out;
  }

  /** The record of one item as it was in a version, with its Merkle proof, checked before it is returned. */
  proof(datanetId: string, ref: number | string, itemId: string): RecordProof {
    const v = this.row(datanetId, ref);
    const entry = this.db
      .prepare('SELECT position, record_hash FROM version_records WHERE version_id = ? AND item_id = ?')
      .get(v.id, itemId) as { position: number; record_hash: Buffer } | undefined;
    if (!entry) throw notFound(`Item ${itemId} is not in version ${v.number}.`);
    const item = this.db.prepare('SELECT seq, content FROM items WHERE id = ?').get(itemId) as { seq: number; content: string };
    const record = canonicalRecordFrom(itemId, item.content, labelsAsOf(this.db, [item.seq], v.max_event_seq).get(item.seq) ?? {});
    const hash = new Uint8Array(32);
    recordTextHashInto(record, hash, 0);
    // The rebuilt record must hash to what was frozen; anything else means the store was altered.
    if (!Buffer.from(hash).equals(entry.record_hash)) throw conflict(`The record of ${itemId} no longer matches version ${v.number}: the store was altered.`);
    const nodeAt = this.db.prepare('SELECT substr(nodes, ?, 32) FROM version_trees WHERE version_id = ?').pluck();
    const proof = proofWith(v.record_count, entry.position, (k) => new Uint8Array(nodeAt.get(k * 32 + 1, v.id) as Buffer));
    const leaf = standardLeaf(hash);
    return {
      version: v.number,
      itemId,
      record,
      recordHash: toHex(hash),
      leaf: toHex(leaf),
      position: entry.position,
      proof: proof.map(toHex),
      root: v.root,
      verified: verifyProof(leaf, proof, fromHex(v.root)),
    };
  }

  private row(datanetId: string, ref: number | string): VersionRow {
    const row = (
      ref === 'latest'
        ? this.db.prepare('SELECT * FROM versions WHERE datanet_id = ? ORDER BY number DESC LIMIT 1').get(datanetId)
        : typeof ref === 'number'
          ? this.db.prepare('SELECT * FROM versions WHERE datanet_id = ? AND number = ?').get(datanetId, ref)
          : this.db.prepare('SELECT * FROM versions WHERE datanet_id = ? AND id = ?').get(datanetId, ref)
    ) as VersionRow | undefined;
    if (!row) throw notFound(ref === 'latest' ? 'This datanet has no version yet: create one first.' : `No version ${ref} of this datanet.`);
    return row;
  }
}

/** Label fields whose values differ, schema fields first in schema order, then any others by name. */
function labelChanges(schema: LabelSchema, before: Record<string, unknown>, after: Record<string, unknown>): VersionDiffDetail['changes'] {
  const order = (name: string) => {
    const k = schema.fields.findIndex((f) => f.name === name);
    return k < 0 ? schema.fields.length : k;
  };
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort((x, y) => order(x) - order(y) || (x < y ? -1 : x > y ? 1 : 0));
  const changes: VersionDiffDetail['changes'] = [];
  for (const name of names) {
    const was = before[name];
    const is = after[name];
    // Compared as the records were hashed: canonical JSON, so the order of an object's members does not count.
    if (was !== undefined && is !== undefined && jcs(was) === jcs(is)) continue;
    const field = schema.fields.find((f) => f.name === name);
    let pair: [string | null, string | null] = [shortText(field, was), shortText(field, is)];
    // Two spans moved are "2 spans" both times: then their words ("refund billing") tell them apart.
    if (pair[0] !== null && pair[0] === pair[1]) pair = [cut(labelText(was), 60), cut(labelText(is), 60)];
    changes.push({ field: name, before: pair[0], after: pair[1] });
  }
  return changes;
}

/** A label as the dataset view's chip reads, or null where the field has no value; a field the schema no longer has, as its words. */
function shortText(field: LabelField | undefined, value: unknown): string | null {
  if (value === undefined) return null;
  if (!field) return cut(labelText(value) || JSON.stringify(value), 60);
  try {
    return labelChip(field, value);
  } catch {
    // A value of another shape than the field's kind now takes (the schema changed since).
    return cut(labelText(value) || JSON.stringify(value), 60);
  }
}
