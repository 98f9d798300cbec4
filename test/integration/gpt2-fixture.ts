/**
 * Shared by the gpt2-*.test.ts files: a tiny GPT-2 folder, LoRA tensors, and running our graphs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildCausalLmGraph, type CausalLmGraphOptions } from '../../engine/models/causal-lm';
import type { LoraTensorSpec } from '../../engine/models/lora';
import { writeTinyModel } from '../fixtures/tiny-models';
import { rng } from '../unit/graph-gradcheck';

export function tinyGpt2(seed = 3): { dir: string; vocab: number; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpt2-'));
  const model = writeTinyModel(dir, { architecture: 'gpt2', seed, layers: 2, hidden: 32, heads: 4 });
  return { dir, vocab: model.vocabSize, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Random non-zero A and B (B non-zero so that A's gradient is too), keyed by input name. */
export function randomLora(specs: readonly LoraTensorSpec[], seed: number, scale = 0.2): Map<string, { data: Float32Array; dims: number[] }> {
  const random = rng(seed);
  return new Map(specs.map((s) => [s.name, { data: Float32Array.from({ length: s.shape[0] * s.shape[1] }, () => (2 * random() - 1) * scale), dims: [...s.shape] }]));
}

/** buildCausalLmGraph, encoded: the graph's specs and a session on it. */
export async function session(dir: string, options: CausalLmGraphOptions) {
  const built = await buildCausalLmGraph(dir, options);
  return { ...built, session: await ort.InferenceSession.create(built.graph.encode()) };
}

export function int64(values: readonly number[], dims: number[]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);
}

export function loraFeeds(lora: Map<string, { data: Float32Array; dims: number[] }>): Record<string, ort.Tensor> {
  return Object.fromEntries([...lora].map(([k, v]) => [k, new ort.Tensor('float32', v.data, v.dims)]));
}

/** ‖ours − ref‖ / ‖ref‖. */
export function relError(ours: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (ours.length !== ref.length) throw new Error(`lengths differ: ${ours.length} vs ${ref.length}`);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < ref.length; i++) {
    diff += (ours[i]! - ref[i]!) ** 2;
    norm += ref[i]! ** 2;
  }
  return Math.sqrt(diff / norm);
}

/** Next-token targets for ids [B, T]: shifted left, -100 at the end and wherever `ignore` says. */
export function shiftedTargets(ids: readonly number[], B: number, T: number, ignore: (b: number, t: number) => boolean = () => false): number[] {
  const out: number[] = [];
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out.push(t === T - 1 || ignore(b, t + 1) ? -100 : ids[b * T + t + 1]!);
  return out;
}
