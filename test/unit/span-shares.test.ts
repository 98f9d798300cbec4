import { describe, expect, it } from 'vitest';
import { apportion, exactWeights, spanShares } from '../../shared/attribution/span-shares';
import { Prng } from '../../engine/train/prng';

const sum = (xs: bigint[]) => xs.reduce((s, x) => s + x, 0n);

describe('apportion', () => {
  it('splits the amount exactly, each part within one wei of its exact proportion', () => {
    const rng = new Prng(4);
    for (let trial = 0; trial < 500; trial++) {
      const weights = Array.from({ length: 1 + rng.nextInt(12) }, () => BigInt(rng.nextInt(1000)) * BigInt(1 + rng.nextInt(3)));
      if (sum(weights) === 0n) weights[0] = 1n;
      const amount = BigInt(rng.nextInt(1_000_000)) * 10n ** BigInt(rng.nextInt(18)) + BigInt(rng.nextInt(7));
      const parts = apportion(amount, weights);
      expect(sum(parts)).toBe(amount);
      const total = sum(weights);
      parts.forEach((p, i) => {
        const floor = (amount * weights[i]!) / total;
        expect(p === floor || p === floor + 1n).toBe(true);
      });
    }
  });

  it('gives the remainder to the largest remainders, earliest first on ties', () => {
    expect(apportion(10n, [1n, 1n, 1n])).toEqual([4n, 3n, 3n]);
    expect(apportion(5n, [1n, 2n])).toEqual([2n, 3n]); // 5/3 = 1.67, 10/3 = 3.33: the first has the larger remainder
    expect(apportion(0n, [1n, 2n])).toEqual([0n, 0n]);
    expect(apportion(7n, [0n, 3n])).toEqual([0n, 7n]);
  });

  it('refuses a negative amount or weight, and weights that sum to 0 for a positive amount', () => {
    expect(() => apportion(-1n, [1n])).toThrow('must not be negative');
    expect(() => apportion(1n, [1n, -2n])).toThrow('weight 1 is negative');
    expect(() => apportion(1n, [0n, 0n])).toThrow('sum to 0');
  });
});

describe('span share rule', () => {
  it('pays positive credits in proportion, highest first, the wei summing to the amount', () => {
    const shares = spanShares([{ id: 'b@1', credit: 10 }, { id: 'a@0', credit: 30 }, { id: 'z@2', credit: 0 }], 1_000_000_000_000_000_001n);
    expect(shares.map((s) => s.id)).toEqual(['a@0', 'b@1']);
    expect(shares.map((s) => s.amount)).toEqual([750_000_000_000_000_001n, 250_000_000_000_000_000n]);
    expect(shares[0]!.fraction).toBeCloseTo(0.75, 12);
  });

  it('drops records under the minimum share and past maxRecords, and pays the rest the whole amount', () => {
    // tiny: 2 / 152.5 = 1.3% of the total, kept; tail: 0.33%, dropped. 1000 × (100, 50, 2) / 152 = 657.9, 328.9, 13.2.
    const credits = [{ id: 'big', credit: 100 }, { id: 'mid', credit: 50 }, { id: 'tiny', credit: 2 }, { id: 'tail', credit: 0.5 }];
    const shares = spanShares(credits, 1000n, { maxRecords: 10, minShare: 0.01 });
    expect(shares.map((s) => [s.id, s.amount])).toEqual([['big', 658n], ['mid', 329n], ['tiny', 13n]]);
    expect(spanShares(credits, 1000n, { maxRecords: 2, minShare: 0 }).map((s) => [s.id, s.amount])).toEqual([['big', 667n], ['mid', 333n]]);
  });

  it('weights are the float credits exactly, whatever their magnitudes', () => {
    const [a, b] = exactWeights([0.75, 0.25]);
    expect(a).toBe(3n * b!);
    const [one, least, big] = exactWeights([1, 2 ** -1074, 2 ** 60]);
    expect([one, big]).toEqual([least! << 1074n, least! << 1134n]);
    // 0.1 and 0.3 as float64 hold 0x1999999999999a × 2^-56 and 0x13333333333333 × 2^-54.
    const [tenth, threeTenths] = exactWeights([0.1, 0.3]);
    expect(tenth! * 0x13333333333333n * 4n).toBe(threeTenths! * 0x1999999999999an);
    const shares = spanShares([{ id: 'a', credit: 2 ** -1000 }, { id: 'b', credit: 3 * 2 ** -1000 }], 4n * 10n ** 18n);
    expect(shares.map((s) => [s.id, s.amount])).toEqual([['b', 3n * 10n ** 18n], ['a', 10n ** 18n]]);
  });

  it('keeps every record when the minimum share would drop them all, and equal credits get equal wei', () => {
    const credits = Array.from({ length: 7 }, (_, i) => ({ id: `r${i}`, credit: 2 }));
    const shares = spanShares(credits, 100n, { maxRecords: 100, minShare: 0.5 });
    expect(shares.map((s) => s.amount)).toEqual([15n, 15n, 14n, 14n, 14n, 14n, 14n]);
    expect(spanShares([], 100n)).toEqual([]);
  });

  it('refuses credits that are negative, not finite or listed twice, and a bad rule', () => {
    expect(() => spanShares([{ id: 'x', credit: -1 }], 1n)).toThrow('record "x" has credit -1');
    expect(() => spanShares([{ id: 'x', credit: Number.NaN }], 1n)).toThrow('credit NaN');
    expect(() => spanShares([{ id: 'x', credit: 1 }, { id: 'x', credit: 2 }], 1n)).toThrow('listed twice');
    expect(() => spanShares([], 1n, { maxRecords: 0, minShare: 0 })).toThrow('maxRecords');
    expect(() => spanShares([], 1n, { maxRecords: 1, minShare: 1 })).toThrow('minShare');
  });
});
