/**
 * A multi-selection over positions of the table's list, as sorted, disjoint, non-touching
 * ranges [from, to). "All 900,000 matching" is one range, not 900,000 ids, and the backend labels
 * the same ranges (annotations.bulkSet), so nothing has to be loaded to be selected.
 */
export interface Range {
  readonly from: number;
  readonly to: number;
}
export type Selection = readonly Range[];

export const NONE: Selection = [];

export function selectedCount(selection: Selection): number {
  return selection.reduce((n, r) => n + r.to - r.from, 0);
}

export function isSelected(selection: Selection, position: number): boolean {
  // Binary search: a selection built by Ctrl+clicks can hold many ranges.
  let lo = 0;
  let hi = selection.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = selection[mid]!;
    if (position < r.from) hi = mid - 1;
    else if (position >= r.to) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Positions from `a` to `b` inclusive, in either order, added to the selection. */
export function withRange(selection: Selection, a: number, b: number): Selection {
  const add = { from: Math.min(a, b), to: Math.max(a, b) + 1 };
  const out: Range[] = [];
  let merged = add;
  for (const r of selection) {
    if (r.to < merged.from || r.from > merged.to) out.push(r);
    else merged = { from: Math.min(r.from, merged.from), to: Math.max(r.to, merged.to) };
  }
  out.push(merged);
  return out.sort((x, y) => x.from - y.from);
}

/** Selects an unselected position, or takes a selected one out (splitting its range). */
export function toggled(selection: Selection, position: number): Selection {
  if (!isSelected(selection, position)) return withRange(selection, position, position);
  const out: Range[] = [];
  for (const r of selection) {
    if (position < r.from || position >= r.to) {
      out.push(r);
      continue;
    }
    if (r.from < position) out.push({ from: r.from, to: position });
    if (position + 1 < r.to) out.push({ from: position + 1, to: r.to });
  }
  return out;
}
