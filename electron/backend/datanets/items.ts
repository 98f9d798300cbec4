import { createHash } from 'node:crypto';
import { conflict, notFound } from '../../../shared/api/errors';
import type { Item, ItemFilter, ItemsPage } from '../../../shared/api/schemas/datanets';
import type { ItemContent, ItemSource } from '../../../shared/datanets/item';
import { canonicalContent } from '../../../shared/datanets/canonical';
import { wellFormed } from '../../../shared/datanets/well-formed';
import type { Db } from '../store/database';
import { filterConditions } from './item-filter';
import { ftsQuery } from './fts-query';
import { labelText } from './label-text';

export interface NewItem {
  content: ItemContent;
  source: ItemSource | null;
  importId: string | null;
}

interface Row {
  seq: number;
  id: string;
  datanet_id: string;
  content: string;
  thumb_cid: string | null;
  source: string | null;
  import_id: string | null;
  created_at: number;
}

/**
 * sha-256 of the item's canonical content text. The thumbnail is left out: it is derived, and a
 * newer image library may render it differently; the same picture and text is the same item.
 */
export function contentHash(canonical: string): string {
  return createHash('sha256').update(canonical).digest('hex');
}

/** Stable: the same content in the same datanet gets the same id, even after a delete and re-import. */
export function itemIdFor(datanetId: string, hash: string): string {
  return `it_${createHash('sha256').update(`${datanetId}:${hash}`).digest('hex').slice(0, 24)}`;
}

export class Items {
  private readonly insertStmt;
  private readonly existingStmt;
  private readonly ftsStmt;
  private readonly ftsNewStmt;
  private readonly labelsOfStmt;
  private readonly pendingStmt;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO items (id, datanet_id, content_hash, content, thumb_cid, source, import_id, created_at)
       VALUES (@id, @datanetId, @hash, @content, @thumb, @source, @importId, @now)
       ON CONFLICT (id) DO NOTHING`,
    );
    this.existingStmt = db.prepare('SELECT seq, content_hash, import_id FROM items WHERE id = ?');
    this.ftsStmt = db.prepare('INSERT OR REPLACE INTO items_fts (rowid, text, labels) VALUES (?, ?, ?)');
    // A new item's seq has no row in the index yet (items are never deleted, and an insert that
    // rolls back takes its index row with it): a plain insert skips the delete lookup that OR
    // REPLACE makes in a contentless_delete table, about a tenth of indexing time.
    this.ftsNewStmt = db.prepare('INSERT INTO items_fts (rowid, text, labels) VALUES (?, ?, ?)');
    this.labelsOfStmt = db.prepare('SELECT field, value FROM labels WHERE item_seq = ?');
    this.pendingStmt = db.prepare('INSERT OR IGNORE INTO items_fts_pending (item_seq) VALUES (?)');
  }

  /**
   * Adds an item unless the datanet already has the same content. Call inside a transaction for
   * batches. `added` false: the datanet had the content already; `again` says the same import put
   * it there (a resumed import reading the rest of a file it was cut short in), which is no duplicate.
   */
  insert(datanetId: string, item: NewItem, now = Date.now()): { seq: number; id: string; added: true } | { seq: number; id: string; added: false; again: boolean } {
    const content = wellFormed(item.content);
    const canonical = canonicalContent(content);
    const hash = contentHash(canonical);
    const id = itemIdFor(datanetId, hash);
    const result = this.insertStmt.run({
      id,
      datanetId,
      hash,
      content: canonical,
      thumb: content.image?.thumbCid ?? null,
      source: item.source ? JSON.stringify(item.source) : null,
      importId: item.importId,
      now,
    });
    if (result.changes === 0) {
      // The id is 96 bits of a hash of (datanet, content hash) and the only unique key (migration
      // 0011): a different hash under the same id would be a collision, never to be merged.
      const existing = this.existingStmt.get(id) as { seq: number; content_hash: string; import_id: string | null };
      if (existing.content_hash !== hash) {
        throw conflict(`Item id ${id} already belongs to other content (content hash ${existing.content_hash}, not ${hash}); the item was not added.`);
      }
      return { seq: existing.seq, id, added: false, again: item.importId !== null && existing.import_id === item.importId };
    }
    const seq = Number(result.lastInsertRowid);
    this.ftsNewStmt.run(seq, content.text, '');
    return { seq, id, added: true };
  }

  /** Notes that an item's labels changed; the search index catches up in a batch soon after (or before the next search). */
  labelsChanged(seq: number): void {
    this.pendingStmt.run(seq);
    if (this.flushTimer === undefined) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        this.flushLabelIndex();
      }, 25);
      this.flushTimer.unref();
    }
  }

  /** Brings the label words of every changed item into the search index, in one transaction. */
  flushLabelIndex(): number {
    return this.db.transaction(() => {
      const seqs = this.db.prepare('SELECT item_seq FROM items_fts_pending').pluck().all() as number[];
      for (const seq of seqs) this.reindexLabels(seq);
      this.db.prepare('DELETE FROM items_fts_pending').run();
      return seqs.length;
    })();
  }

  /** Stops the pending flush timer; what is still pending stays in the table for the next start. */
  close(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  private reindexLabels(seq: number): void {
    const row = this.db.prepare('SELECT content FROM items WHERE seq = ?').get(seq) as { content: string } | undefined;
    if (!row) return;
    const labels = this.labelsOfStmt.all(seq) as { field: string; value: string }[];
    const text = labels.map((l) => labelText(JSON.parse(l.value))).join(' ');
    this.ftsStmt.run(seq, (JSON.parse(row.content) as ItemContent).text, text);
  }

  seqOf(itemId: string): { seq: number; datanetId: string } {
    const row = this.db.prepare('SELECT seq, datanet_id FROM items WHERE id = ?').get(itemId) as { seq: number; datanet_id: string } | undefined;
    if (!row) throw notFound(`No item with id ${itemId}.`);
    return { seq: row.seq, datanetId: row.datanet_id };
  }

  get(itemId: string): Item {
    const row = this.db.prepare('SELECT * FROM items WHERE id = ?').get(itemId) as Row | undefined;
    if (!row) throw notFound(`No item with id ${itemId}.`);
    return this.toItem(row);
  }

  /**
   * One page of a datanet's items in arrival order, after the cursor `after` (a seq). Keyset
   * pagination: the cost of a page does not grow with how deep into the datanet it is.
   */
  page(datanetId: string, filter: ItemFilter, after: number | null, limit: number): ItemsPage {
    const { where, params } = filterConditions(datanetId, filter);
    where.push('i.seq > @after');
    Object.assign(params, { after: after ?? 0, limit: limit + 1 });
    let sql: string;
    if (filter.query) {
      this.flushLabelIndex();
      params.query = ftsQuery(filter.query);
      // The full-text index drives, in seq order, so a page stops after `limit` matches.
      sql = `SELECT i.* FROM items_fts f JOIN items i ON i.seq = f.rowid
             WHERE items_fts MATCH @query AND f.rowid > @after AND ${where.join(' AND ')}
             ORDER BY f.rowid LIMIT @limit`;
    } else {
      sql = `SELECT i.* FROM items i WHERE ${where.join(' AND ')} ORDER BY i.seq LIMIT @limit`;
    }
    const rows = this.db.prepare(sql).all(params) as Row[];
    const more = rows.length > limit;
    const pageRows = more ? rows.slice(0, limit) : rows;
    return { items: pageRows.map((r) => this.toItem(r)), next: more ? pageRows.at(-1)!.seq : null };
  }

  private toItem(row: Row): Item {
    const labels: Record<string, unknown> = {};
    for (const l of this.labelsOfStmt.all(row.seq) as { field: string; value: string }[]) labels[l.field] = JSON.parse(l.value);
    const content = JSON.parse(row.content) as ItemContent;
    if (content.image) content.image = { ...content.image, thumbCid: row.thumb_cid };
    return {
      id: row.id,
      seq: row.seq,
      datanetId: row.datanet_id,
      content,
      source: row.source ? (JSON.parse(row.source) as ItemSource) : null,
      importId: row.import_id,
      createdAt: row.created_at,
      labels,
    };
  }
}
