import { DatanetName, License } from '../../../shared/api/schemas/datanets';
import { LabelField, type LabelFieldKind, type LabelSchema } from '../../../shared/datanets/schema';
import { asSentence } from '../../sentence';

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
  /** The rating's highest value; null while its input is empty. */
  max: number | null;
}

/** The range the rating's highest value must lie in (LabelField's rating `max`). */
export const RATING_MAX_RANGE = { from: 2, to: 10 } as const;

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
      // NaN for an empty input: refused, by the same check as any other bad value.
      return { kind: 'rating', name, max: d.max ?? Number.NaN };
  }
}

/** What is sent to datanets.create; the backend checks it and names the field that is wrong. */
export function toSchema(fields: readonly DraftField[]): LabelSchema {
  return { fields: fields.map(toField) };
}

/**
 * The fields the preview can draw: named (each name once), with a label where the kind needs
 * labels (each label once), and a rating's scale brought into its 2–10 range (none while empty).
 */
export function previewSchema(fields: readonly DraftField[]): LabelSchema {
  const seen = new Set<string>();
  const shown: LabelField[] = [];
  for (const d of fields) {
    const name = d.name.trim();
    if (name === '' || seen.has(name)) continue;
    if (kindInfo(d.kind).hasLabels && labelsOf(d).length === 0) continue;
    if (d.kind === 'rating' && (d.max === null || !Number.isFinite(d.max))) continue;
    seen.add(name);
    const field = toField(d);
    if (field.kind === 'rating') {
      const { from, to } = RATING_MAX_RANGE;
      shown.push({ ...field, max: Math.min(to, Math.max(from, Math.round(field.max))) });
    } else if ('labels' in field) {
      shown.push({ ...field, labels: [...new Set(field.labels)] });
    } else {
      shown.push(field);
    }
  }
  return { fields: shown };
}

export function moveField(fields: readonly DraftField[], index: number, by: -1 | 1): DraftField[] {
  const to = index + by;
  if (to < 0 || to >= fields.length) return [...fields];
  const next = [...fields];
  [next[index], next[to]] = [next[to]!, next[index]!];
  return next;
}

/** The input of a builder field that a problem is about. */
export type FieldInput = 'name' | 'labels' | 'max';

/** What is wrong with a builder field, in a sentence, and which of its inputs it is about. */
export interface FieldProblem {
  readonly input: FieldInput;
  readonly message: string;
}

const INPUT_ORDER: readonly FieldInput[] = ['name', 'labels', 'max'];
const LABEL_LIMIT = 100;
const LABELS_LIMIT = 500;
const FIELDS_LIMIT = 50;
const NAME_LIMIT = 64;


function quoted(text: string): string {
  return `“${text.length > 40 ? `${text.slice(0, 39)}…` : text}”`;
}

function repeated(values: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) return v;
    seen.add(v);
  }
  return undefined;
}

const COUNT_WORDS = ['', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine', 'Ten'];

/**
 * A problem with one field in the user's words. `rest` is the path inside the field
 * (`['labels', '2']`), `fallback` the checker's own message, used only where nothing says it better.
 */
function fieldSentence(rest: readonly string[], field: DraftField | undefined, fallback: string): FieldProblem {
  const [part, sub] = rest;
  if (part === 'max') {
    const { from, to } = RATING_MAX_RANGE;
    return { input: 'max', message: `Highest rating must be a whole number from ${from} to ${to}.` };
  }
  if (part === 'labels') {
    const labels = field ? labelsOf(field) : [];
    const label = sub === undefined ? undefined : labels[Number(sub)];
    if (label !== undefined && label.length > LABEL_LIMIT) {
      return { input: 'labels', message: `The label ${quoted(label)} is too long: a label has at most ${LABEL_LIMIT} characters.` };
    }
    if (labels.length === 0) return { input: 'labels', message: 'Add at least one label.' };
    const twice = repeated(labels);
    if (twice !== undefined) return { input: 'labels', message: `${quoted(twice)} is listed more than once; each label must be different.` };
    if (labels.length > LABELS_LIMIT) return { input: 'labels', message: `A field has at most ${LABELS_LIMIT} labels; this one has ${labels.length}.` };
    return { input: 'labels', message: asSentence(fallback) };
  }
  if (part === 'name') {
    const name = field?.name.trim() ?? '';
    if (name === '') return { input: 'name', message: 'Give this field a name.' };
    if (name.length > NAME_LIMIT) return { input: 'name', message: `A field name has at most ${NAME_LIMIT} characters; this one has ${name.length}.` };
    return { input: 'name', message: `${quoted(name)} can’t be a field name: start with a letter or _, then use only letters, digits, _ and -.` };
  }
  return { input: 'name', message: asSentence(fallback) };
}

/** The fields that share a name with another, by index, with the sentence that says so. */
function sameNames(fields: readonly DraftField[]): Map<number, FieldProblem> {
  const byName = new Map<string, number[]>();
  fields.forEach((f, i) => {
    const name = f.name.trim();
    if (name !== '') byName.set(name, [...(byName.get(name) ?? []), i]);
  });
  const problems = new Map<number, FieldProblem>();
  for (const [name, indexes] of byName) {
    if (indexes.length < 2) continue;
    const count = COUNT_WORDS[indexes.length] ?? String(indexes.length);
    const message = `${count} fields are named ${quoted(name)}; each field needs its own name.`;
    for (const i of indexes) problems.set(i, { input: 'name', message });
  }
  return problems;
}

/** What the builder checks before sending: per field, its problems (at most one per input, in the inputs' order), and any about the list as a whole. */
export interface SchemaCheck {
  readonly fields: ReadonlyMap<number, readonly FieldProblem[]>;
  readonly schema: string | undefined;
}

/**
 * The builder's fields checked by the backend's own rules (LabelField), plus the one it checks
 * across fields (each name once), said as sentences: every field's problems at once, where the
 * backend stops at its first.
 */
export function checkFields(fields: readonly DraftField[]): SchemaCheck {
  const found = new Map<number, FieldProblem[]>();
  const addProblem = (index: number, problem: FieldProblem) => {
    const list = found.get(index) ?? [];
    if (!list.some((p) => p.input === problem.input)) list.push(problem);
    found.set(index, list);
  };
  fields.forEach((d, index) => {
    const result = LabelField.safeParse(toField(d));
    if (result.success) return;
    for (const issue of result.error.issues) addProblem(index, fieldSentence(issue.path.map(String), d, issue.message));
  });
  for (const [index, problem] of sameNames(fields)) addProblem(index, problem);
  for (const list of found.values()) list.sort((a, b) => INPUT_ORDER.indexOf(a.input) - INPUT_ORDER.indexOf(b.input));
  const schema =
    fields.length === 0 ? 'Add at least one field.' : fields.length > FIELDS_LIMIT ? `A datanet has at most ${FIELDS_LIMIT} fields; this one has ${fields.length}.` : undefined;
  return { fields: found, schema };
}

/** Where an invalid_input error's field path (`schema.fields.2.labels.1`) points in the dialog, and what it says there. */
export type PlacedError =
  | { place: 'fields'; problems: ReadonlyMap<number, FieldProblem> }
  | { place: 'form'; input: 'name' | 'description' | 'license' | 'labelStudioConfig' | 'schema'; message: string };

/**
 * The backend's invalid_input error placed on the dialog. Its message is `<path> <what zod
 * said>`; one about a builder field is said again as a sentence about that field as it is now.
 */
export function placeError(path: string, message: string, fields: readonly DraftField[]): PlacedError {
  const said = message.startsWith(`${path} `) ? message.slice(path.length + 1) : message;
  const m = /^schema\.fields\.(\d+)(?:\.(.*))?$/.exec(path);
  if (m) {
    const index = Number(m[1]);
    return { place: 'fields', problems: new Map([[index, fieldSentence(m[2]?.split('.') ?? [], fields[index], said)]]) };
  }
  if (path === 'schema.fields') {
    const same = sameNames(fields);
    if (same.size > 0) return { place: 'fields', problems: same };
    const whole = checkFields(fields).schema;
    return { place: 'form', input: 'schema', message: whole ?? asSentence(said) };
  }
  const top = path.split('.')[0];
  // The backend says "license must be an SPDX license id…"; beside the field that reads "The license must be …".
  if (top === 'name' || top === 'description' || top === 'license') return { place: 'form', input: top, message: asSentence(`the ${top} ${said}`) };
  if (top === 'labelStudioConfig') return { place: 'form', input: top, message };
  return { place: 'form', input: 'schema', message };
}

/**
 * The datanet's name and license checked by the backend's own rules, each problem as a sentence
 * beside its field: with the builder's checks, every problem of the form is shown at once, not
 * one per round trip.
 */
export function factProblems(facts: { name: string; license: string }): { name?: string; license?: string } {
  const name = DatanetName.safeParse(facts.name);
  const license = License.safeParse(facts.license);
  return {
    ...(name.success ? {} : { name: asSentence(`the name ${name.error.issues[0]!.message}`) }),
    ...(license.success ? {} : { license: asSentence(`the license ${license.error.issues[0]!.message}`) }),
  };
}
