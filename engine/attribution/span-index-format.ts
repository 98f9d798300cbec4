/**
 * The files of a span index (one folder), all little-endian, read back into typed arrays as they
 * are (span-index-reader.ts), never parsed entry by entry:
 *
 * | file            | holds |
 * |-----------------|-------|
 * | `meta.json`     | SpanIndexMeta: counts, symbol width, what the index was built from |
 * | `tokens.bin`    | the symbol stream, `tokenWidth` bytes a symbol: token id + 1, and 0 after every non-empty segment of a record (the separator) |
 * | `sa.bin`        | uint32 suffix array of the stream without the suffixes that start at a separator (they sort first, symbol 0 being the smallest) |
 * | `starts.bin`    | uint32, one per record plus one: where each record's symbols start (record r is [starts[r], starts[r+1])) |
 * | `ids.jsonl`     | one JSON string a line: the record ids, in record order |
 * | `ids-index.bin` | float64, one per record plus one: byte offset of each line of ids.jsonl |
 *
 * Output token ids are never 0 as symbols, so no match runs into a separator, and so none crosses
 * from one record (or one field of a record) into the next.
 */

export const SPAN_INDEX_FORMAT = 'datanet-studio/span-index@1';

export const FILES = {
  meta: 'meta.json',
  tokens: 'tokens.bin',
  sa: 'sa.bin',
  starts: 'starts.bin',
  ids: 'ids.jsonl',
  idsIndex: 'ids-index.bin',
} as const;

/** The symbol that ends every segment; token ids are stored as id + 1. */
export const SEPARATOR = 0;

/** The longest stream an index holds: the suffix array is built in int32 slots. */
export const MAX_SYMBOLS = 2 ** 31 - 2;

export interface SpanIndexMeta {
  format: typeof SPAN_INDEX_FORMAT;
  /** Token ids are in [0, vocabSize). */
  vocabSize: number;
  /** Bytes a symbol in tokens.bin: 2 when vocabSize + 1 symbols fit in 16 bits, else 4. */
  tokenWidth: 2 | 4;
  records: number;
  /** Symbols in tokens.bin, separators included. */
  symbols: number;
  /** Token positions (symbols that are not separators): entries of sa.bin. */
  tokens: number;
  /** Separators: one after each non-empty segment. */
  separators: number;
  /** Bytes of all the index's files together. */
  indexBytes: number;
  /** Seconds to sort the suffixes (and write sa.bin). */
  sortSeconds: number;
  /** Whatever the caller attached (what the index was built from). */
  source: Record<string, unknown>;
}

export function tokenWidthFor(vocabSize: number): 2 | 4 {
  return vocabSize + 1 <= 0x10000 ? 2 : 4;
}
