import type { ImageBox } from '../../../../shared/datanets/schema';

/** A point on the image in percent of its width and height, the schema's box convention. */
export interface Point {
  x: number;
  y: number;
}

export type Handle = 'nw' | 'ne' | 'sw' | 'se';
export const HANDLES: readonly Handle[] = ['nw', 'ne', 'sw', 'se'];

/** Two decimals: a hundredth of a percent is finer than a pixel of any image we show. */
const round = (n: number) => Math.round(n * 100) / 100;
const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

export function asBoxes(value: unknown): ImageBox[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (b: unknown): b is ImageBox =>
      typeof b === 'object' && b !== null && ['x', 'y', 'width', 'height'].every((k) => typeof (b as Record<string, unknown>)[k] === 'number'),
  );
}

/** The box spanned by two corners, inside the image. */
export function boxFrom(a: Point, b: Point, label: string): ImageBox {
  const x = clamp(Math.min(a.x, b.x), 0, 100);
  const y = clamp(Math.min(a.y, b.y), 0, 100);
  return { x: round(x), y: round(y), width: round(clamp(Math.max(a.x, b.x), 0, 100) - x), height: round(clamp(Math.max(a.y, b.y), 0, 100) - y), label };
}

/** The box moved by (dx, dy), kept whole inside the image. */
export function moved(box: ImageBox, dx: number, dy: number): ImageBox {
  return { ...box, x: round(clamp(box.x + dx, 0, 100 - box.width)), y: round(clamp(box.y + dy, 0, 100 - box.height)) };
}

/** The box with one corner dragged to `to`; the opposite corner stays. */
export function resized(box: ImageBox, handle: Handle, to: Point): ImageBox {
  const fixed: Point = { x: handle.endsWith('w') ? box.x + box.width : box.x, y: handle.startsWith('n') ? box.y + box.height : box.y };
  return boxFrom(fixed, to, box.label);
}

/** Too small to be a deliberate box (a click, not a drag). */
export const isSpeck = (b: ImageBox) => b.width < 0.5 || b.height < 0.5;
