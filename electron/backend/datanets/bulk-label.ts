import { setImmediate as nextTurn } from 'node:timers/promises';
import { conflict } from '../../../shared/api/errors';
import type { ItemSort, PositionRange } from '../../../shared/api/schemas/browse';
import type { Datanet, ItemFilter } from '../../../shared/api/schemas/datanets';
import type { Job } from '../../../shared/api/schemas/jobs';
import type { JobRunner } from '../jobs/runner';
import { validateAnnotation } from './annotations';
import type { Browse } from './browse';
import type { DatanetService } from './service';
import { counted } from '../../../shared/format';

/** Items written per transaction; between batches the backend answers other calls. */
const BATCH = 500;

export interface BulkSet {
  filter: ItemFilter;
  sort: ItemSort;
  ranges: readonly PositionRange[];
  expectTotal: number;
  field: string;
  value: unknown;
}

/**
 * Sets one field to one value on position ranges of a filtered list, as a job. Each item gets an
 * ordinary annotation event (so history and undo work per item); an item that already has the
 * value gets none. The items are resolved before the first write: labeling them may move them
 * out of the filter, which would shift every later position.
 */
export function startBulkSet(s: DatanetService, jobs: JobRunner, browse: Browse, datanet: Datanet, input: BulkSet): Job {
  const value = validateAnnotation(datanet.schema, input.field, input.value);
  const total = browse.total(datanet.id, input.filter);
  if (total !== input.expectTotal) {
    throw conflict(`The list changed since the selection was made (${input.expectTotal} items then, ${total} now); select again.`);
  }
  const selected = input.ranges.reduce((n, r) => n + Math.max(0, Math.min(r.to, total) - r.from), 0);
  const shown = value === null ? 'cleared' : `= ${JSON.stringify(value)}`;
  const currentStmt = s.db.prepare('SELECT value FROM labels WHERE item_seq = ? AND field = ?').pluck();
  const json = value === null ? null : JSON.stringify(value);

  return jobs.start(
    { kind: 'annotations.bulk', title: `Label ${selected.toLocaleString('en-US')} items of ${datanet.name}: ${input.field} ${shown}`, unit: 'items', total: selected },
    async (job) => {
      job.progress({ done: 0, detail: 'Finding the selected items' });
      const seqs = browse.seqsAt(datanet.id, input.filter, input.sort, input.ranges);
      let changed = 0;
      let unchanged = 0;
      const writeBatch = s.db.transaction((batch: number[]) => {
        for (const itemSeq of batch) {
          if (((currentStmt.get(itemSeq, input.field) as string | undefined) ?? null) === json) {
            unchanged++;
            continue;
          }
          s.annotations.record({ itemSeq, datanetId: datanet.id }, input.field, value, s.author, 'set');
          changed++;
        }
      });
      for (let i = 0; i < seqs.length; i += BATCH) {
        job.signal.throwIfAborted();
        writeBatch(seqs.slice(i, i + BATCH));
        job.progress({ done: i + Math.min(BATCH, seqs.length - i), detail: null, counts: { changed, unchanged } });
        await nextTurn();
      }
      return `${counted(changed, 'item')} labeled${unchanged ? `, ${unchanged.toLocaleString('en-US')} already had that value` : ''}`;
    },
  );
}
