/**
 * What of a version record a span index holds: the texts an output could have been drawn from.
 * The item's own text, then, field by field in name order, each label value that is text: a
 * string (free text, a choice's label), or the strings of an object (an instruction pair's
 * system, prompt and response). Numbers, booleans and image boxes are not text an output copies.
 * A label text found verbatim in the item's text is not indexed twice (an imported instruction
 * record's text is its prompt and response already; a second copy would double the index).
 * Each text is tokenized on its own, without special tokens, and is a segment of the record's
 * stream, so no span runs from one into the next (engine/attribution/span-index-format.ts).
 */
import type { FrozenRecord } from '../training/version-records';

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap((v) => (typeof v === 'string' ? [v] : []));
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap((v) => (typeof v === 'string' ? [v] : []));
  return [];
}

/** The record's texts, empty ones left out. */
export function recordTexts(record: FrozenRecord): string[] {
  const text = record.content.text;
  const labels = Object.keys(record.labels)
    .sort()
    .flatMap((field) => stringsOf(record.labels[field]))
    .filter((s) => !text.includes(s));
  return [text, ...labels].filter((t) => t.trim() !== '');
}
