/**
 * Writes a span index (span-index-format.ts) from records given one at a time: their symbols go
 * to tokens.bin as they come (nothing of the stream is held in memory), their ids to ids.jsonl;
 * finish() sorts the suffixes in a worker thread and writes the rest. Everything is written into
 * `<dir>.partial` and renamed to `dir` at the end, so a folder named `dir` is always a whole index.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FILES, MAX_SYMBOLS, SEPARATOR, SPAN_INDEX_FORMAT, tokenWidthFor, type SpanIndexMeta } from './span-index-format';
import { sortSuffixes } from './suffix-array-worker';

export interface SpanIndexWriterOptions {
  /** The index's folder; must not exist yet. */
  dir: string;
  /** Token ids are in [0, vocabSize). */
  vocabSize: number;
  /** Kept in meta.json as `source` (what the index was built from). */
  source?: Record<string, unknown>;
}

export interface FinishOptions {
  signal?: AbortSignal | undefined;
  onStage?: ((stage: string) => void) | undefined;
}

/** Grows by doubling; the records' starts and id offsets, a few bytes a record. */
class GrowingArray<T extends Uint32Array | Float64Array> {
  length = 0;
  constructor(private data: T) {}
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new (this.data.constructor as new (n: number) => T)(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  bytes(): Uint8Array {
    return new Uint8Array(this.data.buffer, 0, this.length * this.data.BYTES_PER_ELEMENT);
  }
}

const BUFFER_SYMBOLS = 1 << 20;

export class SpanIndexWriter {
  readonly dir: string;
  readonly staging: string;
  readonly vocabSize: number;
  readonly tokenWidth: 2 | 4;
  private readonly source: Record<string, unknown>;
  private readonly tokensFd: number;
  private readonly idsFd: number;
  private readonly buffer: Uint16Array | Uint32Array;
  private buffered = 0;
  private symbols = 0;
  private separators = 0;
  private idsBytes = 0;
  private readonly starts = new GrowingArray(new Uint32Array(1024));
  private readonly idOffsets = new GrowingArray(new Float64Array(1024));
  private closed = false;

  constructor(options: SpanIndexWriterOptions) {
    if (os.endianness() !== 'LE') throw new Error('span index: the files are little-endian and read back as typed arrays; this machine is big-endian');
    if (!Number.isInteger(options.vocabSize) || options.vocabSize < 1 || options.vocabSize >= 2 ** 32 - 1) {
      throw new Error(`span index: vocabSize must be a positive integer below 2^32 - 1 (got ${options.vocabSize})`);
    }
    this.dir = path.resolve(options.dir);
    if (fs.existsSync(this.dir)) throw new Error(`span index: ${this.dir} exists; an index is written into a new folder`);
    this.staging = `${this.dir}.partial`;
    fs.rmSync(this.staging, { recursive: true, force: true });
    fs.mkdirSync(this.staging, { recursive: true });
    this.vocabSize = options.vocabSize;
    this.tokenWidth = tokenWidthFor(options.vocabSize);
    this.source = options.source ?? {};
    this.buffer = this.tokenWidth === 2 ? new Uint16Array(BUFFER_SYMBOLS) : new Uint32Array(BUFFER_SYMBOLS);
    this.tokensFd = fs.openSync(path.join(this.staging, FILES.tokens), 'w');
    this.idsFd = fs.openSync(path.join(this.staging, FILES.ids), 'w');
  }

  /** Records added so far. */
  get records(): number {
    return this.starts.length;
  }

  /**
   * One record: its id (any string; what attribution credits) and its token segments (its fields,
   * each tokenized on its own). A separator follows each non-empty segment, so no match spans two.
   */
  add(id: string, segments: readonly ArrayLike<number>[]): void {
    if (this.closed) throw new Error('span index: add() after finish() or abort()');
    if (typeof id !== 'string') throw new Error(`span index: record ${this.records} has no string id`);
    let length = 0;
    for (const s of segments) length += s.length > 0 ? s.length + 1 : 0;
    if (this.symbols + length > MAX_SYMBOLS) throw new Error(`span index: record ${JSON.stringify(id)} takes the stream past ${MAX_SYMBOLS} symbols, the most one index holds`);
    for (const segment of segments) {
      for (let i = 0; i < segment.length; i++) {
        const t = segment[i]!;
        if (!Number.isInteger(t) || t < 0 || t >= this.vocabSize) {
          throw new Error(`span index: record ${JSON.stringify(id)} has token id ${t} at ${i}, outside the vocabulary [0, ${this.vocabSize})`);
        }
      }
    }
    this.starts.push(this.symbols);
    const line = Buffer.from(`${JSON.stringify(id)}\n`);
    this.idOffsets.push(this.idsBytes);
    writeAll(this.idsFd, line);
    this.idsBytes += line.length;
    for (const segment of segments) {
      if (segment.length === 0) continue;
      for (let i = 0; i < segment.length; i++) this.put(segment[i]! + 1);
      this.put(SEPARATOR);
      this.separators++;
    }
  }

  private put(symbol: number): void {
    this.buffer[this.buffered++] = symbol;
    this.symbols++;
    if (this.buffered === this.buffer.length) this.flush();
  }

  private flush(): void {
    const view = this.buffer.subarray(0, this.buffered);
    writeAll(this.tokensFd, new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    this.buffered = 0;
  }

  /** Sorts the suffixes (in a worker thread), writes the remaining files and moves the index into place. */
  async finish(options: FinishOptions = {}): Promise<SpanIndexMeta> {
    if (this.closed) throw new Error('span index: finish() twice, or after abort()');
    this.closed = true;
    try {
      this.flush();
      fs.closeSync(this.tokensFd);
      fs.closeSync(this.idsFd);
      this.starts.push(this.symbols);
      this.idOffsets.push(this.idsBytes);
      fs.writeFileSync(path.join(this.staging, FILES.starts), this.starts.bytes());
      fs.writeFileSync(path.join(this.staging, FILES.idsIndex), this.idOffsets.bytes());
      const { sortSeconds } = await sortSuffixes(
        {
          tokensFile: path.join(this.staging, FILES.tokens),
          tokenWidth: this.tokenWidth,
          symbols: this.symbols,
          alphabetSize: this.vocabSize + 1,
          separators: this.separators,
          saFile: path.join(this.staging, FILES.sa),
        },
        options,
      );
      const meta: SpanIndexMeta = {
        format: SPAN_INDEX_FORMAT,
        vocabSize: this.vocabSize,
        tokenWidth: this.tokenWidth,
        records: this.starts.length - 1,
        symbols: this.symbols,
        tokens: this.symbols - this.separators,
        separators: this.separators,
        indexBytes: 0,
        sortSeconds,
        source: this.source,
      };
      const metaFile = path.join(this.staging, FILES.meta);
      const dataBytes = Object.values(FILES).reduce((sum, f) => (f === FILES.meta ? sum : sum + fs.statSync(path.join(this.staging, f)).size), 0);
      // meta.json counts itself: its size settles once the number's digits do.
      for (let metaBytes = 0; ; ) {
        meta.indexBytes = dataBytes + metaBytes;
        const text = `${JSON.stringify(meta, null, 2)}\n`;
        if (Buffer.byteLength(text) === metaBytes) {
          fs.writeFileSync(metaFile, text);
          break;
        }
        metaBytes = Buffer.byteLength(text);
      }
      fs.renameSync(this.staging, this.dir);
      return meta;
    } catch (error) {
      fs.rmSync(this.staging, { recursive: true, force: true });
      throw error;
    }
  }

  /** Drops what was written. */
  abort(): void {
    if (!this.closed) {
      this.closed = true;
      fs.closeSync(this.tokensFd);
      fs.closeSync(this.idsFd);
    }
    fs.rmSync(this.staging, { recursive: true, force: true });
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; ) at += fs.writeSync(fd, bytes, at, bytes.length - at);
}
