// Decoding with a KV cache (issue 7): the engine's Generator against PyTorch on the benchmark's
// GPT-2-shaped model (6 layers, width 512, vocabulary 50,257; bench/engine/bench-model.ts), both
// greedy, float32, with the same thread count, 128 tokens after a short prompt, and against the
// memory-bandwidth limit measured in the same run: weight bytes read per token (every matrix and
// vector of the blocks, the tied LM head, one embedding row) over the read bandwidth.
//
// The peer is a plain-torch GPT-2 with a KV cache, eager (bench/engine/decode-torch.py), and the
// bandwidth comes from a third process (bench/engine/decode-bandwidth.py), so neither's memory
// counts toward the engine's peak. The three take turns for ROUNDS rounds; each figure is the
// best round (on a shared machine the fastest run is the least disturbed one), medians beside.
// Targets: engine/torch ≥ 4, engine/limit ≥ 0.5.
//
// The engine's threads spin between kernels (ONNX Runtime's default) unless the fifth argument is
// "nospin" (engine/generate/decode-session.ts says when that is faster).
//
//   node scripts/run-ts.mjs bench/engine-decode.ts [threads=2] [tokens=128] [rounds=5] [nospin]
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import { Generator } from '../engine/generate/index';
import { openCheckpoint } from '../engine/io/index';
import { benchModelDir } from './engine/bench-model';
import { PythonServer, torchPython } from './engine/decode-python';

const THREADS = Number(process.argv[2] ?? 2);
const TOKENS = Number(process.argv[3] ?? 128);
const ROUNDS = Number(process.argv[4] ?? 5);
const SPIN = process.argv[5] !== 'nospin';
const PROMPT = 'The quick brown fox jumps over the lazy dog';

const python = torchPython();
if (!python) throw new Error('engine-decode needs /usr/bin/python3 with torch and numpy (apt-get install python3-torch)');
const dir = benchModelDir();

/** Bytes of weights one decode step reads: all but the embedding tables, the tied LM head (wte) once, and one row of each table. */
async function weightBytesPerToken(): Promise<number> {
  const ckpt = await openCheckpoint(dir);
  try {
    let bytes = 0;
    for (const name of ckpt.names) {
      const info = ckpt.info(name);
      const size = info.end - info.begin;
      if (name.endsWith('wte.weight')) bytes += size + size / info.shape[0]!; // the LM head, and the embedded token's row
      else if (name.endsWith('wpe.weight')) bytes += size / info.shape[0]!; // the position's row
      else bytes += size;
    }
    return bytes;
  } finally {
    await ckpt.close();
  }
}

// Time inside ONNX Runtime's run, to split a token's time between the runtime and the JavaScript around it.
let runMs = 0;
const proto = (ort.InferenceSession as unknown as { prototype: { run: (...args: unknown[]) => Promise<unknown> } }).prototype;
const run = proto.run;
proto.run = async function (this: unknown, ...args: unknown[]) {
  const start = performance.now();
  try {
    return await run.apply(this, args);
  } finally {
    runMs += performance.now() - start;
  }
};

const torch = await PythonServer.start(python, ['bench/engine/decode-torch.py', dir, String(THREADS)]);
const bandwidth = await PythonServer.start(python, ['bench/engine/decode-bandwidth.py', String(THREADS)]);
const setupStart = performance.now();
const gen = await Generator.open(dir, { threads: THREADS, spinWait: SPIN });
const prompt = gen.tokenizer.encode(PROMPT);
await gen.generate(prompt, { maxTokens: 8, eosTokenIds: [] }); // builds the session
const setupSeconds = (performance.now() - setupStart) / 1000;
await torch.request({ cmd: 'decode', prompt, tokens: 8 });
const bytesPerToken = await weightBytesPerToken();

const engineRates: number[] = [];
const torchRates: number[] = [];
const bandwidths: number[] = [];
const runShares: number[] = [];
let engineIds: number[] = [];
let torchIds: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  runMs = 0;
  const start = performance.now();
  const result = await gen.generate(prompt, { maxTokens: TOKENS, eosTokenIds: [] });
  const ms = performance.now() - start;
  engineRates.push((result.tokenIds.length / ms) * 1000);
  runShares.push(runMs / ms);
  engineIds = result.tokenIds;
  const peer = await torch.request<{ seconds: number; ids: number[] }>({ cmd: 'decode', prompt, tokens: TOKENS });
  torchRates.push(peer.ids.length / peer.seconds);
  torchIds = peer.ids;
  const readers = Object.entries(await bandwidth.request<Record<string, number>>({ cmd: 'measure' })).filter(([k]) => k !== 'bytes');
  bandwidths.push(Math.max(...readers.map(([, v]) => v)));
  console.log(`round ${round + 1}: engine ${engineRates.at(-1)!.toFixed(1)} tok/s, torch ${torchRates.at(-1)!.toFixed(1)} tok/s, read bandwidth ${readers.map(([k, v]) => `${k} ${(v / 1e9).toFixed(1)} GB/s`).join(', ')}`);
}
const torchInfo = await torch.request<{ torch: string; threads: number; blas: string[]; peakRssBytes: number; rssBytes: number }>({ cmd: 'info' });
const engineRss = process.memoryUsage().rss;
torch.stop();
bandwidth.stop();
await gen.close();

const best = (xs: number[]) => Math.max(...xs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const engineBest = best(engineRates);
const torchBest = best(torchRates);
const bw = best(bandwidths);
const limit = bw / bytesPerToken;
const enginePeak = process.resourceUsage().maxRSS * 1024;
const same = engineIds.findIndex((id, i) => id !== torchIds[i]);
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const ram = os.totalmem();

console.log(`
model: ${dir} (GPT-2, 6 layers, width 512, vocabulary 50,257), ${TOKENS} tokens after a ${prompt.length}-token prompt, greedy, ${THREADS} threads (engine's ${SPIN ? '' : 'not '}spinning), ${ROUNDS} rounds
onnxruntime-node ${ort.env.versions.node ?? ort.env.versions.common}; torch ${torchInfo.torch} (${torchInfo.threads} threads); ${torchInfo.blas.join(' | ') || 'BLAS: not reported'}
weights read per token: ${(bytesPerToken / 1e6).toFixed(1)} MB; read bandwidth (best reader, best round): ${(bw / 1e9).toFixed(1)} GB/s → limit ${limit.toFixed(0)} tokens/s
engine session built in ${setupSeconds.toFixed(1)} s; time inside ONNX Runtime's run: ${(100 * median(runShares)).toFixed(0)}% (median round)
same tokens as torch: ${same < 0 ? `all ${engineIds.length}` : `the first ${same} of ${engineIds.length}`}

| measure | best | median |
|---|---|---|
| engine (KV cache) | ${engineBest.toFixed(1)} tok/s | ${median(engineRates).toFixed(1)} tok/s |
| PyTorch eager (KV cache) | ${torchBest.toFixed(1)} tok/s | ${median(torchRates).toFixed(1)} tok/s |
| bandwidth limit | ${limit.toFixed(0)} tok/s | ${(median(bandwidths) / bytesPerToken).toFixed(0)} tok/s |
| engine / torch (target ≥ 4) | ${(engineBest / torchBest).toFixed(2)} | ${(median(engineRates) / median(torchRates)).toFixed(2)} |
| engine / limit (target ≥ 0.5) | ${(engineBest / limit).toFixed(2)} | ${(median(engineRates) / (median(bandwidths) / bytesPerToken)).toFixed(2)} |

peak RSS: engine ${mb(enginePeak)} (${((100 * enginePeak) / ram).toFixed(1)}% of ${mb(ram)}), torch ${mb(torchInfo.peakRssBytes)} (${((100 * torchInfo.peakRssBytes) / ram).toFixed(1)}%)
RSS after the runs: engine ${mb(engineRss)}, torch ${mb(torchInfo.rssBytes)}`);
