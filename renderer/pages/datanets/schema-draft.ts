import type { LabelField, LabelFieldKind, LabelSchema } from '../../../shared/datanets/schema';

/**
 * The schema builder's working copy of one field. It keeps what the user typed for every kind
 * (labels, the rating's maximum) even while another kind is picked, so switching kinds back and
 * forth loses nothing; `toSchema` keeps only what the picked kind takes.
 */
export interface DraftField {
  /** Stable across renames and moves: React's key and the ids of the field's inputs. */
  readonly key: string;
  name: string;
  kind: LabelFieldKind;
  /** One label per line, as typed. */
  labelsText: string;
  max: number;
}

export interface KindInfo {
  readonly kind: LabelFieldKind;
  readonly title: string;
  readonly hint: string;
  readonly hasLabels: boolean;
}

/** In the order the kind picker lists them. */
export const KINDS: readonly KindInfo[] = [
  { kind: 'single_choice', title: 'Single choice', hint: 'One label per item (keys 1–9 pick it).', hasLabels: true },
  { kind: 'multiple_choice', title: 'Multiple choice', hint: 'Any number of labels per item.', hasLabels: true },
  { kind: 'text_spans', title: 'Text spans', hint: 'Mark parts of the text with a label.', hasLabels: true },
  { kind: 'instruction_pair', title: 'Instruction / response', hint: 'A prompt and the response to it.', hasLabels: false },
  { kind: 'free_text', title: 'Free text', hint: 'A note or a transcription.', hasLabels: false },
  { kind: 'rating', title: 'Rating', hint: 'A score from 1 to a maximum.', hasLabels: false },
  { kind: 'image_class', title: 'Image class', hint: 'One label for the whole image.', hasLabels: true },
  { kind: 'image_boxes', title: 'Image bounding boxes', hint: 'Boxes drawn on the image, each with a label.', hasLabels: true },
];

export function kindInfo(kind: LabelFieldKind): KindInfo {
  return KINDS.find((k) => k.kind === kind) ?? KINDS[0]!;
}

let nextKey = 0;

export function newDraftField(existing: readonly DraftField[], kind: LabelFieldKind = 'single_choice'): DraftField {
  const taken = new Set(existing.map((f) => f.name));
  let n = existing.length + 1;
  while (taken.has(`field_${n}`)) n++;
  return { key: `f${Date.now().toString(36)}_${nextKey++}`, name: `field_${n}`, kind, labelsText: '', max: 5 };
}

export function labelsOf(field: DraftField): string[] {
  return field.labelsText
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function toField(d: DraftField): LabelField {
  const name = d.name.trim();
  switch (d.kind) {
    case 'single_choice':
    case 'multiple_choice':
    case 'text_spans':
    case 'image_class':
    case 'image_boxes':
      return { kind: d.kind, name, labels: labelsOf(d) };
    case 'instruction_pair':
    case 'free_text':
      return { kind: d.kind, name };
    case 'rating':
      return { kind: 'rating', name, max: d.max };
  }
}

/** What is sent to datanets.create; the backend checks it and names the field that is wrong. */
export function toSchema(fields: readonly DraftField[]): LabelSchema {
  return { fields: fields.map(toField) };
}

/** The fields the preview can draw: named, and with a label where the kind needs labels. */
export function previewSchema(fields: readonly DraftField[]): LabelSchema {
  return toSchema(fields.filter((f) => f.name.trim() !== '' && (!kindInfo(f.kind).hasLabels || labelsOf(f).length > 0)));
}

export function moveField(fields: readonly DraftField[], index: number, by: -1 | 1): DraftField[] {
  const to = index + by;
  if (to < 0 || to >= fields.length) return [...fields];
  const next = [...fields];
  [next[index], next[to]] = [next[to]!, next[index]!];
  return next;
}

/** Where an invalid_input error's field path (`schema.fields.2.labels.1`) points in the builder. */
export type ErrorTarget =
  | { place: 'field'; index: number }
  | { place: 'form'; input: 'name' | 'description' | 'license' | 'labelStudioConfig' | 'schema' };

export function errorTarget(field: string): ErrorTarget {
  const m = /^schema\.fields\.(\d+)(?:\.|$)/.exec(field);
  if (m) return { place: 'field', index: Number(m[1]) };
  const top = field.split('.')[0];
  if (top === 'name' || top === 'description' || top === 'license' || top === 'labelStudioConfig') return { place: 'form', input: top };
  return { place: 'form', input: 'schema' };
}
