import { describe, expect, it } from 'vitest';
import { spanPayout } from '../../electron/backend/attribution/settle-shares';

const A = '0x' + 'aa'.repeat(20);
const B = '0x' + 'bb'.repeat(20);

describe('span payout: example credits to contributors in wei', () => {
  it('splits doubly covered examples between records, pays only covered ones, and sums to the part exactly', () => {
    const records = [
      { recordId: '0x01', contributor: A, positions: null },
      { recordId: '0x02', contributor: B, positions: new Set([0, 1]) },
    ];
    const credits = [
      { id: 'i0@0', position: 0, credit: 3 },
      { id: 'i5@5', position: 5, credit: 1 },
    ];
    const part = 1_000_000_000_000_000_001n;
    const p = spanPayout(credits, records, part);
    // i0 takes 3/4, split equally between A's whole-version record and B's selection; i5 is A's alone.
    const total = p.shares.reduce((s, x) => s + x.amount, 0n);
    expect(total).toBe(part);
    const a = p.shares.find((s) => s.account === A)!.amount;
    const b = p.shares.find((s) => s.account === B)!.amount;
    expect(b).toBe(((part * 3n) / 4n) / 2n);
    expect(a + b).toBe(part);
    expect(p.covering.get('i0@0')).toEqual(['0x01', '0x02']);
    expect(p.shares[0]!.account).toBe(A);
  });

  it('pays nothing when no example is covered, and nothing at a fee of zero', () => {
    const records = [{ recordId: '0x02', contributor: B, positions: new Set([1]) }];
    expect(spanPayout([{ id: 'i0@0', position: 0, credit: 3 }], records, 100n).shares).toEqual([]);
    const zero = spanPayout([{ id: 'i1@1', position: 1, credit: 3 }], records, 0n);
    expect(zero.shares).toEqual([]);
    expect(zero.contributors[0]).toMatchObject({ contributor: B, amount: 0n, score: 3 });
  });
});
