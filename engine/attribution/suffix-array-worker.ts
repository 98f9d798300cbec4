/**
 * Sorts a span index's suffixes in a worker thread: a 100 M-token stream takes the better part of
 * a minute of one core, which the app's main thread must not spend. The worker reads tokens.bin,
 * runs SA-IS (suffix-array.ts, whose one self-contained function is sent as source, so the worker
 * needs no module graph and runs the same under the bundled app, tsx and vitest), drops the
 * separators' suffixes and writes sa.bin. Memory, in the worker: the stream as int32 and the
 * suffix array (8 bytes a symbol) plus SA-IS's first recursion level (at most 4 bytes a symbol).
 */
import { Worker } from 'node:worker_threads';
import { suffixArrayInto } from './suffix-array';

export interface SortSuffixesInput {
  tokensFile: string;
  tokenWidth: 2 | 4;
  symbols: number;
  /** Symbols are in [0, alphabetSize). */
  alphabetSize: number;
  /** How many symbols are the separator 0 (their suffixes sort first and are left out). */
  separators: number;
  saFile: string;
}

export interface SortSuffixesOptions {
  signal?: AbortSignal | undefined;
  /** Called as the worker moves on: 'reading', 'sorting', 'writing'. */
  onStage?: ((stage: string) => void) | undefined;
}

// CommonJS, evaluated in the worker.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const suffixArrayInto = ${suffixArrayInto.toString()};
const { tokensFile, tokenWidth, symbols, alphabetSize, separators, saFile } = workerData;
try {
  parentPort.postMessage({ stage: 'reading' });
  const text = new Int32Array(symbols);
  const chunkSymbols = 1 << 22;
  const chunk = Buffer.alloc(chunkSymbols * tokenWidth);
  const fd = fs.openSync(tokensFile, 'r');
  for (let at = 0; at < symbols; ) {
    const want = Math.min(chunkSymbols, symbols - at) * tokenWidth;
    let got = 0;
    while (got < want) {
      const r = fs.readSync(fd, chunk, got, want - got, at * tokenWidth + got);
      if (r === 0) throw new Error(tokensFile + ' ends at symbol ' + (at + got / tokenWidth) + ', before the ' + symbols + ' the index counted');
      got += r;
    }
    const view = tokenWidth === 2 ? new Uint16Array(chunk.buffer, chunk.byteOffset, want / 2) : new Uint32Array(chunk.buffer, chunk.byteOffset, want / 4);
    text.set(view, at);
    at += want / tokenWidth;
  }
  fs.closeSync(fd);
  parentPort.postMessage({ stage: 'sorting' });
  const started = process.hrtime.bigint();
  const sa = new Int32Array(symbols);
  suffixArrayInto(text, sa, alphabetSize);
  const sortSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  // The separator is the smallest symbol: its suffixes are exactly the first ones.
  if (separators > 0 && text[sa[separators - 1]] !== 0) throw new Error('suffix array: fewer separators than counted');
  if (separators < symbols && text[sa[separators]] === 0) throw new Error('suffix array: more separators than counted');
  parentPort.postMessage({ stage: 'writing' });
  const kept = sa.subarray(separators);
  const out = fs.openSync(saFile, 'w');
  const bytes = new Uint8Array(kept.buffer, kept.byteOffset, kept.byteLength);
  for (let at = 0; at < bytes.length; ) at += fs.writeSync(out, bytes, at, Math.min(1 << 26, bytes.length - at));
  fs.closeSync(out);
  parentPort.postMessage({ done: true, sortSeconds });
} catch (error) {
  parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
`;

/** Builds sa.bin from tokens.bin in a worker thread; resolves with the seconds SA-IS took. Aborting terminates the worker. */
export function sortSuffixes(input: SortSuffixesInput, options: SortSuffixesOptions = {}): Promise<{ sortSeconds: number }> {
  const { signal, onStage } = options;
  signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: input });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      settle(() => reject(signal!.reason as Error));
      void worker.terminate();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: { stage?: string; done?: boolean; sortSeconds?: number; error?: string }) => {
      if (m.stage !== undefined) onStage?.(m.stage);
      else if (m.error !== undefined) settle(() => reject(new Error(m.error)));
      else if (m.done) settle(() => resolve({ sortSeconds: m.sortSeconds! }));
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) => settle(() => reject(new Error(`the suffix sorting worker exited (code ${code}) before it finished`))));
  });
}
