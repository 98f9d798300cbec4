import { describe, expect, it } from 'vitest';
import { collectDiff, compareItemIds, diffVersions, type LeafEntry } from '../../shared/datanets/version-diff';

const v = (pairs: Record<string, string>): LeafEntry[] =>
  Object.entries(pairs)
    .map(([itemId, leaf]) => ({ itemId, leaf }))
    .sort((a, b) => compareItemIds(a.itemId, b.itemId));

describe('version diff', () => {
  it('lists added, removed and changed items; unchanged ones are not listed', () => {
    const a = v({ it_a: '0x01', it_b: '0x02', it_c: '0x03', it_e: '0x05' });
    const b = v({ it_b: '0x02', it_c: '0x33', it_d: '0x04', it_e: '0x05', it_f: '0x06' });
    expect(collectDiff(a, b)).toEqual({ added: ['it_d', 'it_f'], removed: ['it_a'], changed: ['it_c'] });
    expect(collectDiff(b, a)).toEqual({ added: ['it_a'], removed: ['it_d', 'it_f'], changed: ['it_c'] });
    expect([...diffVersions(a, b)]).toEqual([
      { kind: 'removed', itemId: 'it_a' },
      { kind: 'changed', itemId: 'it_c' },
      { kind: 'added', itemId: 'it_d' },
      { kind: 'added', itemId: 'it_f' },
    ]);
  });

  it('handles empty sides and identical versions', () => {
    const a = v({ it_a: '0x01', it_b: '0x02' });
    expect(collectDiff([], [])).toEqual({ added: [], removed: [], changed: [] });
    expect(collectDiff([], a)).toEqual({ added: ['it_a', 'it_b'], removed: [], changed: [] });
    expect(collectDiff(a, [])).toEqual({ added: [], removed: ['it_a', 'it_b'], changed: [] });
    expect(collectDiff(a, v({ it_a: '0x01', it_b: '0x02' }))).toEqual({ added: [], removed: [], changed: [] });
  });

  it('refuses input that is not strictly sorted, on either side, rather than answer wrong', () => {
    const unsorted = [
      { itemId: 'it_b', leaf: '0x01' },
      { itemId: 'it_a', leaf: '0x02' },
    ];
    expect(() => collectDiff(unsorted, [])).toThrow(/Version A is not sorted/);
    expect(() => collectDiff([], unsorted)).toThrow(/Version B is not sorted/);
    const dup = [
      { itemId: 'it_a', leaf: '0x01' },
      { itemId: 'it_a', leaf: '0x01' },
    ];
    expect(() => collectDiff(dup, dup)).toThrow(/not sorted/);
  });

  it('streams: pulls entries only as it needs them, so endless or paged inputs work', () => {
    let pulled = 0;
    function* endless(): Generator<LeafEntry> {
      for (let i = 0; ; i++) {
        pulled++;
        yield { itemId: `it_${String(i).padStart(8, '0')}`, leaf: '0x00' };
      }
    }
    const first: string[] = [];
    for (const d of diffVersions([{ itemId: 'it_00000001', leaf: '0x00' }], endless())) {
      first.push(`${d.kind} ${d.itemId}`);
      if (first.length === 3) break;
    }
    expect(first).toEqual(['added it_00000000', 'added it_00000002', 'added it_00000003']);
    expect(pulled).toBe(4);
  });

  it('orders item ids by UTF-8 bytes (SQLite BINARY), not by UTF-16 code units', () => {
    const ids = ['b', 'a', 'ab', '', 'é', '\uffff', '😀', '\ud7ff', 'Z'];
    const byBytes = [...ids].sort((x, y) => Buffer.compare(Buffer.from(x, 'utf8'), Buffer.from(y, 'utf8')));
    expect([...ids].sort(compareItemIds)).toEqual(byBytes);
    // JavaScript's own order differs exactly here, which is why compareItemIds exists.
    expect(['😀', '\uffff'].sort()).toEqual(['😀', '\uffff']);
    expect(['😀', '\uffff'].sort(compareItemIds)).toEqual(['\uffff', '😀']);
    expect(compareItemIds('it_a', 'it_a')).toBe(0);
  });
});
