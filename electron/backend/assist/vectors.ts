import type { Db } from '../store/database';

/**
 * One datanet's vectors under one model, in memory: row r of `matrix` (dim floats) is the item
 * with seq `seqs[r]`. Scoring a query is one pass of dot products over a Float32Array (the
 * vectors are normalized, so a dot product is the cosine). For 100,000 items of 384 dimensions
 * (all-MiniLM-L6-v2) that is 150 MB of memory and about 0.1 s per query on one busy core; past a
 * few hundred thousand items this wants an approximate index instead of brute force.
 */
export interface VectorIndex {
  readonly dim: number;
  readonly seqs: Int32Array;
  readonly matrix: Float32Array;
}

export function toBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

export function fromBlob(blob: Buffer): Float32Array {
  // Copied into an aligned buffer: SQLite's bytes may start at any offset.
  const out = new Float32Array(blob.byteLength / 4);
  new Uint8Array(out.buffer).set(blob);
  return out;
}

/** Embeddings on disk: one row per (datanet, model, item). */
export class EmbeddingStore {
  private readonly putStmt;
  private readonly getStmt;
  private readonly countStmt;

  constructor(private readonly db: Db) {
    this.putStmt = db.prepare('INSERT OR REPLACE INTO embeddings (datanet_id, model, item_seq, vector) VALUES (?, ?, ?, ?)');
    this.getStmt = db.prepare('SELECT vector FROM embeddings WHERE datanet_id = ? AND model = ? AND item_seq = ?').pluck();
    this.countStmt = db.prepare('SELECT count(*) FROM embeddings WHERE datanet_id = ? AND model = ?').pluck();
  }

  /** Writes a batch in one transaction; an empty vector marks an item with nothing to embed. */
  put(datanetId: string, model: string, rows: readonly { seq: number; vector: Float32Array }[]): void {
    this.db.transaction(() => {
      for (const r of rows) this.putStmt.run(datanetId, model, r.seq, toBlob(r.vector));
    })();
  }

  get(datanetId: string, model: string, seq: number): Float32Array | null {
    const blob = this.getStmt.get(datanetId, model, seq) as Buffer | undefined;
    return blob ? fromBlob(blob) : null;
  }

  count(datanetId: string, model: string): number {
    return this.countStmt.get(datanetId, model) as number;
  }

  /** Items of the datanet the model has not embedded yet, in arrival order, after `afterSeq`. */
  pending(datanetId: string, model: string, afterSeq: number, limit: number): { seq: number; content: string }[] {
    return this.db
      .prepare(
        `SELECT i.seq, i.content FROM items i
         WHERE i.datanet_id = ? AND i.seq > ?
           AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.datanet_id = i.datanet_id AND e.model = ? AND e.item_seq = i.seq)
         ORDER BY i.seq LIMIT ?`,
      )
      .all(datanetId, afterSeq, model, limit) as { seq: number; content: string }[];
  }

  /** Every non-empty vector of a datanet under a model, as one matrix. */
  loadIndex(datanetId: string, model: string): VectorIndex | null {
    let rows = this.db
      .prepare('SELECT item_seq, vector FROM embeddings WHERE datanet_id = ? AND model = ? AND length(vector) > 0 ORDER BY item_seq')
      .raw()
      .all(datanetId, model) as [number, Buffer][];
    const first = rows[0];
    if (!first) return null;
    const dim = first[1].byteLength / 4;
    // A vector of another size (a model replaced under the same name) is left out, not misread.
    rows = rows.filter(([, blob]) => blob.byteLength === dim * 4);
    const seqs = new Int32Array(rows.length);
    const matrix = new Float32Array(rows.length * dim);
    const bytes = new Uint8Array(matrix.buffer);
    rows.forEach(([seq, blob], r) => {
      seqs[r] = seq;
      bytes.set(blob, r * dim * 4);
    });
    return { dim, seqs, matrix };
  }

  /** Forget a model's vectors (it was removed, or replaced under the same name). */
  dropModel(model: string): void {
    this.db.prepare('DELETE FROM embeddings WHERE model = ?').run(model);
  }
}

/**
 * Dot product of `query` with every row, into `out`: a tight loop with no allocation per row, four
 * running sums so the multiply-adds do not wait on each other (a third faster than one sum).
 */
export function scoreAll(index: VectorIndex, query: Float32Array, out = new Float32Array(index.seqs.length)): Float32Array {
  const { dim, matrix } = index;
  const n = index.seqs.length;
  for (let r = 0; r < n; r++) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let m = r * dim;
    let d = 0;
    for (; d + 3 < dim; d += 4, m += 4) {
      s0 += matrix[m]! * query[d]!;
      s1 += matrix[m + 1]! * query[d + 1]!;
      s2 += matrix[m + 2]! * query[d + 2]!;
      s3 += matrix[m + 3]! * query[d + 3]!;
    }
    for (; d < dim; d++, m++) s0 += matrix[m]! * query[d]!;
    out[r] = s0 + s1 + s2 + s3;
  }
  return out;
}

/** Rows of the `k` highest scores among those `accept` lets through, best first. */
export function topK(scores: Float32Array, k: number, accept: (row: number) => boolean = () => true): number[] {
  // A small sorted buffer: k is tiny next to n, so insertion beats sorting every score.
  const best: number[] = [];
  for (let r = 0; r < scores.length; r++) {
    const s = scores[r]!;
    if (best.length === k && s <= scores[best[k - 1]!]!) continue;
    if (!accept(r)) continue;
    let i = best.length === k ? k - 1 : best.length;
    while (i > 0 && scores[best[i - 1]!]! < s) {
      best[i] = best[i - 1]!;
      i--;
    }
    best[i] = r;
  }
  return best;
}
