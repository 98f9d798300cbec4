/**
 * engine/tokenize/tokenize-pool.ts: worker threads give the ids loadTokenizer's encode gives (no
 * special tokens), batch by batch in submission order, over text with multi-byte characters,
 * special-token strings and empty segments; and engine/attribution/span-text.ts adds records to a
 * span index in their order, the same index as tokenizing on this thread. A folder without a
 * tokenizer is refused with its path; a closed pool refuses work.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTextRecords } from '../../engine/attribution/span-text';
import { SpanIndexWriter } from '../../engine/attribution/span-index-writer';
import { loadTokenizer } from '../../engine/tokenize/load';
import { TokenizePool } from '../../engine/tokenize/tokenize-pool';
import type { Tokenizer } from '../../engine/tokenize/tokenizer';
import { tempDir } from '../fixtures/temp-dir';
import { writeTinyModel } from '../fixtures/tiny-models';

let dir: string;
let tokenizer: Tokenizer;
let pool: TokenizePool;
beforeAll(async () => {
  // Its own folder: the per-test temp dirs go after each test.
  dir = writeTinyModel(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pool-')), 'qwen'), { architecture: 'qwen2', seed: 1 }).dir;
  tokenizer = await loadTokenizer(dir);
  pool = await TokenizePool.open(dir, { workers: 2 });
});
afterAll(async () => {
  await pool.close();
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});

const TEXTS = ['The quick brown fox jumps over the lazy dog.', 'Le café était très bon 🦊, et la crème brûlée aussi.', '', '<|im_start|>user\nhello<|im_end|>', '   spaces   and\ttabs\n\n', 'function add(a, b) { return a + b; } // 42'];

describe('the tokenize pool', () => {
  it('encodes as loadTokenizer does, each batch in submission order', async () => {
    expect(pool.size).toBe(2);
    const batches = Array.from({ length: 7 }, (_, b) => TEXTS.map((t) => `${t} ${b}`).concat(b === 3 ? [] : [TEXTS[b % TEXTS.length]!]));
    const results = await Promise.all(batches.map((texts) => pool.encode(texts)));
    results.forEach((encoded, b) => {
      expect(encoded.map((ids) => [...ids])).toEqual(batches[b]!.map((t) => tokenizer.encode(t)));
    });
    expect(await pool.encode([])).toEqual([]);
  });

  it('adds records to a span index in their order, the same index as this thread builds', async () => {
    const records = Array.from({ length: 2500 }, (_, r) => ({ id: `item-${r}@${r}`, texts: [TEXTS[r % TEXTS.length]!, `answer ${r} ${TEXTS[(r * 7) % TEXTS.length]}`] }));
    const out = tempDir();
    const pooled = new SpanIndexWriter({ dir: path.join(out, 'pooled'), vocabSize: tokenizer.vocabSize + 16, source: {} });
    const seen: number[] = [];
    expect(await addTextRecords(pooled, pool, records, { batchRecords: 100, onAdded: (n) => seen.push(n) })).toBe(2500);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => (i + 1) * 100));
    await pooled.finish();
    const local = new SpanIndexWriter({ dir: path.join(out, 'local'), vocabSize: tokenizer.vocabSize + 16, source: {} });
    for (const r of records) local.add(r.id, r.texts.map((t) => tokenizer.encode(t)));
    await local.finish();
    for (const f of ['tokens.bin', 'sa.bin', 'starts.bin', 'ids.jsonl']) {
      expect(fs.readFileSync(path.join(out, 'pooled', f)).equals(fs.readFileSync(path.join(out, 'local', f))), f).toBe(true);
    }
  });

  it('stops adding when aborted', async () => {
    const controller = new AbortController();
    const writer = new SpanIndexWriter({ dir: path.join(tempDir(), 'aborted'), vocabSize: tokenizer.vocabSize + 16, source: {} });
    const records = (function* () {
      for (let r = 0; ; r++) {
        if (r === 300) controller.abort(new Error('cancelled by the test'));
        yield { id: `r${r}`, texts: ['some text'] };
      }
    })();
    await expect(addTextRecords(writer, pool, records, { batchRecords: 50, signal: controller.signal })).rejects.toThrow('cancelled by the test');
    writer.abort();
  });

  it('refuses a folder without a tokenizer, and work after close', async () => {
    const empty = tempDir();
    await expect(TokenizePool.open(empty, { workers: 1 })).rejects.toThrow(`${empty} has no tokenizer.json`);
    await expect(TokenizePool.open(dir, { workers: 0 })).rejects.toThrow(/workers must be a positive integer, got 0/);
    const one = await TokenizePool.open(dir, { workers: 1 });
    await one.close();
    await expect(one.encode(['x'])).rejects.toThrow(/closed/);
  });
});
