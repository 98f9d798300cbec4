import { labelColumns, PAIR_PARTS } from '../../export/hf';
import type { LabelSchema } from '../../../../../shared/datanets/schema';
import type { ImportedAnnotation, ReadOptions } from '../types';
import { isPlainObject, type LineResult } from './json-lines';
import type { ImageContent } from './image-content';
import { imageRefOf, storeImageRef } from './record-image';
import { annotationFor, isItemId, mapRecord } from './record-mapping';

/**
 * One JSON object of a JSON-lines file as an item: keys mapped by the rules of `mapRecord`, the
 * image from the `image` key when it holds `{file}` (see `recordImage`; a path string too when
 * `map.image` names the key).
 *
 * Rows our exporters wrote — an `id` that is one of our item ids — are read by their exporter's
 * layout: the JSONL export's (labels nested in `labels`) or, without a `labels` object, the HF
 * folder's (one column per label field, an instruction pair spread over three columns, gathered
 * back here with the exporter's own `labelColumns`). Both the JSONL and the HF reader read such
 * rows with this function, so either format reads either export.
 */
const NONE: readonly never[] = [];
const TYPED = { typed: true } as const;

export function jsonRecordItem(record: Record<string, unknown>, line: number, file: string, options: ReadOptions): LineResult | Promise<LineResult> {
  const exported = isItemId(record.id);
  const pairs = exported && !isPlainObject(record.labels) ? pairColumns(record, options.schema) : { rest: record, annotations: NONE, problems: NONE };
  const taken = imageRefOf(pairs.rest, { key: options.map.image ?? 'image', paths: options.map.image !== undefined });
  if ('reason' in taken) return { item: null, problems: [...pairs.problems, taken.reason] };

  const finish = (image: ImageContent | null, imageProblems: readonly string[]): LineResult => {
    const problems = pairs.problems.length + imageProblems.length === 0 ? [] : [...pairs.problems, ...imageProblems];
    const mapped = mapRecord(taken.rest, { map: options.map, schema: options.schema, text: image ? 'optional' : 'required', labels: true, exported: exported ? TYPED : null });
    if (!mapped.ok) return { item: null, problems: [...problems, mapped.reason] };
    const annotations = pairs.annotations.length === 0 ? mapped.annotations : [...mapped.annotations, ...pairs.annotations];
    return {
      item: { content: { text: mapped.text, fields: mapped.fields, image }, source: { path: file, line }, annotations },
      problems: problems.length === 0 ? mapped.problems : [...problems, ...mapped.problems],
    };
  };
  if (taken.ref === null) return finish(null, NONE);
  return storeImageRef(taken.ref, taken.cid, file, options).then((stored) =>
    'reason' in stored ? { item: null, problems: [...pairs.problems, stored.reason] } : finish(stored.image, stored.problems),
  );
}

/** An HF export row's instruction pairs, from their columns (all null: unlabeled), and the row without those columns. */
function pairColumns(record: Record<string, unknown>, schema: LabelSchema): { rest: Record<string, unknown>; annotations: ImportedAnnotation[]; problems: string[] } {
  const annotations: ImportedAnnotation[] = [];
  const problems: string[] = [];
  const taken = new Set<string>();
  for (const { field, columns } of labelColumns(schema)) {
    if (field.kind !== 'instruction_pair') continue;
    const parts = columns.map((c) => (Object.hasOwn(record, c) ? record[c] : undefined));
    for (const c of columns) taken.add(c);
    if (parts.every((v) => v === undefined || v === null)) continue;
    const value = Object.fromEntries(PAIR_PARTS.flatMap((part, i) => (parts[i] === undefined || parts[i] === null ? [] : [[part, parts[i]]])));
    const result = annotationFor(field, value, null, `the columns ${columns.join(', ')}`);
    if ('annotation' in result) annotations.push(result.annotation);
    else problems.push(result.problem);
  }
  // fromEntries, not `{...record}` and delete: a key may be `__proto__`, which must stay an own property.
  const rest = taken.size === 0 ? record : Object.fromEntries(Object.entries(record).filter(([k]) => !taken.has(k)));
  return { rest, annotations, problems };
}
