import { ApiFailure } from '../../../../shared/api/errors';
import type { Datanet } from '../../../../shared/api/schemas/datanets';
import type { Db } from '../../store/database';
import { validateAnnotation, type Annotations } from '../annotations';
import type { Items } from '../items';
import type { ImportedItem } from './types';

export interface ImportProblem {
  path: string;
  line: number | null;
  reason: string;
}

/** What one commit wrote, for the caller's running tally. */
export interface Committed {
  added: number;
  duplicates: number;
  errors: number;
  files: number;
}

/**
 * Collects an import's items, problems and finished files, and writes them in one transaction
 * per batch. A file is marked finished in the same transaction as its last items, so after a
 * crash a resumed import re-reads exactly the files whose items might be missing, and the
 * content-hash uniqueness of items makes the re-read add nothing twice. Many small files share
 * a batch: a transaction per file would cost more than the files themselves.
 *
 * A commit runs on the main thread, which also answers the UI: while it runs, a label the user
 * sets waits. So a batch is sized by time, not by count: after each commit the item and text
 * limits are rescaled so the next commit takes about COMMIT_TARGET_MS (with WAL checkpoints in
 * their own thread, see store/checkpointer.ts, that keeps the app's stalls under the 50 ms a
 * key press may take to be saved). Larger commits write
 * fewer index pages per item (about 15% less database time at 10,000 items), but stall the app
 * for seconds on a loaded machine; this keeps the stall near the target whatever the load.
 */
export const COMMIT_TARGET_MS = 25;
const LIMIT_BOUNDS = { items: [50, 10_000], textChars: [64 * 1024, 32 * 1024 * 1024] } as const;

export class BatchWriter {
  private items: ImportedItem[] = [];
  private textChars = 0;
  private problems: ImportProblem[] = [];
  private finished: { path: string; items: number }[] = [];
  private lastCommit = Date.now();
  private nextErrorSeq: number;
  private readonly commitTx: () => Committed;

  constructor(
    private readonly db: Db,
    private readonly deps: { items: Items; annotations: Annotations; author: string },
    private readonly datanet: Datanet,
    private readonly importId: string,
    private readonly limits = { items: 500, files: 2000, ms: 100, textChars: 1024 * 1024 },
  ) {
    this.nextErrorSeq = (db.prepare('SELECT coalesce(max(seq), 0) + 1 FROM import_errors WHERE import_id = ?').pluck().get(importId) as number);
    const insertError = db.prepare('INSERT INTO import_errors (import_id, seq, path, line, reason) VALUES (?, ?, ?, ?, ?)');
    const markFile = db.prepare('INSERT OR REPLACE INTO import_files (import_id, path, items) VALUES (?, ?, ?)');
    const updateCounts = db.prepare(
      `UPDATE imports SET files_done = files_done + @files, items_added = items_added + @added,
         items_duplicate = items_duplicate + @dup, errors = errors + @errors, updated_at = @now WHERE id = @id`,
    );
    this.commitTx = db.transaction(() => {
      let added = 0;
      let duplicates = 0;
      for (const item of this.items) {
        const result = deps.items.insert(datanet.id, { content: item.content, source: item.source, importId }, Date.now());
        if (!result.added) {
          // Already counted as added when this import first wrote it (before a cancel or a crash).
          if (!result.again) duplicates++;
          continue;
        }
        added++;
        for (const a of item.annotations) {
          try {
            const value = validateAnnotation(datanet.schema, a.field, a.value);
            deps.annotations.record({ itemSeq: result.seq, datanetId: datanet.id }, a.field, value, a.author ?? deps.author, 'import');
          } catch (error) {
            if (!(error instanceof ApiFailure)) throw error;
            this.problems.push({ path: item.source.path, line: item.source.line, reason: `annotation not imported: ${error.message}` });
          }
        }
      }
      for (const p of this.problems) insertError.run(importId, this.nextErrorSeq++, p.path, p.line, p.reason);
      for (const f of this.finished) markFile.run(importId, f.path, f.items);
      const committed = { added, duplicates, errors: this.problems.length, files: this.finished.length };
      updateCounts.run({ id: importId, files: committed.files, added, dup: duplicates, errors: committed.errors, now: Date.now() });
      return committed;
    });
  }

  /** Counters recomputed from the rows, once at the start of a run (a resume dropped some problems). */
  static resetCounts(db: Db, importId: string): void {
    db.prepare(
      `UPDATE imports SET files_done = (SELECT count(*) FROM import_files WHERE import_id = @id),
         errors = (SELECT count(*) FROM import_errors WHERE import_id = @id) WHERE id = @id`,
    ).run({ id: importId });
  }

  item(item: ImportedItem): void {
    this.items.push(item);
    this.textChars += item.content.text.length;
  }

  problem(problem: ImportProblem): void {
    this.problems.push(problem);
  }

  fileDone(path: string, items: number): void {
    this.finished.push({ path, items });
  }

  /** Commits when the batch is big enough or old enough; returns what it wrote, or null. */
  maybeCommit(): Committed | null {
    const due =
      this.items.length >= this.limits.items ||
      this.textChars >= this.limits.textChars ||
      this.finished.length >= this.limits.files ||
      Date.now() - this.lastCommit >= this.limits.ms;
    return due ? this.commit() : null;
  }

  commit(): Committed {
    const started = performance.now();
    const [items, chars] = [this.items.length, this.textChars];
    const committed = this.commitTx();
    this.rescale(performance.now() - started, items, chars);
    this.items = [];
    this.textChars = 0;
    this.problems = [];
    this.finished = [];
    this.lastCommit = Date.now();
    return committed;
  }

  private rescale(ms: number, items: number, chars: number): void {
    Object.assign(this.limits, nextBatchLimits(this.limits, ms, items, chars));
  }
}

export interface BatchLimits {
  items: number;
  textChars: number;
}

/**
 * The item and text limits for the next batch, given how long the last commit of `items` items
 * and `chars` characters took: scaled toward COMMIT_TARGET_MS (at most 4× either way per step).
 */
export function nextBatchLimits(limits: BatchLimits, ms: number, items: number, chars: number): BatchLimits {
  if (items === 0 || ms <= 0) return { items: limits.items, textChars: limits.textChars };
  const scale = Math.min(4, Math.max(0.25, COMMIT_TARGET_MS / ms));
  const clamp = (v: number, [lo, hi]: readonly [number, number]) => Math.round(Math.min(hi, Math.max(lo, v)));
  let next = { items: limits.items, textChars: limits.textChars };
  // A batch cut by the item limit says how many items fit; one cut by text, how much text.
  if (items >= limits.items * 0.9) next.items = clamp(items * scale, LIMIT_BOUNDS.items);
  if (chars >= limits.textChars * 0.9) next.textChars = clamp(chars * scale, LIMIT_BOUNDS.textChars);
  if (scale < 1) {
    // Over the target whichever limit cut it (or the clock did): shrink both.
    next = {
      items: clamp(Math.min(next.items, items * scale), LIMIT_BOUNDS.items),
      textChars: clamp(Math.min(next.textChars, chars > 0 ? chars * scale : next.textChars), LIMIT_BOUNDS.textChars),
    };
  }
  return next;
}
