import type { z } from 'zod';
import { ChatMessage, type ItemContent } from '../../../../../shared/datanets/item';
import { fieldValidator, type LabelField, type LabelSchema } from '../../../../../shared/datanets/schema';
import { fieldNameOf } from '../../export/output';
import type { ImportedAnnotation } from '../types';
import { isPlainObject } from './json-lines';

/**
 * How a flat record (a JSONL object, a CSV row, a Label Studio task's `data`) becomes an item.
 *
 * Text — `map.text` names the key; without it the key `text`; without that (when the text is
 * required) the first key, in the record's order, whose value is a string (for CSV: the first
 * column). A record without a non-blank text is refused (an item needs something to show and search).
 *
 * Labels — a key becomes an annotation of a schema field when `map` names that field as a target
 * (`--map sentiment=label`); else, when the record has a nested `labels` object whose keys are all
 * schema fields (our JSONL export's shape), from there; else, with no map entry for the field,
 * when the key has the field's own name. An empty value (missing, null, "") is "unlabeled", not an
 * error. A string is first read as the field's kind needs: a number for a rating, `a|b` or a JSON
 * array for multiple choice, JSON for spans, boxes and instruction pairs. A value the field does
 * not accept is reported as a problem and the item is still imported, without that label: the
 * content is good and fixing the label later is an edit, whereas dropping the item would lose it.
 *
 * Fields — other map targets rename a key (`--map title=headline`); every other key is kept under
 * its own name. Scalars stay as they are, and so does a chat (a non-empty array of
 * `{role, content}` messages, the one nested value an item field holds); anything else nested is
 * stored as JSON text. `text` as a target always means the item's text, never a schema field.
 * An `id` that is one of our item ids (`it_` and 24 hex digits) is not kept: item ids are derived
 * from the content, so the importing datanet gives the item its own; any other `id` is a field.
 *
 * Rows our exporters wrote (`exported`: the reader recognised one by an item id in its `id`, or in
 * a Label Studio task's `meta.item_id`) are read by
 * the layout the exporter documents: a `labels` object is the labels even when it holds a key the
 * schema lacks (reported), keys `field.<name>` are the content field `<name>` (the exporters'
 * renaming, see export/output.ts `fieldKey`), and in JSON only null is unlabeled (an empty free
 * text is a label), while in CSV, where every cell is text, an empty cell is no value at all: no
 * label, and no content field either.
 */
export interface MapSettings {
  map: Readonly<Record<string, string>>;
  schema: LabelSchema;
  /** required: find a text or refuse; optional: `map.text` or `text` if present, else ''; none: the caller sets it. */
  text: 'required' | 'optional' | 'none';
  /** Whether keys may become annotations (off for Label Studio `data`, whose labels are results). */
  labels: boolean;
  /** Set for a row one of our exporters wrote; `typed`: its values are JSON (not CSV text). */
  exported?: { typed: boolean } | null;
}

/** Our item ids (items.ts `itemIdFor`): an `id` like this in an imported record is one of our exports' rows. */
const ITEM_ID = /^it_[0-9a-f]{24}$/;

export function isItemId(v: unknown): boolean {
  return typeof v === 'string' && ITEM_ID.test(v);
}

export type Fields = ItemContent['fields'];

export type MappedRecord =
  | { ok: true; text: string; fields: Fields; annotations: ImportedAnnotation[]; problems: string[] }
  | { ok: false; reason: string };

type Scalar = string | number | boolean | null;

function isScalar(v: unknown): v is Scalar {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function isChat(v: unknown): v is ChatMessage[] {
  return Array.isArray(v) && v.length > 0 && v.every((m) => ChatMessage.safeParse(m).success);
}

/** A record's value as an item field: scalars and chats as they are, anything else nested as JSON text. */
export function toFieldValue(v: unknown): Fields[string] {
  return isScalar(v) || isChat(v) ? v : JSON.stringify(v);
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

function isNullish(v: unknown): boolean {
  return v === undefined || v === null;
}

/** "must be one of: a, b (got "c")": the first issue of a failed parse, on one line. */
export function describeInvalid(error: z.ZodError, got: unknown): string {
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  const shown = JSON.stringify(got);
  return `${where}${issue?.message ?? 'invalid value'} (got ${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown})`;
}

/** Validates a value for a schema field: an annotation, or the problem a person reads. */
export function annotationFor(field: LabelField, value: unknown, author: string | null, from: string): { annotation: ImportedAnnotation } | { problem: string } {
  const parsed = fieldValidator(field).safeParse(value);
  if (parsed.success) return { annotation: { field: field.name, value: parsed.data, author } };
  return { problem: `label '${field.name}' (from ${from}): ${describeInvalid(parsed.error, value)}; imported without this label` };
}

/**
 * A nested `labels` object to read labels from, or null: always in our exported rows (a key the
 * schema lacks is then reported), else only when it is non-empty and every key is a schema field,
 * so a user's `labels` key of another shape stays a content field.
 */
function nestedLabels(record: Readonly<Record<string, unknown>>, settings: MapSettings, mapSources: ReadonlySet<string>): Record<string, unknown> | null {
  const nested = own(record, 'labels');
  if (!settings.labels || mapSources.has('labels') || !isPlainObject(nested)) return null;
  if (settings.exported) return nested;
  const keys = Object.keys(nested);
  return keys.length > 0 && keys.every((k) => settings.schema.fields.some((f) => f.name === k)) ? nested : null;
}

export function mapRecord(record: Readonly<Record<string, unknown>>, settings: MapSettings): MappedRecord {
  const { map, schema, exported } = settings;
  const consumed = new Set<string>();
  const mapSources = new Set(Object.values(map));
  if (isItemId(own(record, 'id')) && !mapSources.has('id')) consumed.add('id');
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
  // Our JSON rows keep null for "unlabeled", so an empty or blank free text is a label there.
  const unlabeled = exported?.typed ? isNullish : isEmpty;
  if (settings.labels) {
    const nested = nestedLabels(record, settings, mapSources);
    if (nested) {
      consumed.add('labels');
      for (const name of Object.keys(nested)) {
        if (!schemaNames.has(name)) problems.push(`label '${name}' (from 'labels'): the datanet's schema has no field '${name}'; skipped`);
      }
    }
    for (const field of schema.fields) {
      let raw: unknown;
      let source: string; // where the value was, as a problem names it
      if (map[field.name] === undefined && nested) {
        // A record that carries its labels nested takes them from there only; a top-level key of the same name stays a content field.
        raw = own(nested, field.name);
        source = `labels.${field.name}`;
      } else {
        if (field.name === 'text') continue;
        const key = map[field.name] ?? (Object.hasOwn(record, field.name) && !mapSources.has(field.name) && !consumed.has(field.name) ? field.name : undefined);
        if (key === undefined) continue;
        consumed.add(key);
        raw = own(record, key);
        source = key;
      }
      if (unlabeled(raw)) continue;
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
    if (consumed.has(key)) continue;
    // In our CSV an empty cell is no value: the column of a field other items have, or a null.
    if (exported && !exported.typed && value === '') continue;
    const name = exported ? fieldNameOf(key) : key;
    if (Object.hasOwn(fields, name)) continue;
    setField(fields, name, toFieldValue(value));
  }
  return { ok: true, text, fields, annotations, problems };
}
