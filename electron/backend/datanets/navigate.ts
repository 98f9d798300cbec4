import type { ItemSort } from '../../../shared/api/schemas/browse';
import type { ItemFilter } from '../../../shared/api/schemas/datanets';
import type { ItemPosition } from '../../../shared/api/schemas/navigate';
import type { Db } from '../store/database';
import { ftsQuery } from './fts-query';
import { filterConditions } from './item-filter';

/** The list moved through: a filter of the datanet, in arrival order or newest first. */
export interface Within {
  filter: ItemFilter;
  sort: ItemSort;
}

/** Where to step from an item: the neighbour in the list's order, or the nearest item with no label yet. */
export interface Step extends Within {
  /** null: from the start (next) or the end (previous) of the list. */
  from: number | null;
  direction: 'next' | 'previous';
  unlabeled: boolean;
  /** Items to pass over (those skipped in this session), by id. */
  exclude: readonly string[];
}

// "Unlabeled" as items.page counts it: no label on a schema field (`$reviewed` is bookkeeping).
const UNLABELED = `NOT EXISTS (SELECT 1 FROM labels l WHERE l.item_seq = i.seq AND l.field NOT LIKE '$%')`;

/**
 * Moving through a datanet one item at a time. Unfiltered, each step is one indexed query on
 * (datanet_id, seq), so it costs the same on the first item and the millionth; a filter adds its
 * conditions (a search, its full-text match) to the same ordered scan.
 */
export class Navigator {
  constructor(private readonly db: Db) {}

  /** The id of the item one step away, or null at the end. An unlabeled step wraps around once. */
  step(datanetId: string, step: Step): string | null {
    const found = this.find(datanetId, step);
    if (found !== null || !step.unlabeled || step.from === null) return found;
    // Nothing unlabeled after (before) here: look again from the other end.
    return this.find(datanetId, { ...step, from: null });
  }

  /** 1-based place of an item in the list, how long the list is, and whether the item is in it. */
  position(datanetId: string, seq: number, within: Within): ItemPosition {
    if (Object.keys(within.filter).length === 0) {
      // The whole datanet: two range counts on the (datanet_id, seq) index, no row read.
      const total = this.db.prepare('SELECT count(*) FROM items WHERE datanet_id = ?').pluck().get(datanetId) as number;
      const before = this.db.prepare(`SELECT count(*) FROM items WHERE datanet_id = ? AND seq ${within.sort === 'arrival' ? '<=' : '>='} ?`).pluck().get(datanetId, seq) as number;
      return { position: before, total, matches: true };
    }
    const { where, params } = this.conditions(datanetId, within.filter);
    // One pass over the list: a filter's conditions are paid once per item, not once per count.
    const upTo = within.sort === 'arrival' ? 'i.seq <= @seq' : 'i.seq >= @seq';
    const row = this.db
      .prepare(`SELECT count(*) AS total, coalesce(sum(${upTo}), 0) AS position, coalesce(sum(i.seq = @seq), 0) AS here FROM items i WHERE ${where.join(' AND ')}`)
      .get({ ...params, seq }) as { total: number; position: number; here: number };
    return { position: row.position, total: row.total, matches: row.here === 1 };
  }

  private find(datanetId: string, { from, direction, unlabeled, exclude, filter, sort }: Step): string | null {
    // Newest first turns the list around: its next item is the older one.
    const ascending = (direction === 'next') === (sort === 'arrival');
    const { where, params } = filterConditions(datanetId, filter);
    // A search walks the full-text index in rowid (= seq) order and stops at the first match
    // that passes the rest, as items.page does; `seq IN (all matches)` built the whole set per step.
    const seq = filter.query ? 'f.rowid' : 'i.seq';
    if (from !== null) where.push(ascending ? `${seq} > @from` : `${seq} < @from`);
    if (unlabeled) where.push(UNLABELED);
    if (exclude.length > 0) where.push('i.id NOT IN (SELECT value FROM json_each(@exclude))');
    if (filter.query) {
      where.push('items_fts MATCH @query');
      params.query = ftsQuery(filter.query);
    }
    const source = filter.query ? 'items_fts f JOIN items i ON i.seq = f.rowid' : 'items i';
    const sql = `SELECT i.id FROM ${source} WHERE ${where.join(' AND ')} ORDER BY ${seq} ${ascending ? 'ASC' : 'DESC'} LIMIT 1`;
    const id = this.db.prepare(sql).pluck().get({ ...params, from, exclude: JSON.stringify(exclude) }) as string | undefined;
    return id ?? null;
  }

  /** The filter's conditions over `items i`, a search as a set of matching seqs (a count needs them all anyway). */
  private conditions(datanetId: string, filter: ItemFilter): { where: string[]; params: Record<string, unknown> } {
    const { where, params } = filterConditions(datanetId, filter);
    if (filter.query) {
      where.push('i.seq IN (SELECT rowid FROM items_fts WHERE items_fts MATCH @query)');
      params.query = ftsQuery(filter.query);
    }
    return { where, params };
  }
}
