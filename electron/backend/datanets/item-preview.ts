import type { LabelField } from '../../../shared/datanets/schema';
import { counted } from '../../../shared/format';

/** How an item and its labels read in a short space: the dataset view's rows and a version diff's records. */

/**
 * The SQL columns an item's preview is made from (`text`, `fields`): its text cut in SQLite to
 * one more than `chars` (a megabyte of text never reaches JavaScript whole, and the one more says
 * it was cut) and, for an item without text, its fields.
 */
export function previewColumns(chars: number): string {
  return `substr(json_extract(content, '$.text'), 1, ${chars + 1}) AS text,
          CASE WHEN json_extract(content, '$.text') = '' THEN json_extract(content, '$.fields') END AS fields`;
}

/** A row read with previewColumns as at most `chars` of text, and whether the item has more. */
export function previewText(row: { text: string | null; fields: string | null }, chars: number): { text: string; truncated: boolean } {
  const source = row.text || (row.fields ? fieldsText(JSON.parse(row.fields) as Record<string, unknown>) : '');
  const text = cut(source, chars);
  return { text, truncated: text.length < source.length };
}

/** The first `max` UTF-16 units, without splitting a surrogate pair. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]!) ? max - 1 : max;
  return text.slice(0, end);
}

/** An item without text (a CSV row, a chat) previews as its fields: "question: … · answer: …". */
function fieldsText(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.map((m: { role?: string; content?: string }) => `${m.role}: ${m.content}`).join(' / ') : String(v)}`)
    .join(' · ');
}

/** A label as a chip reads: the choice itself, a count for spans and boxes, free text cut short. */
export function labelChip(field: LabelField, value: unknown): string {
  switch (field.kind) {
    case 'single_choice':
    case 'image_class':
      return String(value);
    case 'multiple_choice':
      return (value as string[]).join(', ');
    case 'rating':
      return `${String(value)} / ${field.max}`;
    case 'text_spans': {
      const n = (value as unknown[]).length;
      return counted(n, 'span');
    }
    case 'image_boxes': {
      const n = (value as unknown[]).length;
      return counted(n, 'box', 'boxes');
    }
    case 'free_text':
      return cut(String(value), 60);
    case 'instruction_pair':
      return cut((value as { response: string }).response || (value as { prompt: string }).prompt, 60);
  }
}
