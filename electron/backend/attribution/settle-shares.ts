/**
 * From per-example credits (span attribution's, per version record) to a payout list in wei:
 *
 * 1. Only examples that some contribution record of the adapter's manifest covers can pay (a
 *    record of the version nobody contributed on this chain, or only held-out ones, has no payee).
 * 2. The span share rule (shared/attribution/span-shares.ts: top 100, 1% minimum, largest
 *    remainder) splits the contributors' part of the fee over those examples.
 * 3. An example covered by several contribution records (one contributor gave the whole version,
 *    another a selection of it) splits its amount equally between them, again by largest
 *    remainder (ties: record id order), so no wei is lost or made.
 * 4. A contributor's amount is the sum over their records; the payout list has one share per
 *    contributor with a non-zero amount, largest first (ties: address order). Its sum is the
 *    contributors' part exactly (or nothing when no example is covered).
 */
import { apportion, spanShares, type SpanShareRule, DEFAULT_SPAN_SHARE_RULE } from '../../../shared/attribution/span-shares';

export interface ExampleCredit {
  /** Training record id (`<item id>@<position>`). */
  id: string;
  position: number;
  credit: number;
}

export interface CoveringRecord {
  recordId: string;
  /** Lower-case address. */
  contributor: string;
  /** Version positions the record covers; null: the whole version. */
  positions: ReadonlySet<number> | null;
}

export interface RecordPart {
  recordId: string;
  score: number;
  amount: bigint;
}

export interface ContributorPart {
  contributor: string;
  score: number;
  amount: bigint;
  records: RecordPart[];
}

export interface Payout {
  contributors: ContributorPart[];
  /** One share per contributor paid, in tree order. */
  shares: { account: string; amount: bigint }[];
  /** Per example: the contribution records covering it. */
  covering: Map<string, string[]>;
}

export function spanPayout(credits: readonly ExampleCredit[], records: readonly CoveringRecord[], part: bigint, rule: SpanShareRule = DEFAULT_SPAN_SHARE_RULE): Payout {
  const sorted = [...records].sort((a, b) => (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0));
  const covering = new Map<string, CoveringRecord[]>();
  for (const c of credits) {
    const by = sorted.filter((r) => r.positions === null || r.positions.has(c.position));
    if (by.length > 0) covering.set(c.id, by);
  }
  const payable = credits.filter((c) => covering.has(c.id));
  const perExample = spanShares(payable.map((c) => ({ id: c.id, credit: c.credit })), part, rule);
  const byRecord = new Map<string, RecordPart & { contributor: string }>();
  for (const share of perExample) {
    const by = covering.get(share.id)!;
    const amounts = apportion(share.amount, by.map(() => 1n));
    by.forEach((r, i) => {
      let p = byRecord.get(r.recordId);
      if (!p) byRecord.set(r.recordId, (p = { recordId: r.recordId, contributor: r.contributor, score: 0, amount: 0n }));
      p.score += share.credit / by.length;
      p.amount += amounts[i]!;
    });
  }
  const byContributor = new Map<string, ContributorPart>();
  for (const { contributor, ...p } of byRecord.values()) {
    let c = byContributor.get(contributor);
    if (!c) byContributor.set(contributor, (c = { contributor, score: 0, amount: 0n, records: [] }));
    c.score += p.score;
    c.amount += p.amount;
    c.records.push(p);
  }
  const contributors = [...byContributor.values()].sort((a, b) => (a.amount === b.amount ? b.score - a.score || (a.contributor < b.contributor ? -1 : 1) : a.amount > b.amount ? -1 : 1));
  const shares = contributors
    .filter((c) => c.amount > 0n)
    .sort((a, b) => (a.amount === b.amount ? (a.contributor < b.contributor ? -1 : 1) : a.amount > b.amount ? -1 : 1))
    .map((c) => ({ account: c.contributor, amount: c.amount }));
  return { contributors, shares, covering: new Map([...covering].map(([id, rs]) => [id, rs.map((r) => r.recordId)])) };
}
