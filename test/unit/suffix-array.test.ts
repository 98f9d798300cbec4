import { describe, expect, it } from 'vitest';
import { buildSuffixArray, suffixArrayInto } from '../../engine/attribution/suffix-array';
import { longestMatch, suffixRange } from '../../engine/attribution/suffix-array-search';
import { Prng } from '../../engine/train/prng';

/** Suffixes sorted by comparing them symbol by symbol (a suffix that ends first sorts first). */
function naiveSuffixArray(t: Int32Array): number[] {
  const order = Array.from({ length: t.length }, (_, i) => i);
  return order.sort((a, b) => {
    for (;;) {
      if (a === t.length) return -1;
      if (b === t.length) return 1;
      if (t[a] !== t[b]) return t[a]! - t[b]!;
      a++;
      b++;
    }
  });
}

function randomText(rng: Prng, n: number, alphabet: number): Int32Array {
  return Int32Array.from({ length: n }, () => rng.nextInt(alphabet));
}

function fibonacciWord(n: number): Int32Array {
  let a = [0];
  let b = [0, 1];
  while (b.length < n) [a, b] = [b, [...b, ...a]];
  return Int32Array.from(b.slice(0, n));
}

const expectSorted = (t: Int32Array, alphabet: number) => expect([...buildSuffixArray(t, alphabet)]).toEqual(naiveSuffixArray(t));

describe('SA-IS suffix array', () => {
  it('equals a naive sort on random texts of every small size and alphabet', () => {
    const rng = new Prng(7);
    for (let trial = 0; trial < 3000; trial++) {
      const n = rng.nextInt(80);
      const alphabet = 1 + Math.floor(rng.nextFloat() * (trial % 3 === 0 ? 2 : trial % 3 === 1 ? 5 : 300));
      expectSorted(randomText(rng, n, alphabet), alphabet);
    }
  });

  it('equals a naive sort on larger texts, where SA-IS recurses several levels', () => {
    const rng = new Prng(11);
    for (const [n, alphabet] of [[5000, 2], [20000, 4], [20000, 50000]] as const) expectSorted(randomText(rng, n, alphabet), alphabet);
  });

  it('handles repetitive texts: empty, one symbol, all equal, periodic, Fibonacci words, runs', () => {
    expect([...buildSuffixArray(new Int32Array(0), 1)]).toEqual([]);
    expect([...buildSuffixArray(Int32Array.of(3), 4)]).toEqual([0]);
    // All equal: every suffix is a prefix of the longer ones, so the shortest sorts first.
    expect([...buildSuffixArray(new Int32Array(1000).fill(5), 6)]).toEqual(Array.from({ length: 1000 }, (_, i) => 999 - i));
    for (const period of [[0, 1], [1, 0], [2, 0, 1], [0, 0, 1], [1, 1, 1, 0], [3, 1, 4, 1, 5, 9, 2, 6]]) {
      const t = Int32Array.from({ length: 997 }, (_, i) => period[i % period.length]!);
      expectSorted(t, 10);
    }
    expectSorted(fibonacciWord(4181), 2);
    const runs = Int32Array.from({ length: 3000 }, (_, i) => Math.floor(Math.sqrt(i)) % 3);
    expectSorted(runs, 3);
  });

  it('refuses symbols outside the alphabet and a suffix array of the wrong size, naming the problem', () => {
    expect(() => buildSuffixArray(Int32Array.of(0, 4, 1), 4)).toThrow('symbol 4 at 1 is outside [0, 4)');
    expect(() => buildSuffixArray(Int32Array.of(0, -1), 4)).toThrow('symbol -1 at 1');
    expect(() => buildSuffixArray(Int32Array.of(0), 0)).toThrow('alphabetSize must be a positive integer');
    expect(() => suffixArrayInto(Int32Array.of(0, 1), new Int32Array(3), 2)).toThrow('sa has 3 slots for a text of 2 symbols');
  });
});

/** Every start of pattern[from, from + length) in the text, by direct comparison. */
function naiveOccurrences(t: Int32Array, pattern: Int32Array, from: number, length: number): number[] {
  const out: number[] = [];
  for (let p = 0; p + length <= t.length; p++) {
    let k = 0;
    while (k < length && t[p + k] === pattern[from + k]) k++;
    if (k === length) out.push(p);
  }
  return out;
}

function naiveLongest(t: Int32Array, pattern: Int32Array, from: number, to: number): number {
  let best = 0;
  for (let p = 0; p < t.length; p++) {
    let k = 0;
    while (from + k < to && p + k < t.length && t[p + k] === pattern[from + k]) k++;
    if (k > best) best = k;
  }
  return best;
}

describe('suffix array search', () => {
  it('longest matches and occurrence ranges equal a direct scan of the text', () => {
    const rng = new Prng(3);
    for (let trial = 0; trial < 300; trial++) {
      const alphabet = 2 + rng.nextInt(6);
      const t = randomText(rng, 1 + rng.nextInt(400), alphabet);
      const sa = buildSuffixArray(t, alphabet);
      // A pattern made of a piece of the text with a random tail, so long matches happen.
      const start = Math.floor(rng.nextFloat() * t.length);
      const piece = t.slice(start, start + rng.nextInt(30));
      const pattern = Int32Array.from([...piece, ...randomText(rng, 10, alphabet)]);
      for (let from = 0; from < pattern.length; from++) {
        const longest = longestMatch(t, sa, pattern, from, pattern.length);
        expect(longest).toBe(naiveLongest(t, pattern, from, pattern.length));
        for (const length of [longest, Math.max(1, longest - 1), longest + 1]) {
          if (length === 0 || from + length > pattern.length) continue;
          const { lo, hi } = suffixRange(t, sa, pattern, from, length);
          expect([...sa.subarray(lo, hi)].sort((a, b) => a - b)).toEqual(naiveOccurrences(t, pattern, from, length));
        }
      }
    }
  });
});
