/**
 * Tokenizing in worker threads, for bulk work (a span index of a whole datanet version: 100 M
 * tokens take minutes of one core with transformers.js). Each worker loads the same folder's
 * tokenizer as loadTokenizer does (offline, read in place) and encodes batches of texts without
 * special tokens; the ids come back as one transferred Int32Array a batch. The calling thread
 * stays free (the backend answers the UI meanwhile) and, with several cores, batches run at once.
 * Results come back in the order batches were submitted.
 *
 * The worker is evaluated source (CommonJS) that requires transformers.js by the path this thread
 * resolved, so it runs the same from the bundled app, run-ts and vitest (as the WAL checkpointer
 * and the suffix array's worker do). test/integration/tokenize-pool.test.ts holds its ids to
 * loadTokenizer's.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { checkTokenizerFolder } from './load';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { AutoTokenizer, env } = require(workerData.module);
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.useFSCache = false;
AutoTokenizer.from_pretrained(workerData.dir, { local_files_only: true }).then(
  (tokenizer) => {
    parentPort.on('message', ({ id, texts }) => {
      try {
        const encoded = texts.map((t) => tokenizer.encode(t, { add_special_tokens: false }));
        const lengths = new Int32Array(encoded.length);
        let total = 0;
        encoded.forEach((ids, i) => { lengths[i] = ids.length; total += ids.length; });
        const ids = new Int32Array(total);
        let at = 0;
        for (const e of encoded) { ids.set(e, at); at += e.length; }
        parentPort.postMessage({ id, ids, lengths }, [ids.buffer, lengths.buffer]);
      } catch (error) {
        parentPort.postMessage({ id, error: String((error && error.message) || error) });
      }
    });
    parentPort.postMessage({ ready: true });
  },
  (error) => parentPort.postMessage({ ready: false, error: String((error && error.message) || error) }),
);
`;

interface Pending {
  resolve: (ids: Int32Array[]) => void;
  reject: (error: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  pending: Map<number, Pending>;
}

export interface TokenizePoolOptions {
  /** Worker threads (default: the cores available, at most 4). */
  workers?: number;
}

export class TokenizePool {
  private next = 0;
  private turn = 0;
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly workers: PoolWorker[],
  ) {}

  static async open(dir: string, options: TokenizePoolOptions = {}): Promise<TokenizePool> {
    const count = options.workers ?? Math.max(1, Math.min(4, os.availableParallelism()));
    if (!Number.isInteger(count) || count < 1) throw new Error(`tokenize pool: workers must be a positive integer, got ${count}`);
    const folder = path.resolve(dir);
    checkTokenizerFolder(folder);
    const module = createRequire(import.meta.url).resolve('@huggingface/transformers');
    const started: PoolWorker[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, dir: folder } });
        started.push({ worker, pending: new Map() });
        await new Promise<void>((resolve, reject) => {
          worker.once('message', (m: { ready: boolean; error?: string }) => (m.ready ? resolve() : reject(new Error(`tokenize pool: the tokenizer in ${folder} did not load in a worker: ${m.error}`))));
          worker.once('error', reject);
        });
      }
    } catch (error) {
      await Promise.all(started.map((w) => w.worker.terminate()));
      throw error;
    }
    const pool = new TokenizePool(folder, started);
    for (const w of started) pool.listen(w);
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  /** Token ids of each text (no special tokens), as loadTokenizer's encode gives them. */
  encode(texts: readonly string[]): Promise<Int32Array[]> {
    if (this.closed) return Promise.reject(new Error('tokenize pool: closed'));
    const w = this.workers[this.turn++ % this.workers.length]!;
    const id = this.next++;
    return new Promise((resolve, reject) => {
      w.pending.set(id, { resolve, reject });
      w.worker.postMessage({ id, texts });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    for (const w of this.workers) this.failAll(w, new Error('tokenize pool: closed'));
  }

  private listen(w: PoolWorker): void {
    w.worker.on('message', (m: { id: number; ids?: Int32Array; lengths?: Int32Array; error?: string }) => {
      const p = w.pending.get(m.id);
      if (!p) return;
      w.pending.delete(m.id);
      if (m.error !== undefined || !m.ids || !m.lengths) return p.reject(new Error(`tokenize pool: ${m.error ?? 'no ids came back'}`));
      const out: Int32Array[] = [];
      let at = 0;
      for (const n of m.lengths) {
        out.push(m.ids.subarray(at, at + n));
        at += n;
      }
      p.resolve(out);
    });
    w.worker.on('error', (error) => this.failAll(w, error));
    w.worker.on('exit', (code) => this.failAll(w, new Error(`tokenize pool: a worker exited (code ${code})`)));
  }

  private failAll(w: PoolWorker, error: Error): void {
    for (const p of w.pending.values()) p.reject(error);
    w.pending.clear();
  }
}
