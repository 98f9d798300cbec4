/**
 * From per-example influence scores to a payout list in wei, with influence's share rule
 * (shared/attribution/shares.ts), in the shape settle-shares.ts gives span attribution's:
 *
 * 1. Each example is a training record of the version (`<item id>@<position>`); the contribution
 *    records of the adapter's manifest that cover its position share its score equally (a record
 *    with no selection covers the whole version). Examples no record covers pay nobody.
 * 2. A record's score is the sum of its parts, with signs; a contributor's the sum of their
 *    records'. Only contributors with a positive total are paid, those under 1% of the positive
 *    total dropped (unless all would be), and the contributors' part of the fee is apportioned by
 *    score to the wei (largest remainder): the shares sum to the part exactly, never more.
 * 3. The payout list has one share per contributor with a non-zero amount, largest first (ties:
 *    address order), as span attribution's (settle-shares.ts's Payout, the same shape).
 */
import { DEFAULT_INFLUENCE_SHARE_RULE, influenceShares, type InfluenceShareRule, type RecordScore } from '../../../shared/attribution/shares';

/** A contribution record of the manifest and what it covers (settle-shares.ts has the same shape). */
export interface CoveringRecord {
  recordId: string;
  /** Lower-case address. */
  contributor: string;
  /** Version positions the record covers; null: the whole version. */
  positions: ReadonlySet<number> | null;
}

export interface ContributorPart {
  contributor: string;
  score: number;
  amount: bigint;
  records: { recordId: string; score: number; amount: bigint }[];
}

export interface Payout {
  contributors: ContributorPart[];
  /** One share per contributor paid, in tree order. */
  shares: { account: string; amount: bigint }[];
  /** Per example: the contribution records covering it. */
  covering: Map<string, string[]>;
}

export interface ExampleInfluence {
  /** Training record id (`<item id>@<position>`). */
  id: string;
  position: number;
  /** The score of the method that pays (TracIn's or DataInf's). */
  score: number;
}

/** Record scores: each example's score split equally over the records covering it. */
export function recordScores(examples: readonly ExampleInfluence[], records: readonly CoveringRecord[]): { scores: RecordScore[]; covering: Map<string, string[]> } {
  const sorted = [...records].sort((a, b) => (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0));
  const byRecord = new Map<string, RecordScore>();
  const covering = new Map<string, string[]>();
  for (const e of examples) {
    if (!Number.isFinite(e.score)) throw new Error(`influence payout: example ${e.id} has score ${e.score}`);
    const by = sorted.filter((r) => r.positions === null || r.positions.has(e.position));
    if (by.length === 0) continue;
    covering.set(e.id, by.map((r) => r.recordId));
    for (const r of by) {
      let s = byRecord.get(r.recordId);
      if (!s) byRecord.set(r.recordId, (s = { recordId: r.recordId, contributor: r.contributor, score: 0 }));
      s.score += e.score / by.length;
    }
  }
  return { scores: [...byRecord.values()], covering };
}

export function influencePayout(examples: readonly ExampleInfluence[], records: readonly CoveringRecord[], part: bigint, rule: InfluenceShareRule = DEFAULT_INFLUENCE_SHARE_RULE): Payout {
  const { scores, covering } = recordScores(examples, records);
  const contributors: ContributorPart[] = influenceShares(scores, part, rule).map((s) => ({ contributor: s.contributor, score: s.score, amount: s.amount, records: s.records }));
  const shares = contributors
    .filter((c) => c.amount > 0n)
    .sort((a, b) => (a.amount === b.amount ? (a.contributor < b.contributor ? -1 : 1) : a.amount > b.amount ? -1 : 1))
    .map((c) => ({ account: c.contributor, amount: c.amount }));
  return { contributors, shares, covering };
}
