import type { z } from 'zod';
import type { ItemContent } from '../../../../../shared/datanets/item';
import { fieldValue, type LabelField, type LabelSchema } from '../../../../../shared/datanets/schema';
import type { ImportedAnnotation } from '../types';

/**
 * How a flat record (a JSONL object, a CSV row, a Label Studio task's `data`) becomes an item.
 *
 * Text — `map.text` names the key; without it the key `text`; without that (when the text is
 * required) the first key, in the record's order, whose value is a string (for CSV: the first
 * column). A record without a non-blank text is refused (an item needs something to show and search).
 *
 * Labels — a key becomes an annotation of a schema field when `map` names that field as a target
 * (`--map sentiment=label`), or, with no map entry for the field, when the key has the field's own
 * name. An empty value (missing, null, "") is "unlabeled", not an error. A string is first read as
 * the field's kind needs: a number for a rating, `a|b` or a JSON array for multiple choice, JSON
 * for spans, boxes and instruction pairs. A value the field does not accept is reported as a
 * problem and the item is still imported, without that label: the content is good and fixing the
 * label later is an edit, whereas dropping the item would lose it.
 *
 * Fields — other map targets rename a key (`--map title=headline`); every other key is kept under
 * its own name. Scalars stay as they are; nested objects and arrays are stored as JSON text.
 * `text` as a target always means the item's text, never a schema field.
 */
export interface MapSettings {
  map: Readonly<Record<string, string>>;
  schema: LabelSchema;
  /** required: find a text or refuse; optional: `map.text` or `text` if present, else ''; none: the caller sets it. */
  text: 'required' | 'optional' | 'none';
  /** Whether keys may become annotations (off for Label Studio `data`, whose labels are results). */
  labels: boolean;
}

export type Fields = ItemContent['fields'];

export type MappedRecord =
  | { ok: true; text: string; fields: Fields; annotations: ImportedAnnotation[]; problems: string[] }
  | { ok: false; reason: string };

type Scalar = string | number | boolean | null;

function isScalar(v: unknown): v is Scalar {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** A record's value as an item field: scalars as they are, anything nested as JSON text. */
export function toFieldValue(v: unknown): Scalar {
  return isScalar(v) ? v : JSON.stringify(v);
}

/** A record's own value for a key (never something inherited, such as `constructor`). */
function own(record: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Sets a field even when its name is `__proto__` (a key JSON allows): an own property, never the prototype. */
export function setField(fields: Fields, key: string, value: Fields[string]): void {
  Object.defineProperty(fields, key, { value, enumerable: true, writable: true, configurable: true });
}

function pickText(record: Readonly<Record<string, unknown>>, settings: MapSettings, consumed: Set<string>): { text: string } | { reason: string } {
  const named = settings.map.text;
  if (named !== undefined) {
    consumed.add(named);
    const v = own(record, named);
    if (v === undefined || v === null) return settings.text === 'required' ? { reason: `no value for '${named}' (the text, named by the map text=${named})` } : { text: '' };
    if (!isScalar(v)) return { reason: `'${named}' holds ${Array.isArray(v) ? 'an array' : 'an object'}, not text` };
    return { text: String(v) };
  }
  const plain = own(record, 'text');
  if (isScalar(plain) && plain !== null) {
    consumed.add('text');
    return { text: String(plain) };
  }
  if (settings.text === 'optional') return { text: '' };
  const key = Object.keys(record).find((k) => typeof record[k] === 'string');
  if (key === undefined) return { reason: "no text: the record has no string value; name the text's key with a map text=KEY" };
  consumed.add(key);
  return { text: record[key] as string };
}

function parseJsonOr(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw; // the field's schema then says what was expected
  }
}

/** Reads a raw value the way the field's kind needs it (a CSV cell is always a string). */
export function coerceForField(field: LabelField, raw: unknown): unknown {
  switch (field.kind) {
    case 'single_choice':
    case 'image_class':
      return isScalar(raw) && raw !== null ? String(raw).trim() : raw;
    case 'free_text':
      return isScalar(raw) && raw !== null ? String(raw) : raw;
    case 'rating': {
      if (typeof raw !== 'string') return raw;
      const n = Number(raw.trim());
      return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
    }
    case 'multiple_choice': {
      if (typeof raw !== 'string') return raw;
      if (raw.trim().startsWith('[')) return parseJsonOr(raw);
      return raw.split('|').map((s) => s.trim()).filter((s) => s !== '');
    }
    case 'text_spans':
    case 'image_boxes':
    case 'instruction_pair':
      return typeof raw === 'string' ? parseJsonOr(raw) : raw;
  }
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/** "must be one of: a, b (got "c")": the first issue of a failed parse, on one line. */
export function describeInvalid(error: z.ZodError, got: unknown): string {
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  const shown = JSON.stringify(got);
  return `${where}${issue?.message ?? 'invalid value'} (got ${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown})`;
}

// Building a zod schema costs far more than using one: one validator per field object, not per line.
const validators = new WeakMap<LabelField, z.ZodType>();
function validatorOf(field: LabelField): z.ZodType {
  let validator = validators.get(field);
  if (!validator) {
    validator = fieldValue(field);
    validators.set(field, validator);
  }
  return validator;
}

/** Validates a value for a schema field: an annotation, or the problem a person reads. */
export function annotationFor(field: LabelField, value: unknown, author: string | null, from: string): { annotation: ImportedAnnotation } | { problem: string } {
  const parsed = validatorOf(field).safeParse(value);
  if (parsed.success) return { annotation: { field: field.name, value: parsed.data, author } };
  return { problem: `label '${field.name}' (from ${from}): ${describeInvalid(parsed.error, value)}; imported without this label` };
}

export function mapRecord(record: Readonly<Record<string, unknown>>, settings: MapSettings): MappedRecord {
  const { map, schema } = settings;
  const consumed = new Set<string>();
  let text = '';
  if (settings.text !== 'none') {
    const picked = pickText(record, settings, consumed);
    if ('reason' in picked) return { ok: false, reason: picked.reason };
    text = picked.text;
    if (settings.text === 'required' && text.trim() === '') return { ok: false, reason: 'the text is empty' };
  }

  const annotations: ImportedAnnotation[] = [];
  const problems: string[] = [];
  const schemaNames = new Set(schema.fields.map((f) => f.name));
  if (settings.labels) {
    const mapSources = new Set(Object.values(map));
    for (const field of schema.fields) {
      if (field.name === 'text') continue;
      const source = map[field.name] ?? (Object.hasOwn(record, field.name) && !mapSources.has(field.name) && !consumed.has(field.name) ? field.name : undefined);
      if (source === undefined) continue;
      consumed.add(source);
      const raw = own(record, source);
      if (isEmpty(raw)) continue;
      const result = annotationFor(field, coerceForField(field, raw), null, `'${source}'`);
      if ('annotation' in result) annotations.push(result.annotation);
      else problems.push(result.problem);
    }
  }

  const fields: Fields = {};
  for (const [target, source] of Object.entries(map)) {
    if (target === 'text' || (settings.labels && schemaNames.has(target))) continue;
    consumed.add(source);
    if (Object.hasOwn(record, source)) setField(fields, target, toFieldValue(own(record, source)));
  }
  for (const [key, value] of Object.entries(record)) {
    if (consumed.has(key) || Object.hasOwn(fields, key)) continue;
    setField(fields, key, toFieldValue(value));
  }
  return { ok: true, text, fields, annotations, problems };
}
