/**
 * Shared by the generate*.test.ts files: tiny models, random non-zero LoRA adapters, and the
 * reference the KV-cache decoder must agree with: a full forward pass per step (the 'forward'
 * graph, PEFT's LoRA term with the adapter's own scaling) and the argmax of the last position.
 */
import * as ort from 'onnxruntime-node';
import { initLoraAdapter, loraSettings, type LoraAdapter, type LoraSettingsInput } from '../../engine/lora-io/adapter';
import { buildCausalLmGraph } from '../../engine/models/causal-lm';
import { loadModelConfig } from '../../engine/models/config';
import { loraFeeds } from '../../engine/models/lora';
import { Prng } from '../../engine/train/prng';
import { tempDir } from '../fixtures/temp-dir';
import { writeTinyModel, type TinyArchitecture } from '../fixtures/tiny-models';

export function tinyModel(architecture: TinyArchitecture, seed: number): { dir: string; vocab: number } {
  const model = writeTinyModel(tempDir(`generate-${architecture}-`), { architecture, seed });
  return { dir: model.dir, vocab: model.vocabSize };
}

/** An adapter with PEFT's A and a random B (PEFT's zero B would leave the base unchanged). */
export function randomAdapter(dir: string, input: LoraSettingsInput, seed: number, scale = 0.3): LoraAdapter {
  const config = loadModelConfig(dir);
  const adapter = initLoraAdapter(config, loraSettings(config.modelType, input), seed);
  const rng = new Prng(seed + 1000);
  for (const m of adapter.modules) rng.fillUniform(m.b, -scale, scale);
  return adapter;
}

/** Greedy tokens without a cache: the whole sequence through the forward graph at every step. */
export async function noCacheGreedy(dir: string, prompt: readonly number[], steps: number, adapter: LoraAdapter | null): Promise<number[]> {
  const built = await buildCausalLmGraph(dir, { mode: 'forward', ...(adapter ? { lora: adapter.settings } : {}) });
  const session = await ort.InferenceSession.create(built.graph.encode());
  const lora = adapter ? Object.fromEntries([...loraFeeds(built.lora, adapter)].map(([name, data]) => [name, new ort.Tensor('float32', data, built.lora.find((s) => s.name === name)!.shape)])) : {};
  const ids = [...prompt];
  const out: number[] = [];
  const V = built.config.vocabSize;
  for (let i = 0; i < steps; i++) {
    const logits = (await session.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]), ...lora })).logits!.data as Float32Array;
    const last = logits.subarray((ids.length - 1) * V, ids.length * V);
    let best = 0;
    for (let v = 1; v < V; v++) if (last[v]! > last[best]!) best = v;
    ids.push(best);
    out.push(best);
  }
  await session.release();
  return out;
}
