/**
 * Item labels as of an annotation event. Annotation events are append-only, so a version's labels
 * are the latest event per field up to the version's last event; creating a version and reading
 * its records back must agree on this exactly, or the rebuilt records would not hash to what was
 * frozen.
 */
import type { Db } from '../store/database';

/** Labels of these items as of an annotation event: the latest event per field, cleared fields and `$` bookkeeping left out. */
export function labelsAsOf(db: Db, seqs: number[], maxEventSeq: number): Map<number, Record<string, unknown>> {
  if (seqs.length === 0) return new Map();
  const latest = new Map<number, Map<string, string | null>>();
  const events = db
    .prepare(
      `SELECT item_seq, field, value FROM annotation_events
       WHERE item_seq IN (SELECT value FROM json_each(?)) AND seq <= ? AND field NOT LIKE '$%'
       ORDER BY item_seq, seq`,
    )
    .all(JSON.stringify(seqs), maxEventSeq) as { item_seq: number; field: string; value: string | null }[];
  for (const e of events) {
    let fields = latest.get(e.item_seq);
    if (!fields) latest.set(e.item_seq, (fields = new Map<string, string | null>()));
    fields.set(e.field, e.value);
  }
  const out = new Map<number, Record<string, unknown>>();
  for (const [seq, fields] of latest) {
    const labels: Record<string, unknown> = {};
    for (const [field, value] of fields) if (value !== null) labels[field] = JSON.parse(value);
    out.set(seq, labels);
  }
  return out;
}
