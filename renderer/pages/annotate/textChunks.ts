/** A piece of a long text: [start, end) in UTF-16 code units, as spans count them. */
export interface Chunk {
  start: number;
  end: number;
}

/**
 * Cuts a text into pieces of about `size` code units, at a line break or a space where one is
 * near, so a megabyte of text becomes a few hundred blocks the browser can lay out lazily
 * (content-visibility) instead of one block it must measure at once.
 */
export function textChunks(text: string, size = 2000): Chunk[] {
  const chunks: Chunk[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + size);
    if (end < text.length) {
      const floor = start + size / 2;
      const newline = text.lastIndexOf('\n', end);
      const space = text.lastIndexOf(' ', end);
      if (newline >= floor) end = newline + 1;
      else if (space >= floor) end = space + 1;
      // Never split a surrogate pair: half an emoji renders as two broken glyphs.
      else if (isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
    }
    chunks.push({ start, end });
    start = end;
  }
  return chunks;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
