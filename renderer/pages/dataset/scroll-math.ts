/**
 * A million rows of 44 px are 44,000,000 px, more than a browser lets an element be (Chromium
 * stops near 33.5 million, Firefox near 17.9 million). Up to MAX_SCROLL_PX the scrollbar is
 * the list itself; beyond it the scroll range is compressed, and a scroll position maps
 * proportionally onto the list, so the thumb still stands for the whole datanet and dragging
 * it to the middle lands in the middle.
 */
export const ROW_HEIGHT = 44;
export const MAX_SCROLL_PX = 15_000_000;

export interface ScrollGeometry {
  /** Height of the element that gives the scroll range. */
  spacer: number;
  /** List pixels per scroll pixel (1 while the list fits). */
  ratio: number;
}

/** `viewport` is the height rows are drawn in. */
export function geometry(total: number, viewport: number): ScrollGeometry {
  const content = total * ROW_HEIGHT;
  if (content <= MAX_SCROLL_PX || content <= viewport) return { spacer: Math.max(content, viewport), ratio: 1 };
  return { spacer: MAX_SCROLL_PX, ratio: (content - viewport) / (MAX_SCROLL_PX - viewport) };
}

/** The list pixel at the top of the viewport for a scroll position. */
export function listTop(g: ScrollGeometry, scrollTop: number): number {
  return scrollTop * g.ratio;
}

/** The scroll position that puts list pixel `top` at the top of the viewport. */
export function scrollTopFor(g: ScrollGeometry, top: number): number {
  return top / g.ratio;
}

/** Rows to draw for a list pixel at the viewport's top: the visible ones and `overscan` either side. */
export function visibleRows(top: number, viewport: number, total: number, overscan: number): { first: number; last: number } {
  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - overscan);
  const last = Math.min(total - 1, Math.ceil((top + viewport) / ROW_HEIGHT) + overscan);
  return { first, last };
}

/** The list pixel to show at the top so that `row` is fully in view, moving as little as possible. */
export function revealTop(currentTop: number, viewport: number, row: number): number {
  const rowTop = row * ROW_HEIGHT;
  if (rowTop < currentTop) return rowTop;
  if (rowTop + ROW_HEIGHT > currentTop + viewport) return rowTop + ROW_HEIGHT - viewport;
  return currentTop;
}
