// The local store of signed contribution records and of the batches that anchor them.
import type { ContributionRecord } from '../../../shared/ledger/contribution-record';
import type { Hex } from '../../../shared/ledger/eip712';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/database';
import { saveSelection, type ContentSelection } from './selection';

export type RecordState = 'signed' | 'queued' | 'submitted' | 'included' | 'confirmed' | 'failed';
export type BatchState = 'built' | 'submitted' | 'included' | 'confirmed' | 'dropped';

export interface StoredContribution {
  recordId: Hex;
  datanetId: string;
  versionId: string;
  contributor: Hex;
  chainId: number;
  registry: Hex;
  record: ContributionRecord;
  digest: Hex;
  signature: Hex;
  salt: Hex;
  /** The version's Merkle root before salting. */
  contentRoot: Hex;
  state: RecordState;
  batchRoot: Hex | null;
  proof: Hex[] | null;
  error: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface Batch {
  root: Hex;
  chainId: number;
  registry: Hex;
  count: number;
  state: BatchState;
  txHash: Hex | null;
  nonce: number | null;
  blockNumber: number | null;
  blockHash: Hex | null;
  attempts: number;
  error: string | null;
  createdAt: number;
  updatedAt: number;
}

interface ContributionRow {
  record_id: string;
  datanet_id: string;
  version_id: string;
  contributor: string;
  chain_id: number;
  registry: string;
  record: string;
  digest: string;
  signature: string;
  salt: string;
  content_root: string;
  state: RecordState;
  batch_root: string | null;
  proof: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
}

interface BatchRow {
  root: string;
  chain_id: number;
  registry: string;
  count: number;
  state: BatchState;
  tx_hash: string | null;
  nonce: number | null;
  block_number: number | null;
  block_hash: string | null;
  attempts: number;
  error: string | null;
  created_at: number;
  updated_at: number;
}

function toContribution(r: ContributionRow): StoredContribution {
  return {
    recordId: r.record_id as Hex,
    datanetId: r.datanet_id,
    versionId: r.version_id,
    contributor: r.contributor as Hex,
    chainId: r.chain_id,
    registry: r.registry as Hex,
    record: JSON.parse(r.record) as ContributionRecord,
    digest: r.digest as Hex,
    signature: r.signature as Hex,
    salt: r.salt as Hex,
    contentRoot: r.content_root as Hex,
    state: r.state,
    batchRoot: r.batch_root as Hex | null,
    proof: r.proof === null ? null : (JSON.parse(r.proof) as Hex[]),
    error: r.error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toBatch(r: BatchRow): Batch {
  return {
    root: r.root as Hex,
    chainId: r.chain_id,
    registry: r.registry as Hex,
    count: r.count,
    state: r.state,
    txHash: r.tx_hash as Hex | null,
    nonce: r.nonce,
    blockNumber: r.block_number,
    blockHash: r.block_hash as Hex | null,
    attempts: r.attempts,
    error: r.error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface ContributionFilter {
  datanetId?: string;
  state?: RecordState;
  limit?: number;
  /** created_at of the last row of the previous page (newest first). */
  before?: number;
}

export class Contributions {
  /** Statements compiled once: signing a record runs three, and compiling costs as much as running them. */
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  private prepare(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) this.statements.set(sql, (stmt = this.db.prepare(sql)));
    return stmt;
  }

  /** Stores a signed record; a selection's positions (see selection.ts) go in with it, in one transaction. */
  add(c: Omit<StoredContribution, 'state' | 'batchRoot' | 'proof' | 'error' | 'createdAt' | 'updatedAt'>, selection?: Pick<ContentSelection, 'versionId' | 'positions'>): StoredContribution {
    const t = this.now();
    const insert = () =>
      this.prepare(
        `INSERT INTO contributions (record_id, datanet_id, version_id, contributor, chain_id, registry, record, digest, signature, salt, content_root, state, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'signed', ?, ?)`,
      ).run(c.recordId, c.datanetId, c.versionId, c.contributor, c.chainId, c.registry, JSON.stringify(c.record), c.digest, c.signature, c.salt, c.contentRoot, t, t);
    if (selection) {
      this.db.transaction(() => {
        insert();
        saveSelection(this.db, c.recordId, selection);
      })();
    } else insert();
    // What get() would read back, without the read.
    const { recordId, datanetId, versionId, contributor, chainId, registry, record, digest, signature, salt, contentRoot } = c;
    return { recordId, datanetId, versionId, contributor, chainId, registry, record, digest, signature, salt, contentRoot, state: 'signed', batchRoot: null, proof: null, error: null, createdAt: t, updatedAt: t };
  }

  /**
   * What signing a version needs of the contributor's earlier records of its datanet on a chain
   * (failed ones aside): whether this content of this version (its whole root, or one selection's
   * root) is among them, and the newest one (the new record's parent). Two indexed lookups, no
   * rows decoded: it runs for every record signed.
   */
  earlierOf(datanetId: string, versionId: string, contentRoot: string, contributor: string, chainId: number): { contributed: boolean; latest: Hex | null } {
    const mine = `FROM contributions WHERE datanet_id = ? AND contributor = ? AND chain_id = ? AND state != 'failed'`;
    const contributed = this.prepare(`SELECT 1 ${mine} AND version_id = ? AND content_root = ? LIMIT 1`).get(datanetId, contributor, chainId, versionId, contentRoot) !== undefined;
    const latest = this.prepare(`SELECT record_id ${mine} ORDER BY created_at DESC, record_id LIMIT 1`).pluck().get(datanetId, contributor, chainId) as Hex | undefined;
    return { contributed, latest: latest ?? null };
  }

  get(recordId: string): StoredContribution | undefined {
    const row = this.prepare('SELECT * FROM contributions WHERE record_id = ?').get(recordId) as ContributionRow | undefined;
    return row && toContribution(row);
  }

  list(filter: ContributionFilter = {}): StoredContribution[] {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (clause: string, arg: unknown) => {
      where.push(clause);
      args.push(arg);
    };
    if (filter.datanetId) add('datanet_id = ?', filter.datanetId);
    if (filter.state) add('state = ?', filter.state);
    if (filter.before !== undefined) add('created_at < ?', filter.before);
    const sql = `SELECT * FROM contributions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, record_id LIMIT ?`;
    return (this.prepare(sql).all(...args, filter.limit ?? 1000) as ContributionRow[]).map(toContribution);
  }

  counts(): Record<RecordState, number> {
    const out: Record<RecordState, number> = { signed: 0, queued: 0, submitted: 0, included: 0, confirmed: 0, failed: 0 };
    for (const r of this.prepare('SELECT state, count(*) AS n FROM contributions GROUP BY state').all() as { state: RecordState; n: number }[]) out[r.state] = r.n;
    return out;
  }

  /** Records waiting for a batch on this chain and registry, oldest first. */
  waiting(chainId: number, registry: string, limit: number): StoredContribution[] {
    return (
      this
        .prepare(`SELECT * FROM contributions WHERE state = 'signed' AND chain_id = ? AND registry = ? ORDER BY created_at, record_id LIMIT ?`)
        .all(chainId, registry, limit) as ContributionRow[]
    ).map(toContribution);
  }

  inBatch(root: string): StoredContribution[] {
    return (this.prepare('SELECT * FROM contributions WHERE batch_root = ? ORDER BY record_id').all(root) as ContributionRow[]).map(toContribution);
  }

  /** Puts records into a new batch with their proofs, in one transaction. */
  createBatch(batch: { root: Hex; chainId: number; registry: Hex }, members: { recordId: Hex; proof: Hex[] }[]): Batch {
    const t = this.now();
    this.db.transaction(() => {
      // The same records can come back together after their batch was dropped: same root, same row.
      const inserted = this
        .prepare(
          `INSERT INTO batches (root, chain_id, registry, count, state, created_at, updated_at) VALUES (?, ?, ?, ?, 'built', ?, ?)
           ON CONFLICT (root) DO UPDATE SET state = 'built', tx_hash = NULL, nonce = NULL, block_number = NULL, block_hash = NULL, error = NULL, updated_at = excluded.updated_at
           WHERE batches.state = 'dropped'`,
        )
        .run(batch.root, batch.chainId, batch.registry, members.length, t, t);
      if (inserted.changes !== 1) throw new Error(`Batch ${batch.root} already exists and is not dropped`);
      const set = this.prepare(`UPDATE contributions SET state = 'queued', batch_root = ?, proof = ?, error = NULL, updated_at = ? WHERE record_id = ? AND state = 'signed'`);
      for (const m of members) {
        if (set.run(batch.root, JSON.stringify(m.proof), t, m.recordId).changes !== 1) throw new Error(`Record ${m.recordId} is no longer waiting for a batch`);
      }
    })();
    return this.batch(batch.root)!;
  }

  batch(root: string): Batch | undefined {
    const row = this.prepare('SELECT * FROM batches WHERE root = ?').get(root) as BatchRow | undefined;
    return row && toBatch(row);
  }

  batchesIn(states: readonly BatchState[]): Batch[] {
    return (this.prepare(`SELECT * FROM batches WHERE state IN (${states.map(() => '?').join(',')}) ORDER BY created_at`).all(...states) as BatchRow[]).map(toBatch);
  }

  /** Moves a batch (and its records, whose state follows it) on. */
  updateBatch(root: string, patch: Partial<Pick<Batch, 'state' | 'txHash' | 'nonce' | 'blockNumber' | 'blockHash' | 'error'>> & { attempt?: boolean }): void {
    const t = this.now();
    this.db.transaction(() => {
      const b = this.batch(root);
      if (!b) throw new Error(`No batch ${root}`);
      const next = { ...b, ...patch };
      this
        .prepare(`UPDATE batches SET state = ?, tx_hash = ?, nonce = ?, block_number = ?, block_hash = ?, error = ?, attempts = attempts + ?, updated_at = ? WHERE root = ?`)
        .run(next.state, next.txHash, next.nonce, next.blockNumber, next.blockHash, next.error, patch.attempt ? 1 : 0, t, root);
      if (next.state === 'dropped') {
        // Back in the queue: a later batch anchors them again, under a root of its own.
        this.prepare(`UPDATE contributions SET state = 'signed', batch_root = NULL, proof = NULL, error = ?, updated_at = ? WHERE batch_root = ?`).run(next.error, t, root);
      } else {
        const recordState: RecordState = next.state === 'built' ? 'queued' : next.state;
        this.prepare(`UPDATE contributions SET state = ?, error = ?, updated_at = ? WHERE batch_root = ?`).run(recordState, next.error, t, root);
      }
    })();
  }

  /** Marks records that can never be anchored (e.g. signed for a registry that is gone). */
  fail(recordIds: readonly string[], reason: string): void {
    const t = this.now();
    const stmt = this.prepare(`UPDATE contributions SET state = 'failed', error = ?, updated_at = ? WHERE record_id = ?`);
    this.db.transaction(() => recordIds.forEach((id) => stmt.run(reason, t, id)))();
  }
}
