/**
 * The Llama LoRA training graph without PyTorch: one LoRA gradient entry against a central finite
 * difference of the graph's own loss, and plain SGD on the LoRA tensors lowering the loss, so the
 * backward pass is checked on machines where the torch reference test skips.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { loraSettings } from '../../engine/lora-io/adapter';
import { buildCausalLmGraph, type CausalLmGraph } from '../../engine/models/causal-lm';
import { tempDir } from '../fixtures/temp-dir';
import { writeTinyModel } from '../fixtures/tiny-models';
import { rng } from '../unit/graph-gradcheck';

const [B, T] = [2, 6];

async function setup(architecture: 'llama' | 'qwen2') {
  const model = writeTinyModel(tempDir('llama-train-'), { architecture, seed: 2, layers: 1 });
  const built: CausalLmGraph = await buildCausalLmGraph(model.dir, { mode: 'train', lora: loraSettings(architecture, { r: 2, alpha: 4 }) });
  const session = await ort.InferenceSession.create(built.graph.encode());
  const random = rng(9);
  const ids = Array.from({ length: B * T }, () => Math.floor(random() * model.vocabSize));
  const targets = ids.map((_, i) => (i % T === T - 1 ? -100 : ids[i + 1]!));
  const lora = new Map(built.lora.map((s) => [s.name, Float32Array.from({ length: s.shape[0] * s.shape[1] }, () => 0.4 * (random() - 0.5))]));
  const run = async () => {
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [B, T]),
      targets: new ort.Tensor('int64', BigInt64Array.from(targets, BigInt), [B, T]),
    };
    for (const s of built.lora) feeds[s.name] = new ort.Tensor('float32', lora.get(s.name)!, s.shape);
    const out = await session.run(feeds);
    const grads = new Map(built.lora.map((s) => [s.name, out[`grad.${s.name}`]!.data as Float32Array]));
    return { loss: (out.loss!.data as Float32Array)[0]!, grads };
  };
  return { built, lora, run };
}

describe('Llama LoRA training graph', () => {
  it('graph inputs are PEFT keys: q_proj and v_proj A [r, in] and B [out, r] in each layer by default', async () => {
    const { built } = await setup('llama');
    expect(built.lora.map((s) => [s.name, s.shape])).toEqual([
      ['base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight', [2, 32]],
      ['base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight', [32, 2]],
      ['base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight', [2, 32]],
      // Two kv heads of 8: v_proj is 16 wide.
      ['base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight', [16, 2]],
    ]);
  });

  it.each(['llama', 'qwen2'] as const)('%s: a LoRA gradient entry matches a central finite difference of the loss', async (arch) => {
    const { built, lora, run } = await setup(arch);
    const { grads } = await run();
    for (const spec of [built.lora[0]!, built.lora[3]!]) {
      const values = lora.get(spec.name)!;
      const g = grads.get(spec.name)!;
      // The entry with the largest gradient: its finite difference stands well above f32 rounding.
      const k = g.reduce((best, v, i) => (Math.abs(v) > Math.abs(g[best]!) ? i : best), 0);
      const h = 1e-2;
      const original = values[k]!;
      values[k] = original + h;
      const up = (await run()).loss;
      values[k] = original - h;
      const down = (await run()).loss;
      values[k] = original;
      const numeric = (up - down) / (2 * h);
      expect(Math.abs(g[k]!), spec.name).toBeGreaterThan(1e-3);
      expect(Math.abs(numeric - g[k]!), `${spec.name}[${k}]: analytic ${g[k]}, numeric ${numeric}`).toBeLessThan(2e-2 * Math.abs(g[k]!) + 2e-5);
    }
  });

  it('SGD steps on the LoRA tensors lower the loss', async () => {
    const { built, lora, run } = await setup('llama');
    const first = await run();
    let last = first;
    for (let step = 0; step < 15; step++) {
      for (const s of built.lora) {
        const values = lora.get(s.name)!;
        const g = last.grads.get(s.name)!;
        for (let i = 0; i < values.length; i++) values[i]! -= 0.5 * g[i]!;
      }
      last = await run();
    }
    expect(last.loss).toBeLessThan(first.loss - 0.05);
  });

  it('attention_mask: what a padded position holds does not reach the positions that are kept', async () => {
    const model = writeTinyModel(tempDir('llama-mask-'), { architecture: 'qwen2', seed: 4, layers: 2 });
    const built = await buildCausalLmGraph(model.dir, { mode: 'forward', attentionMask: true });
    const session = await ort.InferenceSession.create(built.graph.encode());
    const mask = [0, 0, 1, 1, 1, 1];
    const logitsWith = async (pad: number) => {
      const ids = [pad, pad, 5, 9, 2, 7];
      const out = await session.run({
        input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, 6]),
        attention_mask: new ort.Tensor('int64', BigInt64Array.from(mask, BigInt), [1, 6]),
      });
      return Array.from((out.logits!.data as Float32Array).subarray(2 * model.vocabSize));
    };
    const a = await logitsWith(1);
    const b = await logitsWith(17);
    expect(a.length).toBe(4 * model.vocabSize);
    expect(a).toEqual(b);
  });
});
