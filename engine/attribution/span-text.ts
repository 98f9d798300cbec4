/**
 * Records of text into a span index: batches of records tokenized by a TokenizePool (worker
 * threads), added to the writer in the records' order. At most two batches per worker are in
 * flight, so memory stays bounded however many records come, and every worker has its next batch
 * waiting when it finishes one.
 */
import type { TokenizePool } from '../tokenize/tokenize-pool';
import type { SpanIndexWriter } from './span-index-writer';

export interface TextRecord {
  id: string;
  /** The record's segments (a match never crosses from one into the next). */
  texts: readonly string[];
}

export interface AddTextOptions {
  /** Records a batch (default 1,000). */
  batchRecords?: number;
  signal?: AbortSignal;
  /** After each batch is added: records added so far. */
  onAdded?: (records: number) => void;
}

export async function addTextRecords(writer: SpanIndexWriter, pool: TokenizePool, records: AsyncIterable<TextRecord> | Iterable<TextRecord>, options: AddTextOptions = {}): Promise<number> {
  const batchRecords = options.batchRecords ?? 1000;
  const inFlight: { ids: string[]; counts: number[]; encoded: Promise<Int32Array[]> }[] = [];
  let added = 0;
  const addOldest = async () => {
    const batch = inFlight.shift()!;
    const encoded = await batch.encoded;
    let at = 0;
    batch.ids.forEach((id, r) => {
      writer.add(id, encoded.slice(at, at + batch.counts[r]!));
      at += batch.counts[r]!;
    });
    added += batch.ids.length;
    options.onAdded?.(added);
  };
  let ids: string[] = [];
  let counts: number[] = [];
  let texts: string[] = [];
  const submit = async () => {
    if (ids.length === 0) return;
    inFlight.push({ ids, counts, encoded: pool.encode(texts) });
    ids = [];
    counts = [];
    texts = [];
    if (inFlight.length >= 2 * pool.size) await addOldest();
  };
  try {
    for await (const record of records) {
      options.signal?.throwIfAborted();
      ids.push(record.id);
      counts.push(record.texts.length);
      texts.push(...record.texts);
      if (ids.length >= batchRecords) await submit();
    }
    await submit();
    while (inFlight.length > 0) await addOldest();
  } finally {
    // Nothing left unobserved: a batch that failed after another did must not become an unhandled rejection.
    for (const b of inFlight) b.encoded.catch(() => undefined);
  }
  return added;
}
