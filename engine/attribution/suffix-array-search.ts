/**
 * Binary searches of a pattern in a suffix array, with the lcp bounds of Manber and Myers: a
 * suffix between two others shares at least the smaller of their common prefixes with the
 * pattern, so each step compares only the symbols past it. A search costs about log2(N) random
 * reads of the suffix array and of the text, plus the symbols that match.
 *
 * Suffixes are ordered as the suffix array sorted them: symbol by symbol, a suffix that ends
 * first (at the end of the text) sorting first.
 */

export type Symbols = Uint16Array | Uint32Array | Int32Array;

/**
 * The length of the longest prefix of pattern[from, to) that occurs in the text: one binary
 * search for where the pattern would sort; the suffix sharing the most with it is one of the two
 * beside that place.
 */
export function longestMatch(text: Symbols, sa: Uint32Array | Int32Array, pattern: Symbols, from: number, to: number): number {
  const n = text.length;
  const length = to - from;
  let lo = -1;
  let hi = sa.length;
  let lcpLo = 0;
  let lcpHi = 0;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    const p = sa[mid]!;
    let k = lcpLo < lcpHi ? lcpLo : lcpHi;
    while (k < length && p + k < n && text[p + k] === pattern[from + k]) k++;
    if (k === length) {
      hi = mid;
      lcpHi = k;
    } else if (p + k === n || text[p + k]! < pattern[from + k]!) {
      lo = mid;
      lcpLo = k;
    } else {
      hi = mid;
      lcpHi = k;
    }
  }
  return lcpLo > lcpHi ? lcpLo : lcpHi;
}

/**
 * The first rank whose suffix does not sort before pattern[from, from + length) (upper: false), or
 * the first whose suffix sorts after every suffix starting with it (upper: true). The ranks of the
 * pattern's occurrences are [bound(false), bound(true)).
 */
export function rankBound(text: Symbols, sa: Uint32Array | Int32Array, pattern: Symbols, from: number, length: number, upper: boolean): number {
  const n = text.length;
  let lo = -1;
  let hi = sa.length;
  let lcpLo = 0;
  let lcpHi = 0;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    const p = sa[mid]!;
    let k = lcpLo < lcpHi ? lcpLo : lcpHi;
    while (k < length && p + k < n && text[p + k] === pattern[from + k]) k++;
    const before = k === length ? upper : p + k === n || text[p + k]! < pattern[from + k]!;
    if (before) {
      lo = mid;
      lcpLo = k;
    } else {
      hi = mid;
      lcpHi = k;
    }
  }
  return hi;
}

/** The ranks [lo, hi) of the suffixes that start with pattern[from, from + length). */
export function suffixRange(text: Symbols, sa: Uint32Array | Int32Array, pattern: Symbols, from: number, length: number): { lo: number; hi: number } {
  return { lo: rankBound(text, sa, pattern, from, length, false), hi: rankBound(text, sa, pattern, from, length, true) };
}
