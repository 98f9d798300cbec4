import { findField, type LabelField, type LabelFieldKind, type LabelSchema } from '../../../../../shared/datanets/schema';
import type { ImportedAnnotation } from '../types';
import { isPlainObject } from './json-lines';
import { annotationFor } from './record-mapping';

/**
 * A Label Studio task's annotations as ours. Each result names its control (`from_name`), which
 * must be a schema field of a kind the result type fits:
 *   choices → single_choice, image_class (exactly one choice), multiple_choice
 *   labels → text_spans {start, end, label}, one span per label of the region
 *   textarea → free_text (the region's lines joined with newlines)
 *   rectanglelabels → image_boxes {x, y, width, height, label} in percent (rotated boxes are refused)
 *   rating → rating
 * Within one annotation the results of one control are gathered (every span, every box); across
 * the task's annotations the LAST one (in the export's order) that has results for a control gives
 * that control's value. Cancelled annotations (`was_cancelled`) and model `predictions` are not
 * labels and are skipped; `completions` (older exports) is read like `annotations`. A result that
 * fits nothing is reported and skipped; the task's item is still imported.
 *
 * Label Studio has no control for an instruction pair, so our exporter keeps pairs in the task's
 * `meta.instruction_pair` (`{<field>: {system, prompt, response}}`), which Label Studio carries
 * through its own import and export: they are read back from there, for instruction_pair fields.
 */
const FITS: Record<string, readonly LabelFieldKind[]> = {
  choices: ['single_choice', 'multiple_choice', 'image_class'],
  labels: ['text_spans'],
  textarea: ['free_text'],
  rectanglelabels: ['image_boxes'],
  rating: ['rating'],
};

type Pieces = { field: LabelField; items: unknown[] };

function authorOf(completedBy: unknown): string | null {
  if (typeof completedBy === 'number' || typeof completedBy === 'string') return String(completedBy);
  if (isPlainObject(completedBy)) {
    if (typeof completedBy.email === 'string') return completedBy.email;
    if (typeof completedBy.id === 'number' || typeof completedBy.id === 'string') return String(completedBy.id);
  }
  return null;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/** The pieces of value one result contributes, or why it cannot. */
function piecesOf(type: string, value: Record<string, unknown>): unknown[] | string {
  switch (type) {
    case 'choices':
      return strings(value.choices);
    case 'textarea':
      return strings(value.text);
    case 'rating':
      return [value.rating];
    case 'labels': {
      const { start, end } = value;
      if (typeof start !== 'number' || typeof end !== 'number') return 'span offsets are not character offsets (HTML/XPath spans are not supported)';
      return strings(value.labels).map((label) => ({ start, end, label }));
    }
    case 'rectanglelabels': {
      const { x, y, width, height, rotation } = value;
      if (typeof rotation === 'number' && rotation !== 0) return `a box rotated by ${rotation}°; only upright boxes are supported`;
      return strings(value.rectanglelabels).map((label) => ({ x, y, width, height, label }));
    }
    default:
      return `unsupported result type '${type}'`;
  }
}

/** The value a field takes from its gathered pieces, or why not. */
function valueOf({ field, items }: Pieces): { value: unknown } | { problem: string } {
  switch (field.kind) {
    case 'single_choice':
    case 'image_class': {
      const distinct = [...new Set(items)];
      if (distinct.length !== 1) return { problem: `label '${field.name}' takes one choice, the annotation has ${distinct.length} (${distinct.join(', ')}); imported without this label` };
      return { value: distinct[0] };
    }
    case 'multiple_choice':
      return { value: [...new Set(items)] };
    case 'free_text':
      return { value: items.join('\n') };
    case 'rating':
      return { value: items[items.length - 1] };
    default:
      return { value: items };
  }
}

export function annotationsOfTask(task: Record<string, unknown>, schema: LabelSchema): { annotations: ImportedAnnotation[]; problems: string[] } {
  const problems = new Set<string>();
  const latest = new Map<string, { pieces: Pieces; author: string | null }>();
  const list: unknown[] = Array.isArray(task.annotations) ? task.annotations : Array.isArray(task.completions) ? task.completions : [];
  for (const annotation of list) {
    if (!isPlainObject(annotation) || annotation.was_cancelled === true || !Array.isArray(annotation.result)) continue;
    const author = authorOf(annotation.completed_by);
    const mine = new Map<string, Pieces>();
    for (const result of annotation.result) {
      if (!isPlainObject(result) || !isPlainObject(result.value)) continue;
      const { from_name: name, type } = result;
      if (typeof name !== 'string' || typeof type !== 'string') continue;
      if (type === 'relation') continue; // links between regions: nothing in our schema holds them
      const field = findField(schema, name);
      if (!field) {
        problems.add(`result '${name}' (${type}): no field named '${name}' in the datanet's schema; skipped`);
        continue;
      }
      const pieces = piecesOf(type, result.value);
      if (typeof pieces === 'string') {
        problems.add(`result '${name}': ${pieces}; skipped`);
        continue;
      }
      if (!FITS[type]?.includes(field.kind)) {
        problems.add(`result '${name}': a Label Studio ${type} result does not fit the ${field.kind} field '${name}'; skipped`);
        continue;
      }
      const gathered = mine.get(name) ?? { field, items: [] };
      gathered.items.push(...pieces);
      mine.set(name, gathered);
    }
    for (const [name, pieces] of mine) latest.set(name, { pieces, author });
  }

  const annotations: ImportedAnnotation[] = [];
  const pairs = isPlainObject(task.meta) ? task.meta.instruction_pair : undefined;
  if (pairs !== undefined && pairs !== null && !isPlainObject(pairs)) problems.add('meta.instruction_pair is not an object of {field: {system, prompt, response}}; skipped');
  for (const [name, value] of Object.entries(isPlainObject(pairs) ? pairs : {})) {
    const field = findField(schema, name);
    if (field?.kind !== 'instruction_pair') {
      problems.add(`meta.instruction_pair.${name}: the datanet's schema has no instruction_pair field '${name}'; skipped`);
      continue;
    }
    if (value === null) continue;
    const result = annotationFor(field, value, null, `meta.instruction_pair.${name}`);
    if ('annotation' in result) annotations.push(result.annotation);
    else problems.add(result.problem);
  }
  for (const { pieces, author } of latest.values()) {
    const value = valueOf(pieces);
    if ('problem' in value) {
      problems.add(value.problem);
      continue;
    }
    const result = annotationFor(pieces.field, value.value, author, 'the Label Studio annotation');
    if ('annotation' in result) annotations.push(result.annotation);
    else problems.add(result.problem);
  }
  return { annotations, problems: [...problems] };
}
