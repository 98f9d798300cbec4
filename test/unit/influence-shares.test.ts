/**
 * Influence attribution's share rule (shared/attribution/shares.ts): the fee split as Settlement
 * splits it, positive influence only, the minimum share, exact wei that never exceed the part.
 */
import { describe, expect, it } from 'vitest';
import { feeParts, influenceShares, type RecordScore } from '../../shared/attribution/shares';
import { Prng } from '../../engine/train/prng';
import { influencePayout, recordScores } from '../../electron/backend/attribution/influence-payout';

const A = '0x000000000000000000000000000000000000000a';
const B = '0x000000000000000000000000000000000000000b';
const C = '0x000000000000000000000000000000000000000c';
const sum = (xs: bigint[]) => xs.reduce((s, x) => s + x, 0n);

describe('feeParts', () => {
  it('takes the owner part as Settlement.pay does: floor(fee × bps / 10,000), the rest to contributors', () => {
    expect(feeParts(10_000n, 2_500)).toEqual({ owner: 2_500n, contributors: 7_500n });
    expect(feeParts(999n, 3_333)).toEqual({ owner: 332n, contributors: 667n }); // 999 × 0.3333 = 332.97
    expect(feeParts(10n ** 18n + 1n, 10_000)).toEqual({ owner: 10n ** 18n + 1n, contributors: 0n });
    expect(feeParts(7n, 0)).toEqual({ owner: 0n, contributors: 7n });
  });

  it('refuses a negative fee and a share outside [0, 10,000]', () => {
    expect(() => feeParts(-1n, 0)).toThrow(/negative/);
    expect(() => feeParts(1n, 10_001)).toThrow(/ownerShareBps/);
    expect(() => feeParts(1n, 1.5)).toThrow(/ownerShareBps/);
  });
});

describe('influenceShares', () => {
  it('sums records per contributor with their signs, pays positive totals only, in proportion', () => {
    const records: RecordScore[] = [
      { recordId: '0x01', contributor: A, score: 3 },
      { recordId: '0x02', contributor: A, score: -1 },
      { recordId: '0x03', contributor: B, score: 1 },
      { recordId: '0x04', contributor: C, score: -5 },
    ];
    const shares = influenceShares(records, 900n);
    expect(shares.map((s) => [s.contributor, s.score, s.amount])).toEqual([
      [A, 2, 600n],
      [B, 1, 300n],
    ]);
    // A's amount goes to A's helpful record only.
    expect(shares[0]!.records).toEqual([{ recordId: '0x01', score: 3, amount: 600n }]);
    expect(shares[0]!.fraction).toBeCloseTo(2 / 3, 12);
  });

  it('drops contributors under 1% of the positive total and renormalizes the rest', () => {
    const records: RecordScore[] = [
      { recordId: '0x01', contributor: A, score: 60 },
      { recordId: '0x02', contributor: B, score: 39.5 },
      { recordId: '0x03', contributor: C, score: 0.5 }, // 0.5% of 100
    ];
    const shares = influenceShares(records, 1_000_000n);
    expect(shares.map((s) => s.contributor)).toEqual([A, B]);
    expect(sum(shares.map((s) => s.amount))).toBe(1_000_000n);
    // 60 / 99.5 of a million, rounded by the largest remainder.
    expect(shares[0]!.amount).toBe(603_015n);
    expect(influenceShares(records, 1_000_000n, { minShare: 0 }).map((s) => s.contributor)).toEqual([A, B, C]);
  });

  it('keeps every positive contributor when all of them are under the minimum', () => {
    const records = Array.from({ length: 200 }, (_, i): RecordScore => ({ recordId: `0x${i.toString(16).padStart(4, '0')}`, contributor: `0x${i.toString(16).padStart(40, '0')}`, score: 1 }));
    const shares = influenceShares(records, 1001n);
    expect(shares).toHaveLength(200);
    expect(sum(shares.map((s) => s.amount))).toBe(1001n);
    // 1001 = 5 × 200 + 1: equal scores, so the one extra wei goes to the first in id order.
    expect(shares[0]!.amount).toBe(6n);
    expect(shares.slice(1).every((s) => s.amount === 5n)).toBe(true);
  });

  it('returns no shares when no contributor has positive influence', () => {
    expect(influenceShares([{ recordId: '0x01', contributor: A, score: -1 }, { recordId: '0x02', contributor: B, score: 0 }], 100n)).toEqual([]);
    expect(influenceShares([], 100n)).toEqual([]);
  });

  it('splits random fees exactly: amounts sum to the part, each within one wei of its proportion, records sum to their contributor', () => {
    const rng = new Prng(9);
    for (let trial = 0; trial < 300; trial++) {
      const contributors = Array.from({ length: 1 + rng.nextInt(6) }, (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}`);
      const records = Array.from({ length: 1 + rng.nextInt(20) }, (_, i): RecordScore => ({
        recordId: `0x${i.toString(16).padStart(64, '0')}`,
        contributor: contributors[rng.nextInt(contributors.length)]!,
        score: (rng.nextFloat() - 0.3) * 10 ** (rng.nextInt(9) - 4),
      }));
      const part = BigInt(rng.nextInt(1_000_000)) * 10n ** BigInt(rng.nextInt(18)) + BigInt(rng.nextInt(100));
      const shares = influenceShares(records, part, { minShare: 0 });
      if (shares.length === 0) continue;
      expect(sum(shares.map((s) => s.amount))).toBe(part);
      const total = shares.reduce((s, x) => s + x.score, 0);
      for (const s of shares) {
        expect(s.score).toBeGreaterThan(0);
        expect(Math.abs(Number(s.amount) - (Number(part) * s.score) / total)).toBeLessThanOrEqual(1 + Number(part) * 1e-12);
        expect(sum(s.records.map((r) => r.amount))).toBe(s.amount);
      }
    }
  });

  it('gives the same split whatever order the records come in', () => {
    const records: RecordScore[] = [
      { recordId: '0x03', contributor: B, score: 0.1 },
      { recordId: '0x01', contributor: A, score: 0.2 },
      { recordId: '0x02', contributor: A, score: 0.7 },
      { recordId: '0x04', contributor: C, score: 0.3 },
    ];
    const once = influenceShares(records, 10n ** 18n + 7n);
    expect(influenceShares([...records].reverse(), 10n ** 18n + 7n)).toEqual(once);
  });

  it('refuses a record listed twice, a score that is not finite, a negative amount', () => {
    expect(() => influenceShares([{ recordId: '0x01', contributor: A, score: 1 }, { recordId: '0x01', contributor: B, score: 1 }], 1n)).toThrow(/listed twice/);
    expect(() => influenceShares([{ recordId: '0x01', contributor: A, score: Number.NaN }], 1n)).toThrow(/finite/);
    expect(() => influenceShares([], -1n)).toThrow(/negative/);
    expect(() => influenceShares([], 1n, { minShare: 1 })).toThrow(/minShare/);
  });
});

describe('influencePayout (the backend’s payout from example scores)', () => {
  it('splits an example covered by two records between them, sums per contributor, and pays the part exactly', () => {
    const examples = [
      { id: 'i0@0', position: 0, score: 4 },
      { id: 'i1@1', position: 1, score: 2 },
      { id: 'i2@2', position: 2, score: -1 },
      { id: 'i3@3', position: 3, score: 5 }, // only the whole-version record covers position 3
    ];
    const records = [
      { recordId: '0x0a', contributor: A, positions: null }, // the whole version
      { recordId: '0x0b', contributor: B, positions: new Set([0, 2]) },
    ];
    const { scores, covering } = recordScores(examples, records);
    expect(Object.fromEntries(scores.map((s) => [s.recordId, s.score]))).toEqual({ '0x0a': 2 + 2 - 0.5 + 5, '0x0b': 2 - 0.5 });
    expect(covering.get('i0@0')).toEqual(['0x0a', '0x0b']);
    expect(covering.get('i3@3')).toEqual(['0x0a']);
    const payout = influencePayout(examples, records, 1000n);
    expect(payout.shares).toEqual([
      { account: A, amount: 850n },
      { account: B, amount: 150n },
    ]);
    expect(payout.contributors.map((c) => c.records.map((r) => r.recordId))).toEqual([['0x0a'], ['0x0b']]);
  });

  it('pays nobody when no covered example has positive influence (an uncovered one pays no one)', () => {
    const payout = influencePayout([{ id: 'i0@0', position: 0, score: -1 }, { id: 'i1@1', position: 1, score: 3 }], [{ recordId: '0x0a', contributor: A, positions: new Set([0]) }], 1000n);
    expect(payout.shares).toEqual([]);
    expect(payout.contributors).toEqual([]);
  });
});
