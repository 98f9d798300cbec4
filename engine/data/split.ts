/**
 * The train/eval split. Each example is ranked by sha256(seed, its record ids) and the lowest
 * `fraction` of them go to eval. A hash rather than a shuffle: the split depends only on which
 * records there are, never on the order they arrive in, and a dataset that grows by a few records
 * moves only a few others across (a shuffle would reshuffle them all). The count is exact:
 * round(fraction × n), never all of them (training needs one), and at least 1 when fraction > 0
 * and there are two or more.
 *
 * Split examples, not packed rows, so an eval example never shares a row with a training one.
 */
import { createHash } from 'node:crypto';

export interface SplitOptions {
  seed: number;
  /** The share of examples held out for eval, in [0, 1). */
  fraction: number;
}

export interface Split<T> {
  train: T[];
  eval: T[];
}

function rank(seed: number, key: string): string {
  return createHash('sha256').update(`${seed}\u0000${key}`).digest('hex');
}

/** Splits items (examples: anything with sourceIds) by seed and fraction; both parts keep the input order. */
export function splitTrainEval<T extends { sourceIds: readonly string[] }>(items: readonly T[], options: SplitOptions): Split<T> {
  const { seed, fraction } = options;
  if (!Number.isSafeInteger(seed)) throw new Error(`split: seed must be an integer, got ${seed}`);
  if (!(fraction >= 0 && fraction < 1)) throw new Error(`split: fraction must be at least 0 and below 1, got ${fraction}`);
  const n = items.length;
  let k = Math.min(Math.round(fraction * n), Math.max(0, n - 1));
  if (fraction > 0 && n >= 2) k = Math.max(1, k);
  if (k === 0) return { train: [...items], eval: [] };
  const keys = items.map((item) => item.sourceIds.join('\n'));
  const ranks = keys.map((key) => rank(seed, key));
  // Equal ranks are the same records twice; only then does the input order decide.
  const byRank = items.map((_, i) => i).sort((a, b) => (ranks[a]! < ranks[b]! ? -1 : ranks[a]! > ranks[b]! ? 1 : a - b));
  const held = new Set(byRank.slice(0, k));
  return { train: items.filter((_, i) => !held.has(i)), eval: items.filter((_, i) => held.has(i)) };
}
