import type { LabelSchema } from '../../../shared/datanets/schema';

export interface BulkOption {
  /** What the value select shows. */
  text: string;
  value: unknown;
}

export interface BulkField {
  name: string;
  text: string;
  options: readonly BulkOption[];
}

const CLEAR: BulkOption = { text: 'No value (clear)', value: null };

/**
 * The fields a selection can be labeled with in one go, each with the values it can take: a
 * choice, one label of a multiple choice, a rating, reviewed or not. Fields whose value is
 * per item by nature (spans, boxes, free text, pairs) can only be cleared in bulk.
 */
export function bulkFields(schema: LabelSchema): BulkField[] {
  const fields: BulkField[] = schema.fields.map((f) => {
    switch (f.kind) {
      case 'single_choice':
      case 'image_class':
        return { name: f.name, text: f.name, options: [...f.labels.map((l) => ({ text: l, value: l })), CLEAR] };
      case 'multiple_choice':
        return { name: f.name, text: f.name, options: [...f.labels.map((l) => ({ text: `only ${l}`, value: [l] })), CLEAR] };
      case 'rating':
        return { name: f.name, text: f.name, options: [...Array.from({ length: f.max }, (_, i) => ({ text: `${i + 1} / ${f.max}`, value: i + 1 })), CLEAR] };
      default:
        return { name: f.name, text: f.name, options: [CLEAR] };
    }
  });
  fields.push({
    name: '$reviewed',
    text: 'Reviewed',
    options: [
      { text: 'Reviewed', value: true },
      { text: 'Not reviewed', value: false },
    ],
  });
  return fields;
}
