/**
 * Shared by the gguf-*.test.ts files: tiny models with a LoRA adapter, the engine's greedy tokens
 * from a plain no-cache loop, and llama.cpp (node-llama-cpp's prebuilt binary, CPU) generating
 * from an exported GGUF.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { getLlama, LlamaLogLevel, type Llama, type Token } from 'node-llama-cpp';
import { initLoraAdapter, loraSettings, type LoraAdapter } from '../../engine/lora-io/adapter';
import { buildCausalLmGraph } from '../../engine/models/causal-lm';
import { loadModelConfig } from '../../engine/models/config';
import { loraFeeds } from '../../engine/models/lora';
import { Prng } from '../../engine/train/prng';
import { writeTinyModel, type TinyArchitecture } from '../fixtures/tiny-models';

/**
 * Wider than the fixture's default (64, not 32) and with larger weights (std 0.2), so that
 * logits are not all near-ties; Q8_0 rows need multiples of 32 values, which 64 and 128 are.
 */
export function ggufTinyModel(arch: TinyArchitecture, seed = 1): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gguf-${arch}-`));
  writeTinyModel(path.join(dir, 'model'), { architecture: arch, seed, hidden: 64, heads: 4, layers: 2, initStd: 0.2, intermediate: arch === 'gpt2' ? undefined : 128 });
  return { dir: path.join(dir, 'model'), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A rank-8 adapter on every linear layer, A as PEFT initializes it and B random (non-zero, so it changes the output). */
export function randomAdapter(dir: string, seed = 5): LoraAdapter {
  const config = loadModelConfig(dir);
  const adapter = initLoraAdapter(config, loraSettings(config.modelType, { r: 8, alpha: 16, targets: 'all-linear' }), seed);
  const random = new Prng(seed + 1000);
  for (const m of adapter.modules) for (let i = 0; i < m.b.length; i++) m.b[i] = (2 * random.nextFloat() - 1) * 0.3;
  return adapter;
}

export interface GreedyRun {
  tokens: number[];
  /** Top-1 minus top-2 logit at each step. */
  gaps: number[];
}

/** The engine's greedy continuation: the whole sequence through the forward graph each step, argmax of the last position. */
export async function engineGreedy(dir: string, adapter: LoraAdapter | null) {
  const built = await buildCausalLmGraph(dir, { mode: 'forward', lora: adapter?.settings });
  const session = await ort.InferenceSession.create(built.graph.encode());
  const feeds: Record<string, ort.Tensor> = {};
  if (adapter) {
    for (const [name, data] of loraFeeds(built.lora, adapter)) feeds[name] = new ort.Tensor('float32', data, built.lora.find((s) => s.name === name)!.shape);
  }
  const run = async (prompt: readonly number[], steps: number): Promise<GreedyRun> => {
    const ids = [...prompt];
    const tokens: number[] = [];
    const gaps: number[] = [];
    for (let step = 0; step < steps; step++) {
      const out = await session.run({ ...feeds, input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]) });
      const logits = out.logits!;
      const vocab = logits.dims[2]!;
      const last = (logits.data as Float32Array).subarray((ids.length - 1) * vocab, ids.length * vocab);
      let first = last[1]! > last[0]! ? 1 : 0;
      let second = 1 - first;
      for (let v = 2; v < vocab; v++) {
        if (last[v]! > last[first]!) [first, second] = [v, first];
        else if (last[v]! > last[second]!) second = v;
      }
      tokens.push(first);
      gaps.push(last[first]! - last[second]!);
      ids.push(first);
    }
    return { tokens, gaps };
  };
  return { run, release: () => session.release() };
}

/**
 * Of `candidates` seeded random prompts, the one whose greedy continuation is least ambiguous by
 * the engine's own logits: the largest smallest gap between the two best tokens, over the first
 * `strict` steps, and over later steps weighted by 4 (those are compared at f32 and f16 only,
 * whose errors are far below Q8_0's). Chosen before llama.cpp is asked anything, so a near-tie
 * (which any rounding may flip) does not decide the comparison, and no llama.cpp output is picked.
 */
export async function leastAmbiguousPrompt(
  run: (prompt: readonly number[], steps: number) => Promise<GreedyRun>,
  vocab: number,
  options: { candidates: number; length: number; steps: number; strict: number; seed: number },
): Promise<{ prompt: number[]; greedy: GreedyRun; margin: number }> {
  const random = new Prng(options.seed);
  let best: { prompt: number[]; greedy: GreedyRun; margin: number } | null = null;
  for (let c = 0; c < options.candidates; c++) {
    const prompt = Array.from({ length: options.length }, () => Math.floor(random.nextFloat() * vocab));
    const greedy = await run(prompt, options.steps);
    const later = greedy.gaps.slice(options.strict);
    const margin = Math.min(...greedy.gaps.slice(0, options.strict), ...(later.length ? [4 * Math.min(...later)] : []));
    if (!best || margin > best.margin) best = { prompt, greedy, margin };
  }
  return best!;
}

/** llama.cpp from node-llama-cpp's prebuilt binary, CPU only; never downloads or builds. */
export function cpuLlama(): Promise<Llama> {
  return getLlama({ gpu: false, build: 'never', progressLogs: false, logLevel: LlamaLogLevel.error });
}

/** llama.cpp's greedy continuation (temperature 0) of `prompt`'s token ids, end-of-generation tokens included. */
export async function llamaCppGreedy(llama: Llama, file: string, prompt: readonly number[], steps: number, lora?: string): Promise<number[]> {
  const model = await llama.loadModel({ modelPath: file });
  try {
    const context = await model.createContext({ contextSize: 64, threads: 1, ...(lora ? { lora: { adapters: [{ filePath: lora }] } } : {}) });
    const out: number[] = [];
    for await (const token of context.getSequence().evaluate(prompt as Token[], { temperature: 0, yieldEogToken: true })) {
      out.push(token);
      if (out.length === steps) break;
    }
    await context.dispose();
    return out;
  } finally {
    await model.dispose();
  }
}

/** How many tokens agree from the start. */
export function samePrefix(a: readonly number[], b: readonly number[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}
