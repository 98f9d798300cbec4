import { ApiFailure, conflict, notFound } from '../../../shared/api/errors';
import type { AnnotationEvent } from '../../../shared/api/schemas/datanets';
import { fieldValidator, findField, type LabelSchema } from '../../../shared/datanets/schema';
import { jcs } from '../../../shared/datanets/canonical';
import { wellFormed } from '../../../shared/datanets/well-formed';
import type { Db } from '../store/database';
import type { Items } from './items';

/** Bookkeeping fields beside the schema's: `$` cannot start a schema field name. */
export const REVIEWED = '$reviewed';

type Kind = AnnotationEvent['kind'];

interface EventRow {
  seq: number;
  item_seq: number;
  field: string;
  value: string | null;
  author: string;
  created_at: number;
  supersedes: number | null;
  kind: Kind;
}

/** Checks a value against the field's kind; null clears a field. */
export function validateAnnotation(schema: LabelSchema, field: string, value: unknown): unknown {
  if (value === null) return null;
  if (JSON.stringify(value) !== JSON.stringify(wellFormed(value))) {
    throw new ApiFailure({ code: 'invalid_input', field: 'value', message: 'value contains a lone UTF-16 surrogate, which has no UTF-8 form' });
  }
  if (field === REVIEWED) {
    if (typeof value !== 'boolean') throw new ApiFailure({ code: 'invalid_input', field: 'value', message: `value of ${REVIEWED} must be true or false` });
    return value;
  }
  const spec = findField(schema, field);
  if (!spec) {
    throw new ApiFailure({
      code: 'invalid_input',
      field: 'field',
      message: `field "${field}" is not in this datanet's schema (${schema.fields.map((f) => f.name).join(', ')})`,
    });
  }
  const parsed = fieldValidator(spec).safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? `value.${issue.path.join('.')}` : 'value';
    throw new ApiFailure({ code: 'invalid_input', field: where, message: `${where} for ${spec.kind} field "${field}": ${issue.message}` });
  }
  return parsed.data;
}

/** Stored values compared as data: key order aside, equal JSON is the same label. */
function sameValue(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  return a === b || jcs(JSON.parse(a)) === jcs(JSON.parse(b));
}

/** A stored value as a person reads it in an error: short, and "empty" for a cleared field. */
function describeValue(json: string | null): string {
  if (json === null) return 'empty';
  return json.length > 60 ? `${json.slice(0, 57)}…` : json;
}

/**
 * Annotations are append-only events; the `labels` table is the current value of each field,
 * written in the same short transaction as the event. Undo and redo are new events, so history
 * keeps everything and says who did what.
 */
export class Annotations {
  private readonly insertEvent;
  private readonly upsertLabel;
  private readonly deleteLabel;

  constructor(
    private readonly db: Db,
    private readonly items: Items,
  ) {
    this.insertEvent = db.prepare(
      `INSERT INTO annotation_events (item_seq, field, value, author, created_at, supersedes, kind)
       VALUES (@itemSeq, @field, @value, @author, @now, @supersedes, @kind)`,
    );
    this.upsertLabel = db.prepare(
      `INSERT INTO labels (item_seq, field, datanet_id, event_seq, value) VALUES (@itemSeq, @field, @datanetId, @seq, @value)
       ON CONFLICT (item_seq, field) DO UPDATE SET event_seq = excluded.event_seq, value = excluded.value`,
    );
    this.deleteLabel = db.prepare('DELETE FROM labels WHERE item_seq = ? AND field = ?');
  }

  /** Writes one validated event and moves the current label. Runs inside the caller's transaction when there is one. */
  record(
    target: { itemSeq: number; datanetId: string },
    field: string,
    value: unknown,
    author: string,
    kind: Kind,
    now = Date.now(),
  ): number {
    const write = () => {
      // The last event of this field, whether it set a value or cleared it.
      const last = this.db
        .prepare('SELECT seq FROM annotation_events WHERE item_seq = ? AND field = ? ORDER BY seq DESC LIMIT 1')
        .pluck()
        .get(target.itemSeq, field) as number | undefined;
      const json = value === null ? null : JSON.stringify(value);
      const seq = Number(
        this.insertEvent.run({ itemSeq: target.itemSeq, field, value: json, author, now, supersedes: last ?? null, kind }).lastInsertRowid,
      );
      if (json === null) this.deleteLabel.run(target.itemSeq, field);
      else this.upsertLabel.run({ itemSeq: target.itemSeq, field, datanetId: target.datanetId, seq, value: json });
      this.items.labelsChanged(target.itemSeq);
      return seq;
    };
    return this.db.inTransaction ? write() : this.db.transaction(write)();
  }

  set(schema: LabelSchema, itemId: string, field: string, value: unknown, author: string): AnnotationEvent {
    const checked = validateAnnotation(schema, field, value);
    const target = this.items.seqOf(itemId);
    return this.event(this.record({ itemSeq: target.seq, datanetId: target.datanetId }, field, checked, author, 'set'));
  }

  /**
   * Puts back the value an event replaced. Allowed while the field still holds what the event
   * left (it is the latest, or later undos and redos came back to its value), so no later change
   * is lost: that is what lets a session undo several changes of one field in turn.
   */
  undo(eventSeq: number, author: string): AnnotationEvent {
    return this.db.transaction(() => {
      const e = this.row(eventSeq);
      this.requireUnchangedSince(e, 'undo');
      const previous = e.supersedes === null ? null : this.row(e.supersedes).value;
      return this.event(this.record(this.targetOf(e), e.field, previous === null ? null : JSON.parse(previous), author, 'undo'));
    })();
  }

  /** Re-applies what an undo event took back: the field's value just before the undo. */
  redo(undoSeq: number, author: string): AnnotationEvent {
    return this.db.transaction(() => {
      const u = this.row(undoSeq);
      if (u.kind !== 'undo') throw conflict(`Event ${undoSeq} is not an undo; only an undo can be redone.`);
      this.requireUnchangedSince(u, 'redo');
      // An undo always supersedes an event: at least the one it took back.
      const before = this.row(u.supersedes!);
      return this.event(this.record(this.targetOf(u), u.field, before.value === null ? null : JSON.parse(before.value), author, 'redo'));
    })();
  }

  history(itemId: string): AnnotationEvent[] {
    const { seq } = this.items.seqOf(itemId);
    const rows = this.db.prepare('SELECT * FROM annotation_events WHERE item_seq = ? ORDER BY seq').all(seq) as EventRow[];
    return rows.map((r) => this.toEvent(r, itemId));
  }

  private requireUnchangedSince(e: EventRow, what: 'undo' | 'redo'): void {
    const latest = this.db
      .prepare('SELECT seq, value FROM annotation_events WHERE item_seq = ? AND field = ? ORDER BY seq DESC LIMIT 1')
      .get(e.item_seq, e.field) as Pick<EventRow, 'seq' | 'value'>;
    if (latest.seq === e.seq || sameValue(latest.value, e.value)) return;
    const field = e.field === REVIEWED ? 'reviewed' : `"${e.field}"`;
    throw conflict(`Cannot ${what} this change to ${field}: the field was changed again since (it is now ${describeValue(latest.value)}), and taking the change back would lose that.`);
  }

  private targetOf(e: EventRow): { itemSeq: number; datanetId: string } {
    const datanetId = this.db.prepare('SELECT datanet_id FROM items WHERE seq = ?').pluck().get(e.item_seq) as string;
    return { itemSeq: e.item_seq, datanetId };
  }

  private row(seq: number): EventRow {
    const row = this.db.prepare('SELECT * FROM annotation_events WHERE seq = ?').get(seq) as EventRow | undefined;
    if (!row) throw notFound(`No annotation event ${seq}.`);
    return row;
  }

  private event(seq: number): AnnotationEvent {
    const row = this.row(seq);
    const itemId = this.db.prepare('SELECT id FROM items WHERE seq = ?').pluck().get(row.item_seq) as string;
    return this.toEvent(row, itemId);
  }

  private toEvent(r: EventRow, itemId: string): AnnotationEvent {
    return {
      seq: r.seq,
      itemId,
      field: r.field,
      value: r.value === null ? null : JSON.parse(r.value),
      author: r.author,
      at: r.created_at,
      supersedes: r.supersedes,
      kind: r.kind,
    };
  }
}
