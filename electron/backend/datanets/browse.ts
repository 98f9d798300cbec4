import { PREVIEW_CHARS, type ItemPreview, type ItemSort, type ItemsWindow, type PositionRange } from '../../../shared/api/schemas/browse';
import type { ItemFilter } from '../../../shared/api/schemas/datanets';
import type { LabelSchema } from '../../../shared/datanets/schema';
import type { Db } from '../store/database';
import { REVIEWED } from './annotations';
import { dependsOnLabels, filterConditions } from './item-filter';
import { ftsQuery } from './fts-query';
import type { Items } from './items';
import { labelChip, previewColumns, previewText } from './item-preview';

/** Every STEP-th matching seq is remembered, so any position is at most STEP-1 index steps from one. */
const STEP = 512;
/** Positions below this are reached by OFFSET from the start (about 0.1 µs a step unfiltered). */
const DIRECT_SKIP = 4 * STEP;
/** Position indexes kept (datanet × filter); each is total/STEP numbers, 2,000 for a million items. */
const CACHED_INDEXES = 16;

/**
 * How many items match a filter, and where its positions start: `anchors[k]` is the seq of the
 * item at position k·STEP in arrival order. Valid while `generation` (the newest item and, for filters that look
 * at labels, the newest annotation event) is unchanged.
 */
interface PositionIndex {
  generation: string;
  total: number;
  /** Built on the first jump past DIRECT_SKIP. */
  anchors: number[] | undefined;
}

/** Every STEP-th seq: a million seqs become 2,000 anchors. */
function anchorsOf(seqs: readonly number[]): number[] {
  const anchors: number[] = [];
  for (let i = 0; i < seqs.length; i += STEP) anchors.push(seqs[i]!);
  return anchors;
}

interface Matches {
  /** Selects `seq` of every match in arrival order; `{from}` takes an extra condition on the seq column. */
  sql: (from: string) => string;
  seqColumn: string;
  params: Record<string, unknown>;
}

interface PreviewRow {
  seq: number;
  id: string;
  import_id: string | null;
  created_at: number;
  thumb_cid: string | null;
  text: string | null;
  image: string | null;
  fields: string | null;
}

/**
 * Positional access to a datanet's items for the dataset view. Keyset pages (items.page) cannot
 * jump to the middle of a million rows; OFFSET can, but walks every row before it. Here the count
 * is one scan, and the first jump deep into the list records the seq at every STEP-th position
 * (one more scan); a window then seeks to its anchor and skips fewer than STEP rows from there.
 *
 * Both scans are paid once per datanet and filter until an item is added (or, for filters on
 * labels or text, until any label changes). Unfiltered they walk the (datanet_id, seq) index;
 * a label filter runs its EXISTS for every item; a search walks the full-text matches. Measured
 * at 1,000,000 items in bench/RESULTS.md ("Dataset view").
 */
export class Browse {
  private readonly indexes = new Map<string, PositionIndex>();
  private readonly previewStmt;
  private readonly labelsStmt;
  private readonly lastLabelStmt;
  private readonly maxItemStmt;
  private readonly maxEventStmt;

  constructor(
    private readonly db: Db,
    private readonly items: Items,
  ) {
    this.previewStmt = db.prepare(
      `SELECT seq, id, import_id, created_at, thumb_cid, json_extract(content, '$.image') AS image, ${previewColumns(PREVIEW_CHARS)}
       FROM items WHERE seq = ?`,
    );
    this.labelsStmt = db.prepare('SELECT field, value FROM labels WHERE item_seq = ?');
    this.lastLabelStmt = db.prepare(
      `SELECT author, created_at AS at, kind = 'import' AS imported FROM annotation_events WHERE item_seq = ? AND field NOT LIKE '$%' ORDER BY seq DESC LIMIT 1`,
    );
    this.maxItemStmt = db.prepare('SELECT max(seq) FROM items').pluck();
    this.maxEventStmt = db.prepare('SELECT max(seq) FROM annotation_events').pluck();
  }

  /** How many items match the filter. */
  total(datanetId: string, filter: ItemFilter): number {
    return this.index(datanetId, filter).total;
  }

  /** The rows at positions [offset, offset + limit) of the filtered list in `sort` order. */
  window(datanetId: string, schema: LabelSchema, filter: ItemFilter, sort: ItemSort, offset: number, limit: number): ItemsWindow {
    const { total } = this.index(datanetId, filter);
    const seqs = this.seqsAt(datanetId, filter, sort, [{ from: offset, to: Math.min(offset + limit, total) }]);
    return { total, offset, items: seqs.map((seq) => this.preview(seq, schema)) };
  }

  /**
   * The seqs at position ranges of the filtered list in `sort` order, in that order. Ranges past
   * the end are cut at the end.
   */
  seqsAt(datanetId: string, filter: ItemFilter, sort: ItemSort, ranges: readonly PositionRange[]): number[] {
    const index = this.index(datanetId, filter);
    const matches = this.matches(datanetId, filter);
    const out: number[] = [];
    for (const range of ranges) {
      const to = Math.min(range.to, index.total);
      if (range.from >= to) continue;
      // Newest first is arrival order read from the other end.
      const ascFrom = sort === 'arrival' ? range.from : index.total - to;
      const seqs = this.ascending(index, matches, ascFrom, to - range.from);
      if (sort === 'arrival_desc') seqs.reverse();
      for (const seq of seqs) out.push(seq);
    }
    return out;
  }

  private ascending(index: PositionIndex, matches: Matches, from: number, count: number): number[] {
    // Near the top OFFSET alone is cheap, and the anchors (a full scan) are not needed yet.
    let start = 0;
    let skip = from;
    if (from >= DIRECT_SKIP) {
      index.anchors ??= anchorsOf(this.db.prepare(matches.sql('1')).pluck().all(matches.params) as number[]);
      const k = Math.floor(from / STEP);
      start = index.anchors[k]!;
      skip = from - k * STEP;
    }
    const sql = `${matches.sql(`${matches.seqColumn} >= @start`)} LIMIT @count OFFSET @skip`;
    return this.db.prepare(sql).pluck().all({ ...matches.params, start, count, skip }) as number[];
  }

  private index(datanetId: string, filter: ItemFilter): PositionIndex {
    if (filter.query) this.items.flushLabelIndex();
    const generation = `${this.maxItemStmt.get() as number | null}:${dependsOnLabels(filter) ? (this.maxEventStmt.get() as number | null) : ''}`;
    const key = `${datanetId}\n${JSON.stringify(filter)}`;
    const cached = this.indexes.get(key);
    this.indexes.delete(key);
    if (cached?.generation === generation) {
      // Least recently used goes first: re-inserted, it is the newest.
      this.indexes.set(key, cached);
      return cached;
    }
    const matches = this.matches(datanetId, filter);
    const total = this.db.prepare(`SELECT count(*) FROM (${matches.sql('1')})`).pluck().get(matches.params) as number;
    const index: PositionIndex = { generation, total, anchors: undefined };
    this.indexes.set(key, index);
    if (this.indexes.size > CACHED_INDEXES) this.indexes.delete(this.indexes.keys().next().value!);
    return index;
  }

  private matches(datanetId: string, filter: ItemFilter): Matches {
    const { where, params } = filterConditions(datanetId, filter);
    if (filter.query) {
      // The full-text index drives, in rowid (= seq) order.
      return {
        sql: (from) => `SELECT f.rowid FROM items_fts f JOIN items i ON i.seq = f.rowid
                        WHERE items_fts MATCH @query AND ${from} AND ${where.join(' AND ')} ORDER BY f.rowid`,
        seqColumn: 'f.rowid',
        params: { ...params, query: ftsQuery(filter.query) },
      };
    }
    return { sql: (from) => `SELECT i.seq FROM items i WHERE ${where.join(' AND ')} AND ${from} ORDER BY i.seq`, seqColumn: 'i.seq', params };
  }

  private preview(seq: number, schema: LabelSchema): ItemPreview {
    const row = this.previewStmt.get(seq) as PreviewRow;
    const { text, truncated } = previewText(row, PREVIEW_CHARS);
    const image = row.image ? (JSON.parse(row.image) as { cid: string; width: number; height: number }) : null;
    const values = new Map<string, unknown>();
    for (const l of this.labelsStmt.all(seq) as { field: string; value: string }[]) values.set(l.field, JSON.parse(l.value));
    const labels: ItemPreview['labels'] = [];
    for (const field of schema.fields) {
      if (values.has(field.name)) labels.push({ field: field.name, text: labelChip(field, values.get(field.name)) });
    }
    return {
      id: row.id,
      seq: row.seq,
      text,
      truncated,
      image: image && { cid: image.cid, thumbCid: row.thumb_cid, width: image.width, height: image.height },
      labels,
      reviewed: values.get(REVIEWED) === true,
      lastLabel: lastLabelOf(this.lastLabelStmt.get(seq) as { author: string; at: number; imported: 0 | 1 } | undefined),
      importId: row.import_id,
      createdAt: row.created_at,
    };
  }
}

/** SQLite answers a comparison as 0 or 1. */
function lastLabelOf(row: { author: string; at: number; imported: 0 | 1 } | undefined): ItemPreview['lastLabel'] {
  return row ? { author: row.author, at: row.at, imported: row.imported === 1 } : null;
}
