import type { Item } from '../../../shared/api/schemas/datanets';
import type { LabelField, LabelSchema } from '../../../shared/datanets/schema';

/**
 * A semantic search result as a row shows it. Results carry whole items (the table's rows are
 * trimmed by the backend instead), so the text is cut here: a megabyte of text in a row would
 * only cost layout time for characters nobody can see.
 */
export interface ResultPreview {
  text: string;
  truncated: boolean;
  thumbCid: string | null;
  /** Schema fields with a current value, in schema order, as short texts ("animals", "3 spans"). */
  labels: { field: string; text: string }[];
  reviewed: boolean;
}

/** The table's row preview length (PREVIEW_CHARS in shared/api/schemas/browse.ts). */
const PREVIEW_CHARS = 300;

export function resultPreview(item: Item, schema: LabelSchema): ResultPreview {
  const { text: raw, fields, image } = item.content;
  const source = raw || fieldsText(fields) || (image ? `Image ${image.width}×${image.height}` : '(empty)');
  const text = cut(source, PREVIEW_CHARS);
  const labels = schema.fields.filter((f) => item.labels[f.name] !== undefined && item.labels[f.name] !== null).map((f) => ({ field: f.name, text: chip(f, item.labels[f.name]) }));
  return { text, truncated: text.length < source.length, thumbCid: image ? (image.thumbCid ?? image.cid) : null, labels, reviewed: item.labels.$reviewed === true };
}

/** The first `max` UTF-16 units, without splitting a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]!) ? max - 1 : max;
  return text.slice(0, end);
}

/** An item without text (a CSV row, a chat) reads as its fields, as in the table. */
function fieldsText(fields: Item['content']['fields']): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.map((m) => `${m.role}: ${m.content}`).join(' / ') : String(v)}`)
    .join(' · ');
}

/** The same chip text the table's rows get from the backend (labelChip in browse.ts). */
function chip(field: LabelField, value: unknown): string {
  const count = (one: string, many: string) => {
    const n = Array.isArray(value) ? value.length : 0;
    return `${n} ${n === 1 ? one : many}`;
  };
  switch (field.kind) {
    case 'single_choice':
    case 'image_class':
      return String(value);
    case 'multiple_choice':
      return Array.isArray(value) ? value.join(', ') : String(value);
    case 'rating':
      return `${String(value)} / ${field.max}`;
    case 'text_spans':
      return count('span', 'spans');
    case 'image_boxes':
      return count('box', 'boxes');
    case 'free_text':
      return cut(String(value), 60);
    case 'instruction_pair': {
      const pair = value as { prompt?: string; response?: string };
      return cut(pair.response || pair.prompt || '', 60);
    }
  }
}
