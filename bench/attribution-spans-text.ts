// The span index's build from text, as the app builds it (electron/backend/attribution/span-index.ts):
// each record's texts tokenized by a byte-level BPE tokenizer through the app's tokenizer
// (engine/tokenize, transformers.js), streamed to the index writer, suffixes sorted by SA-IS in a
// worker. bench/attribution-spans.ts builds from token ids and leaves tokenizing out; this one
// times both, so "a version of about 100 M tokens indexed in under 10 minutes" holds for text.
//
// The text: a vocabulary of 20,000 made-up words (1 to 4 syllables), drawn by a Zipf law
// (s = 1.0) into sentences with punctuation; each record a prompt of 6 to 22 words and a response
// of 12 to 46 (about 100 tokens a record). The tokenizer: BPE merges learned from a 60,000-word sample of the same text
// (test/fixtures/tiny-models-tokenizer.ts, the fixtures' learner), so frequent words are one token
// and rare ones a few, as with a real tokenizer on its own language (chars per token printed).
// Generating the text is not timed; reading records from SQLite is not part of it either.
//
// Tokenized as the app tokenizes (engine/tokenize/tokenize-pool.ts: worker threads, records added
// in order by engine/attribution/span-text.ts), or with workers = 0 on the main thread.
//
//   node scripts/run-ts.mjs bench/attribution-spans-text.ts [records=1000000] [merges=2000] [workers]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SpanIndexWriter } from '../engine/attribution/span-index-writer';
import { loadTokenizer } from '../engine/tokenize/load';
import { TokenizePool } from '../engine/tokenize/tokenize-pool';
import { addTextRecords, type TextRecord } from '../engine/attribution/span-text';
import { Prng } from '../engine/train/prng';
import { buildBpeTokenizer, learnMerges } from '../test/fixtures/tiny-models-tokenizer';

const RECORDS = Number(process.argv[2] ?? 1_000_000);
const MERGES = Number(process.argv[3] ?? 2000);
/** Tokenizing threads, as the app's TokenizePool (default: its default); 0: on the main thread. */
const WORKERS = Number(process.argv[4] ?? Math.max(1, Math.min(4, os.availableParallelism())));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-bench-spans-text-'));

const rng = new Prng(7);
const ONSETS = ['', 'b', 'c', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'st', 'tr', 'pl', 'ch', 'sh', 'gr', 'br'];
const NUCLEI = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'ou', 'io'];
const CODAS = ['', '', 'n', 'r', 's', 't', 'l', 'm', 'nd', 'st'];
const syllable = () => ONSETS[rng.nextInt(ONSETS.length)]! + NUCLEI[rng.nextInt(NUCLEI.length)]! + CODAS[rng.nextInt(CODAS.length)]!;
const words = [...new Set(Array.from({ length: 26_000 }, () => Array.from({ length: 1 + rng.nextInt(4) }, syllable).join('')))].slice(0, 20_000);

const cdf = new Float64Array(words.length);
let total = 0;
for (let i = 0; i < words.length; i++) cdf[i] = total += 1 / (i + 1);
function word(): string {
  const u = rng.nextFloat() * total;
  let lo = 0;
  let hi = words.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return words[lo]!;
}
function sentence(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let w = word();
    if (i === 0) w = w[0]!.toUpperCase() + w.slice(1);
    const mark = rng.nextFloat();
    out.push(i === n - 1 ? `${w}.` : mark < 0.08 ? `${w},` : w);
  }
  return out.join(' ');
}

console.log(`learning ${MERGES} merges from a 60,000-word sample...`);
let t = performance.now();
const merges = learnMerges(sentence(60_000), MERGES);
const tokenizerDir = path.join(root, 'tokenizer');
fs.mkdirSync(tokenizerDir);
const bpe = buildBpeTokenizer(merges, ['<|endoftext|>']);
fs.writeFileSync(path.join(tokenizerDir, 'tokenizer.json'), JSON.stringify(bpe.json));
fs.writeFileSync(path.join(tokenizerDir, 'tokenizer_config.json'), JSON.stringify({ tokenizer_class: 'GPT2Tokenizer', eos_token: '<|endoftext|>', model_max_length: 1024 }));
const tokenizer = await loadTokenizer(tokenizerDir);
console.log(`  ${merges.length} merges, vocabulary ${bpe.size}, in ${((performance.now() - t) / 1000).toFixed(1)} s`);

const writer = new SpanIndexWriter({ dir: path.join(root, 'index'), vocabSize: bpe.size, source: { bench: 'attribution-spans-text', records: RECORDS } });
let chars = 0;
let generateMs = 0;
/** The records, generated on demand (their generation timed apart). */
function* records(): Generator<TextRecord> {
  for (let r = 0; r < RECORDS; r++) {
    const g = performance.now();
    const texts = [sentence(6 + rng.nextInt(17)), sentence(12 + rng.nextInt(35))];
    chars += texts[0]!.length + texts[1]!.length;
    generateMs += performance.now() - g;
    yield { id: `item-${r}@${r}`, texts };
  }
}
const progress = (n: number) => n % 100_000 === 0 && console.log(`  ${n} records tokenized and added`);
t = performance.now();
if (WORKERS === 0) {
  // On this thread, as the app did before the pool.
  let n = 0;
  for (const r of records()) {
    writer.add(r.id, r.texts.map((text) => tokenizer.encode(text)));
    progress(++n);
  }
} else {
  const pool = await TokenizePool.open(tokenizerDir, { workers: WORKERS });
  await addTextRecords(writer, pool, records(), { batchRecords: 500, onAdded: progress });
  await pool.close();
}
const tokenizeMs = performance.now() - t - generateMs;
t = performance.now();
const meta = await writer.finish();
const finishMs = performance.now() - t;
const buildS = (tokenizeMs + finishMs) / 1000;
fs.rmSync(root, { recursive: true, force: true });

console.log(`\nversion: ${meta.records} records, ${meta.tokens} tokens, ${chars} characters (${(chars / meta.tokens).toFixed(2)} a token)`);
console.log(`tokenized and streamed to disk: ${(tokenizeMs / 1000).toFixed(1)} s (${(meta.tokens / (tokenizeMs / 1000) / 1e6).toFixed(2)} M tokens/s, ${(chars / (tokenizeMs / 1000) / 1e6).toFixed(2)} M chars/s, ${WORKERS === 0 ? 'on the main thread' : `${WORKERS} worker threads`}); generating the text ${(generateMs / 1000).toFixed(1)} s, not counted`);
console.log(`suffixes sorted ${meta.sortSeconds.toFixed(1)} s (SA-IS); finish ${(finishMs / 1000).toFixed(1)} s in all`);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
console.log('\n| measure | measured | limit | ratio |\n|---|---|---|---|');
console.log(`| index build from text (${meta.tokens} tokens), tokenizing included | ${buildS.toFixed(1)} s | 600 s | ${(buildS / 600).toFixed(3)} |`);
