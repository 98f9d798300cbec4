import { describe, expect, it } from 'vitest';
import { geometry, listTop, MAX_SCROLL_PX, revealTop, ROW_HEIGHT, scrollTopFor, visibleRows } from '../../renderer/pages/dataset/scroll-math';
import { isSelected, NONE, selectedCount, toggled, withRange } from '../../renderer/pages/dataset/selection';
import { importChoices } from '../../renderer/pages/dataset/view-controls';
import type { ImportRecord } from '../../shared/api/schemas/datanets';

describe('selection ranges', () => {
  it('adds ranges in either direction, merging what touches or overlaps', () => {
    let s = withRange(NONE, 10, 5);
    expect(s).toEqual([{ from: 5, to: 11 }]);
    s = withRange(s, 20, 22);
    s = withRange(s, 11, 12);
    expect(s).toEqual([
      { from: 5, to: 13 },
      { from: 20, to: 23 },
    ]);
    s = withRange(s, 0, 30);
    expect(s).toEqual([{ from: 0, to: 31 }]);
    expect(selectedCount(s)).toBe(31);
  });

  it('toggles one position, splitting a range; finds positions by binary search', () => {
    let s = toggled([{ from: 0, to: 1_000_000 }], 500_000);
    expect(s).toEqual([
      { from: 0, to: 500_000 },
      { from: 500_001, to: 1_000_000 },
    ]);
    expect(selectedCount(s)).toBe(999_999);
    expect(isSelected(s, 500_000)).toBe(false);
    expect(isSelected(s, 499_999)).toBe(true);
    expect(isSelected(s, 1_000_000)).toBe(false);
    s = toggled(s, 500_000);
    expect(s).toEqual([{ from: 0, to: 1_000_000 }]);
    expect(toggled([{ from: 3, to: 4 }], 3)).toEqual([]);
  });
});

describe('scroll geometry', () => {
  it('is the list itself while it fits, and compressed proportionally past the browser limit', () => {
    expect(geometry(100, 600)).toEqual({ spacer: 100 * ROW_HEIGHT, ratio: 1 });
    expect(geometry(3, 600)).toEqual({ spacer: 600, ratio: 1 });
    const g = geometry(1_000_000, 600);
    expect(g.spacer).toBe(MAX_SCROLL_PX);
    // The bottom of the scroll range shows the last rows; the middle shows the middle.
    const end = listTop(g, MAX_SCROLL_PX - 600);
    expect(end).toBeCloseTo(1_000_000 * ROW_HEIGHT - 600, 3);
    expect(visibleRows(end, 600, 1_000_000, 0).last).toBe(999_999);
    const mid = visibleRows(listTop(g, (MAX_SCROLL_PX - 600) / 2), 600, 1_000_000, 0).first;
    expect(Math.abs(mid - 500_000)).toBeLessThan(10);
    expect(scrollTopFor(g, listTop(g, 1234))).toBeCloseTo(1234, 6);
  });

  it('reveals a row by moving as little as possible', () => {
    expect(revealTop(0, 440, 3)).toBe(0);
    expect(revealTop(0, 440, 10)).toBe(11 * ROW_HEIGHT - 440);
    expect(revealTop(1000, 440, 2)).toBe(2 * ROW_HEIGHT);
  });
});

describe('the import filter', () => {
  const record = (id: string, paths: string[], itemsAdded: number): ImportRecord => ({
    id, datanetId: 'dn_00000000', jobId: null, paths, state: 'done', filesDone: 1, itemsAdded, itemsDuplicate: 0, errors: 0, createdAt: 0, updatedAt: 0,
  });
  it('names an import by what it read, an upload as files from the browser, and leaves out one that added nothing', () => {
    const imports = [
      record('imp_1', ['/home/me/data/reviews.jsonl', '/home/me/data/more.csv'], 1250),
      record('imp_2', ['/data/uploads/up_43068d854effeba074d58a85ee2a0aae'], 4),
      record('imp_3', ['/home/me/data/reviews.jsonl'], 0),
    ];
    const texts = importChoices(imports, '').map((c) => [c.id, c.text.replace(/ · .* \(/, ' (')]);
    expect(texts).toEqual([
      ['imp_1', 'reviews.jsonl +1 (1,250)'],
      ['imp_2', 'files from the browser (4)'],
    ]);
    // Still listed while it is the chosen filter, so the select shows what is applied.
    expect(importChoices(imports, 'imp_3').map((c) => c.id)).toEqual(['imp_1', 'imp_2', 'imp_3']);
  });
});
