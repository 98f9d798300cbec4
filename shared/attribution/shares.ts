/**
 * Influence attribution's share rule: influence scores of training examples in, a fee split in wei
 * over contributors (and, for display, over their contribution records) out, exactly.
 *
 * 1. The fee splits as Settlement.pay splits it: the owner's part is floor(fee × ownerShareBps /
 *    10,000), fixed at registration; the contributors' part is the rest (`feeParts`).
 * 2. Scores add up: a contribution record's score is the sum of the scores of the training
 *    examples from its items, and a contributor's the sum of their records' (influence is
 *    first-order additive: the effect of removing a set of examples is the sum of their effects).
 *    Signs are kept until here, so a contributor whose harmful examples outweigh the helpful ones
 *    nets a negative score.
 * 3. Only positive influence pays: contributors with a positive score take part, highest first
 *    (ties: id order).
 * 4. A contributor under `minShare` (default 1%) of the positive total is dropped, unless that
 *    would drop every one (then all positive ones share); the kept ones are renormalized.
 * 5. The contributors' part is apportioned by score in integer arithmetic (largest remainder,
 *    span-shares.ts's `apportion`): floor(part × w / W) each, and the wei left over one each to the
 *    largest remainders (ties: the order of step 3). The amounts sum to the part exactly, so the
 *    claims of a payment never exceed the fee. Weights are the float64 scores as exact integers
 *    (`exactWeights`), so nothing is rounded before this step.
 * 6. For display, each contributor's amount is apportioned the same way over their records with a
 *    positive score (what "earnings per contribution record" shows); a contributor's records' amounts
 *    sum to the contributor's amount.
 *
 * When no contributor has positive influence there are no shares: nothing in this output says the
 * fee should be paid through a shares root, and the caller must not settle one with an empty tree.
 * Ids are compared as strings: pass contributor addresses and record ids in lower case.
 */
import { apportion, exactWeights } from './span-shares';

/** Settlement's ModelRegistry.MAX_BPS. */
export const MAX_BPS = 10_000;

export interface InfluenceShareRule {
  /** Fraction of the positive total in [0, 1) below which a contributor is dropped. */
  minShare: number;
}

export const DEFAULT_INFLUENCE_SHARE_RULE: InfluenceShareRule = { minShare: 0.01 };

/** One contribution record's score and who contributed it. */
export interface RecordScore {
  recordId: string;
  contributor: string;
  score: number;
}

export interface RecordShare {
  recordId: string;
  score: number;
  /** The record's part of its contributor's amount, in wei (display only: claims are per contributor). */
  amount: bigint;
}

export interface ContributorShare {
  contributor: string;
  score: number;
  /** Wei of the contributors' part. */
  amount: bigint;
  /** The contributor's weight over the kept total, for display (the amounts are what count). */
  fraction: number;
  /** Their records with a positive score, highest first. */
  records: RecordShare[];
}

export interface FeeParts {
  owner: bigint;
  contributors: bigint;
}

/** The owner's and the contributors' parts of a fee, as Settlement.pay computes them. */
export function feeParts(fee: bigint, ownerShareBps: number): FeeParts {
  if (fee < 0n) throw new Error(`fee parts: the fee must not be negative (got ${fee})`);
  if (!Number.isInteger(ownerShareBps) || ownerShareBps < 0 || ownerShareBps > MAX_BPS) throw new Error(`fee parts: ownerShareBps must be an integer in [0, ${MAX_BPS}] (got ${ownerShareBps})`);
  const owner = (fee * BigInt(ownerShareBps)) / BigInt(MAX_BPS);
  return { owner, contributors: fee - owner };
}

const byScoreThenId = <T extends { score: number }>(id: (x: T) => string) => (a: T, b: T) => b.score - a.score || (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0);

/** Steps 2 to 6: the contributors' part (`amount`, in wei) split by the records' scores. */
export function influenceShares(records: readonly RecordScore[], amount: bigint, rule: InfluenceShareRule = DEFAULT_INFLUENCE_SHARE_RULE): ContributorShare[] {
  if (amount < 0n) throw new Error(`influence shares: the amount must not be negative (got ${amount})`);
  if (!(rule.minShare >= 0 && rule.minShare < 1)) throw new Error(`influence shares: minShare must be in [0, 1) (got ${rule.minShare})`);
  const seen = new Set<string>();
  const byContributor = new Map<string, RecordScore[]>();
  for (const r of records) {
    if (!Number.isFinite(r.score)) throw new Error(`influence shares: record ${JSON.stringify(r.recordId)} has score ${r.score}; scores are finite numbers`);
    if (seen.has(r.recordId)) throw new Error(`influence shares: record ${JSON.stringify(r.recordId)} is listed twice`);
    seen.add(r.recordId);
    const list = byContributor.get(r.contributor) ?? [];
    list.push(r);
    byContributor.set(r.contributor, list);
  }
  // Summed in record id order, so the same records give the same float whatever their order here.
  const totals = [...byContributor].map(([contributor, list]) => {
    const sorted = [...list].sort((a, b) => (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0));
    return { contributor, score: sorted.reduce((s, r) => s + r.score, 0), records: sorted };
  });
  const ranked = totals.filter((t) => t.score > 0).sort(byScoreThenId((t) => t.contributor));
  if (ranked.length === 0) return [];
  const positive = ranked.reduce((s, t) => s + t.score, 0);
  const above = ranked.filter((t) => t.score >= rule.minShare * positive);
  const kept = above.length > 0 ? above : ranked;
  const amounts = apportion(amount, exactWeights(kept.map((t) => t.score)));
  const keptTotal = kept.reduce((s, t) => s + t.score, 0);
  return kept.map((t, i) => {
    const helpful = t.records.filter((r) => r.score > 0).sort(byScoreThenId((r) => r.recordId));
    const recordAmounts = apportion(amounts[i]!, exactWeights(helpful.map((r) => r.score)));
    return {
      contributor: t.contributor,
      score: t.score,
      amount: amounts[i]!,
      fraction: t.score / keptTotal,
      records: helpful.map((r, j) => ({ recordId: r.recordId, score: r.score, amount: recordAmounts[j]! })),
    };
  });
}
