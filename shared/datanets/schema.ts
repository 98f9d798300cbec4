import { z } from 'zod';

/**
 * A datanet's label schema: the fields a contributor fills in for each item. Each kind has one
 * value shape (see `fieldValue`); offsets in text spans are UTF-16 code units of the item's text,
 * as JavaScript strings and Label Studio count them; boxes are percentages of the image size.
 */
const name = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, 'must start with a letter or _ and use only letters, digits, _ and - (at most 64)');
const labels = z
  .array(z.string().trim().min(1, 'must not be empty').max(100))
  .min(1, 'needs at least one label')
  .max(500)
  .refine((l) => new Set(l).size === l.length, 'must not repeat a label');

export const LabelField = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('single_choice'), name, labels }).strict(),
  z.object({ kind: z.literal('multiple_choice'), name, labels }).strict(),
  z.object({ kind: z.literal('text_spans'), name, labels }).strict(),
  z.object({ kind: z.literal('instruction_pair'), name }).strict(),
  z.object({ kind: z.literal('free_text'), name }).strict(),
  z.object({ kind: z.literal('rating'), name, max: z.number().int().min(2).max(10) }).strict(),
  z.object({ kind: z.literal('image_class'), name, labels }).strict(),
  z.object({ kind: z.literal('image_boxes'), name, labels }).strict(),
]);
export type LabelField = z.infer<typeof LabelField>;
export type LabelFieldKind = LabelField['kind'];

export const LabelSchema = z
  .object({ fields: z.array(LabelField).min(1, 'needs at least one field').max(50) })
  .strict()
  .refine((s) => new Set(s.fields.map((f) => f.name)).size === s.fields.length, {
    error: 'field names must be unique',
    path: ['fields'],
  });
export type LabelSchema = z.infer<typeof LabelSchema>;

export const TextSpan = z
  .object({
    start: z.number().int().nonnegative(),
    end: z.number().int().positive(),
    label: z.string(),
  })
  .strict()
  .refine((s) => s.end > s.start, { error: 'end must be after start', path: ['end'] });
export type TextSpan = z.infer<typeof TextSpan>;

export const InstructionPair = z
  .object({ system: z.string().default(''), prompt: z.string().min(1, 'must not be empty'), response: z.string() })
  .strict();
export type InstructionPair = z.infer<typeof InstructionPair>;

const percent = z.number().min(0).max(100);
export const ImageBox = z
  .object({ x: percent, y: percent, width: percent, height: percent, label: z.string() })
  .strict()
  .refine((b) => b.x + b.width <= 100.0001 && b.y + b.height <= 100.0001, { error: 'box must lie inside the image' });
export type ImageBox = z.infer<typeof ImageBox>;

const oneOf = (allowed: readonly string[]) =>
  z.string().refine((v) => allowed.includes(v), { error: `must be one of: ${allowed.join(', ')}` });

/** The zod schema of the value one field takes. `null` (clearing a field) is handled by callers. */
export function fieldValue(field: LabelField): z.ZodType {
  switch (field.kind) {
    case 'single_choice':
    case 'image_class':
      return oneOf(field.labels);
    case 'multiple_choice':
      return z.array(oneOf(field.labels)).refine((v) => new Set(v).size === v.length, 'must not repeat a label');
    case 'text_spans':
      return z.array(TextSpan.refine((s) => field.labels.includes(s.label), { error: `label must be one of: ${field.labels.join(', ')}`, path: ['label'] }));
    case 'instruction_pair':
      return InstructionPair;
    case 'free_text':
      return z.string().max(1_000_000);
    case 'rating':
      return z.number().int().min(1).max(field.max);
    case 'image_boxes':
      return z.array(ImageBox.refine((b) => field.labels.includes(b.label), { error: `label must be one of: ${field.labels.join(', ')}`, path: ['label'] }));
  }
}

// Building a zod schema costs far more than using one: one validator per field object, reused.
const validators = new WeakMap<LabelField, z.ZodType>();

/** `fieldValue(field)`, built once per field object. */
export function fieldValidator(field: LabelField): z.ZodType {
  let validator = validators.get(field);
  if (!validator) {
    validator = fieldValue(field);
    validators.set(field, validator);
  }
  return validator;
}

export function findField(schema: LabelSchema, fieldName: string): LabelField | undefined {
  return schema.fields.find((f) => f.name === fieldName);
}
