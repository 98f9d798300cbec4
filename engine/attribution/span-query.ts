/**
 * The spans of an output that occur in a span index, and where.
 *
 * Matching statistics first: for each output position i, ms[i] is the length of the longest
 * prefix of output[i..] found in the data (one binary search, suffix-array-search.ts). The span
 * [i, i + ms[i]) is maximal, contained in no other span found, exactly when it ends further right
 * than the one from i - 1 (ms[i] + i > ms[i-1] + i - 1; ends never move left, since ms[i] ≥
 * ms[i-1] - 1). Maximal spans of at least `minLength` tokens are kept; they may overlap. For each,
 * its occurrences are the suffix array's range of suffixes that start with it (two more binary
 * searches); at most `maxOccurrences` of them are read, evenly spaced over the range (the
 * suffixes of a range sort by what follows the span, which says nothing of which record is the
 * source), and mapped to records.
 */
import type { SpanIndex } from './span-index-reader';
import { longestMatch, suffixRange } from './suffix-array-search';

export interface SpanQueryOptions {
  /** Shorter spans are dropped (default 4 tokens: a few words, below which most matches are common phrases). */
  minLength?: number;
  /** Occurrences read per span (default 32). */
  maxOccurrences?: number;
}

export interface SpanOccurrence {
  record: number;
  /** The span's first symbol in the record (separators between its segments counted). */
  offset: number;
}

export interface SpanMatch {
  /** First output token of the span. */
  start: number;
  /** Tokens in the span. */
  length: number;
  /** Times it occurs in the data. */
  count: number;
  /** The occurrences read (all when count ≤ maxOccurrences), in suffix array order. */
  occurrences: SpanOccurrence[];
}

export const DEFAULT_MIN_LENGTH = 4;
export const DEFAULT_MAX_OCCURRENCES = 32;

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`span query: ${name} must be a positive integer (got ${value})`);
  return value;
}

/** Output token ids as the index's symbols (id + 1); an id outside the vocabulary is an error naming it. */
export function outputSymbols(index: SpanIndex, outputIds: ArrayLike<number>): Uint32Array {
  const symbols = new Uint32Array(outputIds.length);
  for (let i = 0; i < outputIds.length; i++) {
    const id = outputIds[i]!;
    if (!Number.isInteger(id) || id < 0 || id >= index.meta.vocabSize) {
      throw new Error(`span query: output token ${i} is ${id}, outside the index's vocabulary [0, ${index.meta.vocabSize})`);
    }
    symbols[i] = id + 1;
  }
  return symbols;
}

/** ms[i]: the longest prefix of output[i..] that occurs in the data. */
export function matchingStatistics(index: SpanIndex, symbols: Uint32Array): Int32Array {
  const ms = new Int32Array(symbols.length);
  for (let i = 0; i < symbols.length; i++) ms[i] = longestMatch(index.text, index.sa, symbols, i, symbols.length);
  return ms;
}

export function findSpans(index: SpanIndex, outputIds: ArrayLike<number>, options: SpanQueryOptions = {}): SpanMatch[] {
  const minLength = positiveInteger('minLength', options.minLength ?? DEFAULT_MIN_LENGTH);
  const maxOccurrences = positiveInteger('maxOccurrences', options.maxOccurrences ?? DEFAULT_MAX_OCCURRENCES);
  const symbols = outputSymbols(index, outputIds);
  const ms = matchingStatistics(index, symbols);
  const spans: SpanMatch[] = [];
  let lastEnd = 0;
  for (let i = 0; i < ms.length; i++) {
    const end = i + ms[i]!;
    if (end > lastEnd && ms[i]! >= minLength) {
      const { lo, hi } = suffixRange(index.text, index.sa, symbols, i, ms[i]!);
      const count = hi - lo;
      const read = Math.min(count, maxOccurrences);
      const occurrences: SpanOccurrence[] = [];
      for (let k = 0; k < read; k++) {
        const position = index.sa[lo + Math.floor((k * count) / read)]!;
        const record = index.recordOf(position);
        occurrences.push({ record, offset: position - index.starts[record]! });
      }
      spans.push({ start: i, length: ms[i]!, count, occurrences });
    }
    if (end > lastEnd) lastEnd = end;
  }
  return spans;
}
