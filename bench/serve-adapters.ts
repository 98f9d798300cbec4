// Serving many adapters from one base (issue 8): the local OpenAI-compatible server
// (electron/backend/inference/openai) on the engine's benchmark model (GPT-2 shape, 6 layers,
// width 512, vocabulary 50,257; bench/engine/bench-model.ts) with 16 random LoRA adapters (rank 8
// on c_attn), driven over HTTP by concurrent clients in this process.
//
// 1. Throughput: CLIENTS requests at once, TOKENS tokens each (greedy, ignore_eos), all on one
//    adapter vs each on its own adapter; rounds alternate, best and median. Target: 16 adapters ≥
//    0.8 × one adapter. For reference, the same load through the Generator's shared-LoRA graph as
//    one static batch (what one adapter could get without per-row LoRA).
// 2. Switching adapters: sequential 8-token requests in pairs, the first on another (already read)
//    adapter than the request before, the second on the same one again; and a request on an adapter
//    never used before (read from disk then). The base's sessions built stay at one (no reload),
//    next to what building one costs.
// 3. Memory: RSS (after garbage collection) after the one-adapter load and after the 16-adapter
//    load, against the 15 extra adapters' own bytes. Target: growth ≤ their bytes + 10%.
// 4. Single stream: the engine's Generator (the shared-LoRA/base decode graph, no adapter) against
//    llama.cpp (node-llama-cpp 3.21.1's prebuilt CPU binary) on the same model exported by
//    engine/gguf at f32, same threads, TOKENS_SINGLE tokens after the same prompt ids, greedy,
//    turns taken, best and median. Target: engine/llama.cpp ≥ 1.
//
//   node scripts/run-ts.mjs bench/serve-adapters.ts [threads=2] [rounds=5] [clients=16] [tokens=64] [single=128]
//
// Single-stream turns are twice the rounds: on a shared machine their best round is the least disturbed one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import * as ort from 'onnxruntime-node';
import { getLlama, LlamaLogLevel, type Token } from 'node-llama-cpp';
import { Generator } from '../engine/generate/index';
import { exportGguf } from '../engine/gguf/index';
import { initLoraAdapter, loraSettings, type LoraAdapter } from '../engine/lora-io/adapter';
import { readPeftAdapter, writePeftAdapter } from '../engine/lora-io/peft-files';
import { loadModelConfig } from '../engine/models/config';
import { Prng } from '../engine/train/prng';
import { startOpenAiServer } from '../electron/backend/inference/openai/server';
import { ModelsService } from '../electron/backend/models/service';
import { benchModelDir } from './engine/bench-model';

const THREADS = Number(process.argv[2] ?? 2);
const ROUNDS = Number(process.argv[3] ?? 5);
const CLIENTS = Number(process.argv[4] ?? 16);
const TOKENS = Number(process.argv[5] ?? 64);
const TOKENS_SINGLE = Number(process.argv[6] ?? 128);
const ADAPTERS = 16;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const best = (xs: number[]) => Math.max(...xs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function settledRss(): Promise<{ rss: number; arrayBuffers: number }> {
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(50);
  }
  const m = process.memoryUsage();
  return { rss: m.rss, arrayBuffers: m.arrayBuffers };
}

// ---- a data folder with the base and 17 adapters (16 for the load, one kept unused) ----
const modelDir = benchModelDir();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-bench-serve-'));
const models = new ModelsService(path.join(work, 'data'));
await models.importModel(modelDir, 'bench');
const config = loadModelConfig(modelDir);
let adapterBytes = 0;
for (let i = 1; i <= ADAPTERS + 1; i++) {
  const adapter: LoraAdapter = initLoraAdapter(config, loraSettings('gpt2', { r: 8, alpha: 16, targets: ['c_attn'] }), i);
  const rng = new Prng(100 + i);
  for (const m of adapter.modules) rng.fillUniform(m.b, -0.05, 0.05);
  if (i === 1) adapterBytes = adapter.modules.reduce((n, m) => n + (m.a.length + m.b.length) * 4, 0);
  const dir = path.join(work, `ad${String(i).padStart(2, '0')}`);
  await writePeftAdapter(dir, adapter);
  await models.importAdapter(dir, 'bench');
}
const adapterIds = Array.from({ length: ADAPTERS }, (_, i) => `bench:ad${String(i + 1).padStart(2, '0')}`);

const server = await startOpenAiServer({ models, threads: THREADS, maxBatch: CLIENTS, windowMs: 5 });
const headers = { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' };
let steps: number[] = [];
server.engines.onForward = (p) => {
  if (p.kind === 'step') steps.push(p.rows.length);
};

interface Completion {
  choices: { text: string }[];
  usage: { completion_tokens: number };
}

async function complete(model: string, prompt: string, maxTokens: number): Promise<Completion> {
  const res = await fetch(`${server.url}/completions`, { method: 'POST', headers, body: JSON.stringify({ model, prompt, max_tokens: maxTokens, temperature: 0, ignore_eos: true }) });
  if (res.status !== 200) throw new Error(`${model}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as Completion;
}

const prompts = Array.from({ length: CLIENTS }, (_, i) => `Request ${i + 1}: the quick brown fox jumps over the lazy dog, and then`);

/** CLIENTS requests at once on these models; total completion tokens per second, wall clock. */
async function load(modelsFor: (i: number) => string): Promise<{ rate: number; meanRows: number }> {
  steps = [];
  const start = performance.now();
  const done = await Promise.all(prompts.map((p, i) => complete(modelsFor(i), p, TOKENS)));
  const seconds = (performance.now() - start) / 1000;
  const tokens = done.reduce((n, d) => n + d.usage.completion_tokens, 0);
  if (tokens !== CLIENTS * TOKENS) throw new Error(`expected ${CLIENTS * TOKENS} tokens, got ${tokens}`);
  return { rate: tokens / seconds, meanRows: steps.reduce((a, b) => a + b, 0) / Math.max(1, steps.length) };
}

// ---- warm-up: the base's session is built by the first request ----
let start = performance.now();
await complete('bench', 'Hello', 4);
const buildSeconds = (performance.now() - start) / 1000;
const one = (): string => adapterIds[0]!;
const each = (i: number): string => adapterIds[i % ADAPTERS]!;

// ---- memory: after the one-adapter load, then after the first 16-adapter load ----
await load(one);
await load(one);
const mem1 = await settledRss();
const firstSixteen = await load(each); // reads the other 15 adapters from disk
const mem16 = await settledRss();

// ---- throughput, rounds alternating ----
const rates = { one: [] as number[], sixteen: [] as number[] };
const rows = { one: [] as number[], sixteen: [] as number[] };
for (let round = 0; round < ROUNDS; round++) {
  const a = await load(one);
  const b = await load(each);
  rates.one.push(a.rate);
  rates.sixteen.push(b.rate);
  rows.one.push(a.meanRows);
  rows.sixteen.push(b.meanRows);
  console.log(`round ${round + 1}: one adapter ${a.rate.toFixed(1)} tok/s (${a.meanRows.toFixed(1)} rows/step), 16 adapters ${b.rate.toFixed(1)} tok/s (${b.meanRows.toFixed(1)} rows/step)`);
}

// ---- switching adapters: sequential short requests ----
const latency = async (model: string) => {
  const t = performance.now();
  await complete(model, 'Switch test: once upon a time', 8);
  return performance.now() - t;
};
// In pairs, so each kind is measured at the same moments: the first request of a pair switches
// from the previous pair's adapter, the second repeats it.
const same: number[] = [];
const switched: number[] = [];
for (let i = 0; i < 2 * ADAPTERS; i++) {
  const model = adapterIds[(i * 5) % ADAPTERS]!;
  switched.push(await latency(model));
  same.push(await latency(model));
}
const firstUse = await latency('bench:ad17'); // never used: read from disk, then decoded
const stats = (await server.engines.stats())[0]!.stats;
const idleRss = await settledRss();
await server.close();

// ---- reference: the same one-adapter load as one static batch on the shared-LoRA graph ----
const gen = await Generator.open(modelDir, { threads: THREADS });
const ad01 = await readPeftAdapter(path.join(work, 'ad01'), config);
const promptIds = prompts.map((p) => gen.tokenizer.encode(p));
await gen.generateBatch(promptIds.slice(0, 2), { maxTokens: 4, eosTokenIds: [], adapter: ad01 });
const staticRates: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  start = performance.now();
  const out = await gen.generateBatch(promptIds, { maxTokens: TOKENS, eosTokenIds: [], adapter: ad01 });
  staticRates.push(out.reduce((n, g) => n + g.tokenIds.length, 0) / ((performance.now() - start) / 1000));
}

// ---- single stream: the engine against llama.cpp on the same f32 GGUF ----
const gguf = path.join(work, 'bench-f32.gguf');
await exportGguf({ modelDir, type: 'f32', out: gguf });
const llama = await getLlama({ gpu: false, build: 'never', progressLogs: false, logLevel: LlamaLogLevel.error, maxThreads: THREADS });
const llamaModel = await llama.loadModel({ modelPath: gguf });
const context = await llamaModel.createContext({ contextSize: 512, threads: { ideal: THREADS, min: THREADS } });
const sequence = context.getSequence();
const singlePrompt = gen.tokenizer.encode('The quick brown fox jumps over the lazy dog');
async function llamaRun(): Promise<{ rate: number; ids: number[] }> {
  await sequence.clearHistory();
  const ids: number[] = [];
  const t = performance.now();
  for await (const token of sequence.evaluate(singlePrompt as Token[], { temperature: 0, yieldEogToken: true })) {
    ids.push(token);
    if (ids.length === TOKENS_SINGLE) break;
  }
  return { rate: ids.length / ((performance.now() - t) / 1000), ids };
}
async function engineRun(): Promise<{ rate: number; ids: number[] }> {
  const t = performance.now();
  const out = await gen.generate(singlePrompt, { maxTokens: TOKENS_SINGLE, eosTokenIds: [] });
  return { rate: out.tokenIds.length / ((performance.now() - t) / 1000), ids: out.tokenIds };
}
await engineRun();
await llamaRun();
const single = { engine: [] as number[], llama: [] as number[] };
let engineIds: number[] = [];
let llamaIds: number[] = [];
for (let round = 0; round < 2 * ROUNDS; round++) {
  const e = await engineRun();
  await sleep(200);
  const l = await llamaRun();
  await sleep(200);
  single.engine.push(e.rate);
  single.llama.push(l.rate);
  engineIds = e.ids;
  llamaIds = l.ids;
  console.log(`single stream round ${round + 1}: engine ${e.rate.toFixed(1)} tok/s, llama.cpp ${l.rate.toFixed(1)} tok/s`);
}
await context.dispose();
await llamaModel.dispose();
await llama.dispose();
await gen.close();
fs.rmSync(work, { recursive: true, force: true });

const agree = engineIds.findIndex((id, i) => id !== llamaIds[i]);
const growth = mem16.rss - mem1.rss;
const allowed = (ADAPTERS - 1) * adapterBytes * 1.1;
console.log(`
model: ${modelDir} (GPT-2, 6 layers, width 512, vocabulary 50,257), float32, ${THREADS} threads; onnxruntime-node ${ort.env.versions.node ?? ort.env.versions.common}, node-llama-cpp 3.21.1 (${llama.buildType} build, CPU)
adapters: ${ADAPTERS} (+1 for first use), rank 8 on c_attn, ${mib(adapterBytes)} each; ${CLIENTS} clients × ${TOKENS} tokens over HTTP, greedy, ignore_eos; ${ROUNDS} rounds

| load | best | median | mean rows per step |
|---|---|---|---|
| ${CLIENTS} clients, one adapter | ${best(rates.one).toFixed(1)} tok/s | ${median(rates.one).toFixed(1)} tok/s | ${median(rows.one).toFixed(1)} |
| ${CLIENTS} clients, 16 adapters | ${best(rates.sixteen).toFixed(1)} tok/s | ${median(rates.sixteen).toFixed(1)} tok/s | ${median(rows.sixteen).toFixed(1)} |
| 16 adapters / one adapter (target ≥ 0.8) | ${(best(rates.sixteen) / best(rates.one)).toFixed(2)} | ${(median(rates.sixteen) / median(rates.one)).toFixed(2)} | |
| reference: one static batch, shared-LoRA graph (Generator.generateBatch) | ${best(staticRates).toFixed(1)} tok/s | ${median(staticRates).toFixed(1)} tok/s | ${CLIENTS} |

first 16-adapter round (15 adapters read from disk on the way): ${firstSixteen.rate.toFixed(1)} tok/s
switching (8-token requests, sequential, ${same.length} pairs; median): same adapter as the request before ${median(same).toFixed(1)} ms, another adapter ${median(switched).toFixed(1)} ms (difference ${(median(switched) - median(same)).toFixed(1)} ms), an adapter never used before ${firstUse.toFixed(1)} ms
base sessions built: ${stats.sessionsCreated} (building one, as the first request did: ${buildSeconds.toFixed(2)} s); steps ${stats.steps}, largest batch ${stats.largestBatch}

memory (RSS after GC): after the one-adapter load ${mib(mem1.rss)}, after the first 16-adapter load ${mib(mem16.rss)}: +${mib(growth)} (array buffers +${mib(mem16.arrayBuffers - mem1.arrayBuffers)}) for 15 more adapters of ${mib((ADAPTERS - 1) * adapterBytes)}; allowed +${mib(allowed)} → ${growth <= allowed ? 'met' : 'missed'} (${(growth / ((ADAPTERS - 1) * adapterBytes)).toFixed(2)}× their size); after all runs ${mib(idleRss.rss)}

single stream, ${TOKENS_SINGLE} tokens after a ${singlePrompt.length}-token prompt, ${THREADS} threads, ${single.engine.length} rounds:
| decoder | best | median |
|---|---|---|
| engine (Generator) | ${best(single.engine).toFixed(1)} tok/s | ${median(single.engine).toFixed(1)} tok/s |
| llama.cpp (f32 GGUF) | ${best(single.llama).toFixed(1)} tok/s | ${median(single.llama).toFixed(1)} tok/s |
| engine / llama.cpp (target ≥ 1) | ${(best(single.engine) / best(single.llama)).toFixed(2)} | ${(median(single.engine) / median(single.llama)).toFixed(2)} |
same tokens: ${agree < 0 ? `all ${engineIds.length}` : `the first ${agree} of ${engineIds.length}`}`);
