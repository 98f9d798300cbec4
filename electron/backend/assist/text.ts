import type { ItemContent } from '../../../shared/datanets/item';

/** Enough for a sentence-embedding model (they truncate at 256–512 tokens anyway). */
const MAX_CHARS = 4000;

/**
 * What an item says, as text for a text embedding model: its text, else its string columns, else
 * its chat messages. Null for an item with none (an image alone): text models cannot embed it.
 */
export function embeddingText(content: ItemContent): string | null {
  const parts: string[] = [];
  if (content.text.trim()) parts.push(content.text);
  else {
    for (const value of Object.values(content.fields)) {
      if (typeof value === 'string') parts.push(value);
      else if (Array.isArray(value)) parts.push(...value.map((m) => m.content));
    }
  }
  const text = parts.join('\n').trim();
  return text ? text.slice(0, MAX_CHARS) : null;
}

/** The start of an item's text, for lists and tooltips. */
export function preview(content: ItemContent, chars = 120): string {
  const text = embeddingText(content) ?? '';
  return text.length > chars ? `${text.slice(0, chars - 1)}…` : text;
}
