import type { TextSpan } from '../../../../shared/datanets/schema';

/** A caret or selection in the span text: anchor stays put, focus moves with Shift+arrows. */
export interface Caret {
  anchor: number;
  focus: number;
}

export const selectionOf = (c: Caret) => ({ start: Math.min(c.anchor, c.focus), end: Math.max(c.anchor, c.focus) });

/** Valid spans only: a stored value of another shape shows as none rather than breaking the view. */
export function asSpans(value: unknown): TextSpan[] {
  if (!Array.isArray(value)) return [];
  return value.filter((v: unknown): v is TextSpan => {
    const s = v as Partial<Record<keyof TextSpan, unknown>> | null;
    return typeof s === 'object' && s !== null && typeof s.start === 'number' && typeof s.end === 'number' && typeof s.label === 'string' && s.end > s.start;
  });
}

/** One run of text with the same marks: cut at every span and selection edge. */
export interface Segment {
  start: number;
  end: number;
  /** Index into the spans array of the innermost (last) span covering it, or -1. */
  span: number;
  selected: boolean;
}

export function segments(chunkStart: number, chunkEnd: number, spans: readonly TextSpan[], sel: { start: number; end: number } | null): Segment[] {
  const cuts = new Set([chunkStart, chunkEnd]);
  const inside = (n: number) => n > chunkStart && n < chunkEnd && cuts.add(n);
  for (const s of spans) {
    inside(s.start);
    inside(s.end);
  }
  if (sel) {
    inside(sel.start);
    inside(sel.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i]!;
    const end = points[i + 1]!;
    let span = -1;
    spans.forEach((s, j) => {
      if (s.start <= start && s.end >= end) span = j;
    });
    out.push({ start, end, span, selected: sel !== null && sel.start <= start && sel.end >= end && sel.end > sel.start });
  }
  return out;
}

/** Where the next word boundary is, for Ctrl+arrows. */
export function wordStep(text: string, from: number, dir: 1 | -1): number {
  let i = from;
  const isWord = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);
  if (dir > 0) {
    while (i < text.length && !isWord(text[i])) i++;
    while (i < text.length && isWord(text[i])) i++;
  } else {
    while (i > 0 && !isWord(text[i - 1])) i--;
    while (i > 0 && isWord(text[i - 1])) i--;
  }
  return i;
}

/** A step of one character that never lands inside a surrogate pair. */
export function charStep(text: string, from: number, dir: 1 | -1): number {
  let i = Math.max(0, Math.min(text.length, from + dir));
  const code = text.charCodeAt(i);
  if (i > 0 && i < text.length && code >= 0xdc00 && code <= 0xdfff) i += dir;
  return i;
}

/** The text offset a DOM selection point names, via the data-o (offset) of the segment around it. */
export function offsetOf(node: Node | null, offset: number): number | null {
  if (!node) return null;
  if (node.nodeType === Node.TEXT_NODE) {
    const el = node.parentElement?.closest<HTMLElement>('[data-o]');
    return el ? Number(el.dataset.o) + offset : null;
  }
  if (node instanceof HTMLElement) {
    if (node.dataset.o !== undefined) return Number(node.dataset.o) + (offset > 0 ? node.textContent.length : 0);
    const child = node.childNodes[offset] ?? node.childNodes[offset - 1];
    if (child instanceof HTMLElement) {
      const seg = child.dataset.o !== undefined ? child : child.querySelector<HTMLElement>('[data-o]');
      if (seg) return Number(seg.dataset.o) + (node.childNodes[offset] ? 0 : seg.textContent.length);
    }
  }
  return null;
}
