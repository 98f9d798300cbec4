/**
 * Span attribution's share rule: per-record span credits (engine/attribution/span-credit.ts) in,
 * an amount in wei split over records out, exactly.
 *
 * 1. Only records with positive credit take part, highest credit first (ties: id order).
 * 2. At most `maxRecords` of them (default 100): an output that shares short spans with
 *    thousands of records pays the ones it drew on most, not dust to everyone.
 * 3. A record whose credit is under `minShare` (default 1%) of the kept records' total is dropped,
 *    unless that would drop every record: then no record stands out and all kept ones share.
 * 4. The amount is apportioned by credit in integer arithmetic (largest remainder): each record
 *    gets floor(amount × w / W) wei for its weight w of the total W, and the wei left over go one
 *    each to the records with the largest remainders (ties: the order of step 1). The amounts sum
 *    to the amount exactly; none is negative.
 *
 * Weights are the credits themselves, exactly: each float64 is an integer times a power of two, so
 * all of them are integers once scaled by the smallest power among them. No rounding happens
 * before the one of step 4, and equal credits get equal wei (to the one of the remainder).
 *
 * The amount is what the contributors' side of a fee holds (the model owner's part, fixed at
 * registration, is taken by the caller first). `apportion` is the integer step alone, for any
 * other rule that turns scores into weights.
 */

export interface SpanCredit {
  /** The record (a training record id, `<item id>@<position>`). */
  id: string;
  credit: number;
}

export interface SpanShareRule {
  maxRecords: number;
  /** Fraction in [0, 1). */
  minShare: number;
}

export const DEFAULT_SPAN_SHARE_RULE: SpanShareRule = { maxRecords: 100, minShare: 0.01 };

export interface SpanShare {
  id: string;
  credit: number;
  /** The record's part of the amount in wei. */
  amount: bigint;
  /** Its weight over the total, for display (the amounts are what count). */
  fraction: number;
}

/** x = mantissa × 2^exponent exactly, for a finite x > 0. */
function floatParts(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  const biased = (hi >>> 20) & 0x7ff;
  return biased === 0 ? { mantissa: fraction, exponent: -1074 } : { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/** Positive finite numbers as integers in the same exact proportions. */
export function exactWeights(values: readonly number[]): bigint[] {
  const parts = values.map(floatParts);
  const lowest = Math.min(...parts.map((p) => p.exponent));
  return parts.map((p) => p.mantissa << BigInt(p.exponent - lowest));
}

/** amount split in proportion to weights, each floor(amount × w / W) plus one wei for the largest remainders, earliest first on ties. */
export function apportion(amount: bigint, weights: readonly bigint[]): bigint[] {
  if (amount < 0n) throw new Error(`apportion: the amount must not be negative (got ${amount})`);
  weights.forEach((w, i) => {
    if (w < 0n) throw new Error(`apportion: weight ${i} is negative (${w})`);
  });
  const total = weights.reduce((s, w) => s + w, 0n);
  if (total === 0n) {
    if (amount > 0n) throw new Error('apportion: the weights sum to 0, so there is nothing to split the amount by');
    return weights.map(() => 0n);
  }
  const out = weights.map((w) => (amount * w) / total);
  let left = amount - out.reduce((s, a) => s + a, 0n);
  const byRemainder = weights.map((w, i) => ({ i, r: (amount * w) % total })).sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of byRemainder) {
    if (left === 0n) break;
    out[i]! += 1n;
    left--;
  }
  return out;
}

export function spanShares(credits: readonly SpanCredit[], amount: bigint, rule: SpanShareRule = DEFAULT_SPAN_SHARE_RULE): SpanShare[] {
  if (!Number.isInteger(rule.maxRecords) || rule.maxRecords < 1) throw new Error(`span shares: maxRecords must be a positive integer (got ${rule.maxRecords})`);
  if (!(rule.minShare >= 0 && rule.minShare < 1)) throw new Error(`span shares: minShare must be in [0, 1) (got ${rule.minShare})`);
  const seen = new Set<string>();
  for (const c of credits) {
    if (!Number.isFinite(c.credit) || c.credit < 0) throw new Error(`span shares: record ${JSON.stringify(c.id)} has credit ${c.credit}; credits are finite and not negative`);
    if (seen.has(c.id)) throw new Error(`span shares: record ${JSON.stringify(c.id)} is listed twice`);
    seen.add(c.id);
  }
  const ranked = credits.filter((c) => c.credit > 0).sort((a, b) => b.credit - a.credit || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const top = ranked.slice(0, rule.maxRecords);
  const topTotal = top.reduce((s, c) => s + c.credit, 0);
  const aboveMin = top.filter((c) => c.credit >= rule.minShare * topTotal);
  const kept = aboveMin.length > 0 ? aboveMin : top;
  if (kept.length === 0) return [];
  const weights = exactWeights(kept.map((c) => c.credit));
  const amounts = apportion(amount, weights);
  const total = weights.reduce((s, w) => s + w, 0n);
  return kept.map((c, i) => ({ id: c.id, credit: c.credit, amount: amounts[i]!, fraction: Number(weights[i]!) / Number(total) }));
}
