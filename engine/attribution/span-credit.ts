/**
 * Credits of records for the spans an output shares with them.
 *
 * A span's weight is length × log2(N / count), N the tokens in the index and count the span's
 * occurrences: its length in tokens times the bits of surprise of meeting it at a random position
 * of the data (an IDF). Long spans are what copying leaves, and a long span is rare almost
 * always, so weight grows with length; a span the data repeats everywhere (a boilerplate line,
 * a common phrase) weighs next to nothing, as it says little about which record the output drew
 * on. Infini-gram's n-gram estimates use the same counts (count(span) / N is its unigram-normalised
 * probability of the span); the logarithm turns that into an additive amount of evidence.
 *
 * A span's weight goes in equal parts to the distinct records among the occurrences read (at most
 * maxOccurrences, span-query.ts): a record that holds the span twice gets no more, and a span found
 * in k records gives each 1/k of it. A record's credit is the sum over the spans it holds.
 */
import type { SpanIndex } from './span-index-reader';
import { findSpans, type SpanMatch, type SpanQueryOptions } from './span-query';

export interface CreditedSpan {
  /** First output token of the span. */
  start: number;
  length: number;
  /** Occurrences in the data. */
  count: number;
  /** length × log2(N / count). */
  weight: number;
  /** The records credited for it (distinct, in the order first met), each with the offset of one occurrence. */
  records: { record: number; id: string; offset: number }[];
}

export interface RecordCredit {
  record: number;
  id: string;
  credit: number;
  /** Indices into SpanAttribution.spans of the spans credited to it. */
  spans: number[];
}

export interface SpanAttribution {
  /** Output tokens. */
  outputLength: number;
  /** Output tokens inside at least one kept span. */
  coveredTokens: number;
  spans: CreditedSpan[];
  /** Records with credit, highest first (ties by record order). */
  records: RecordCredit[];
}

export function spanWeight(length: number, count: number, tokens: number): number {
  return count >= tokens ? 0 : length * Math.log2(tokens / count);
}

export function creditSpans(index: SpanIndex, outputLength: number, matches: readonly SpanMatch[]): SpanAttribution {
  const byRecord = new Map<number, RecordCredit>();
  const covered = new Uint8Array(outputLength);
  const spans = matches.map((m, s): CreditedSpan => {
    covered.fill(1, m.start, m.start + m.length);
    const weight = spanWeight(m.length, m.count, index.meta.tokens);
    const records: CreditedSpan['records'] = [];
    for (const o of m.occurrences) if (!records.some((r) => r.record === o.record)) records.push({ record: o.record, id: index.recordId(o.record), offset: o.offset });
    for (const r of records) {
      let credit = byRecord.get(r.record);
      if (!credit) byRecord.set(r.record, (credit = { record: r.record, id: r.id, credit: 0, spans: [] }));
      credit.credit += weight / records.length;
      credit.spans.push(s);
    }
    return { start: m.start, length: m.length, count: m.count, weight, records };
  });
  const records = [...byRecord.values()].sort((a, b) => b.credit - a.credit || a.record - b.record);
  return { outputLength, coveredTokens: covered.reduce((n, c) => n + c, 0), spans, records };
}

/** The spans of an output found in the index, and the records they credit. */
export function attributeSpans(index: SpanIndex, outputIds: ArrayLike<number>, options: SpanQueryOptions = {}): SpanAttribution {
  return creditSpans(index, outputIds.length, findSpans(index, outputIds, options));
}
