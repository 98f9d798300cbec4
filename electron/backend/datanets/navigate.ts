import type { Db } from '../store/database';

/** Where to step from an item: the neighbour in arrival order, or the nearest item with no label yet. */
export interface Step {
  /** null: from the start (next) or the end (previous) of the datanet. */
  from: number | null;
  direction: 'next' | 'previous';
  unlabeled: boolean;
  /** Items to pass over (those skipped in this session), by id. */
  exclude: readonly string[];
}

// "Unlabeled" as items.page counts it: no label on a schema field (`$reviewed` is bookkeeping).
const UNLABELED = `NOT EXISTS (SELECT 1 FROM labels l WHERE l.item_seq = i.seq AND l.field NOT LIKE '$%')`;

/**
 * Moving through a datanet one item at a time. Each step is one indexed query on
 * (datanet_id, seq), so it costs the same on the first item and the millionth.
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

  /** 1-based place of an item in its datanet, and how many items it has. */
  position(datanetId: string, seq: number): { position: number; total: number } {
    const position = this.db.prepare('SELECT count(*) FROM items WHERE datanet_id = ? AND seq <= ?').pluck().get(datanetId, seq) as number;
    const total = this.db.prepare('SELECT count(*) FROM items WHERE datanet_id = ?').pluck().get(datanetId) as number;
    return { position, total };
  }

  private find(datanetId: string, { from, direction, unlabeled, exclude }: Step): string | null {
    const next = direction === 'next';
    const where = ['i.datanet_id = @datanetId'];
    if (from !== null) where.push(next ? 'i.seq > @from' : 'i.seq < @from');
    if (unlabeled) where.push(UNLABELED);
    if (exclude.length > 0) where.push('i.id NOT IN (SELECT value FROM json_each(@exclude))');
    const sql = `SELECT i.id FROM items i WHERE ${where.join(' AND ')} ORDER BY i.seq ${next ? 'ASC' : 'DESC'} LIMIT 1`;
    const id = this.db.prepare(sql).pluck().get({ datanetId, from, exclude: JSON.stringify(exclude) }) as string | undefined;
    return id ?? null;
  }
}
