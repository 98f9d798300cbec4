/**
 * GPT-2 LoRA graphs without PyTorch: the LoRA configuration as PEFT resolves it, checkpoint
 * loading, one LoRA gradient entry per tensor kind against central differences through ORT, and
 * plain SGD on the LoRA tensors lowering the loss on a repeated sequence.
 */
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../engine/graph/index';
import { loadModelConfig } from '../../engine/models/config';
import { initLoraAdapter, loraSettings } from '../../engine/lora-io/adapter';
import { selectModules } from '../../engine/lora-io/modules';
import { peftKeys } from '../../engine/lora-io/peft-files';
import { dropoutMaskName, loraFeeds as adapterFeeds } from '../../engine/models/lora';
import { ModelWeights, transpose2d } from '../../engine/models/weights';
import { writeTinyModel } from '../fixtures/tiny-models';
import { rng } from '../unit/graph-gradcheck';
import { int64, loraFeeds, randomLora, session, shiftedTargets, tinyGpt2 } from './gpt2-fixture';

const model = tinyGpt2(4);
afterAll(() => model.cleanup());

describe('GPT-2 LoRA configuration', () => {
  const cfg = loadModelConfig(model.dir);

  it("defaults to PEFT's gpt2 target (c_attn); all-linear adds both c_proj and c_fc", () => {
    const modules = (targets?: string[] | string) => selectModules(cfg, loraSettings('gpt2', { targets }).targetModules);
    expect(modules().map((m) => m.module)).toEqual(['transformer.h.0.attn.c_attn', 'transformer.h.1.attn.c_attn']);
    const all = modules('all-linear');
    expect(all.map((m) => m.module.replace(/^transformer\.h\.0\./, ''))).toEqual(['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj', ...all.slice(4).map((m) => m.module)]);
    expect(all).toHaveLength(8);
    // PEFT's suffix match: "mlp.c_proj" picks the MLP's projection only.
    expect(modules(['mlp.c_proj']).map((m) => [m.module, m.inFeatures, m.outFeatures])).toEqual([
      ['transformer.h.0.mlp.c_proj', 128, 32],
      ['transformer.h.1.mlp.c_proj', 128, 32],
    ]);
  });

  it('refuses a target that matches nothing, a bad rank and a bad dropout', () => {
    expect(() => selectModules(cfg, loraSettings('gpt2', { targets: ['q_proj'] }).targetModules)).toThrow(/"q_proj" matches no linear layer/);
    expect(() => loraSettings('gpt2', { r: 0 })).toThrow(/rank/);
    expect(() => loraSettings('gpt2', { dropout: 1 })).toThrow(/dropout/);
  });

  it("initializes as PEFT: A uniform within 1/√in, B zero; names are PEFT's keys", () => {
    const adapter = initLoraAdapter(cfg, loraSettings('gpt2'), 1);
    const { a, b, module } = adapter.modules[0]!;
    expect(a.length).toBe(8 * 32);
    expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(32));
    expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(0.8 / Math.sqrt(32));
    expect(b.every((x) => x === 0)).toBe(true);
    expect(b.length).toBe(96 * 8);
    expect(peftKeys(module)).toEqual({ a: 'base_model.model.transformer.h.0.attn.c_attn.lora_A.weight', b: 'base_model.model.transformer.h.0.attn.c_attn.lora_B.weight' });
  });
});

describe('checkpoint weights', () => {
  it('reads Conv1D weights [in, out] as stored, transposes nn.Linear [out, in], checks shapes, resolves an alias prefix', async () => {
    // aliasPrefix "x." stands in for "transformer." (the Hub's gpt2 saves its tensors without it).
    const w = await ModelWeights.open(model.dir, { aliasPrefix: 'x.' });
    try {
      const g = new GraphBuilder('w');
      const raw = await w.read('transformer.h.0.attn.c_attn.weight');
      expect(raw.shape).toEqual([32, 96]);
      expect((await w.matrix(g, 'transformer.h.0.attn.c_attn.weight', [32, 96], 'in-out')).shape).toEqual([32, 96]);
      // The same tensor taken as an nn.Linear weight [out 32, in 96] becomes [in 96, out 32].
      expect((await w.matrix(g, 'x.transformer.h.0.attn.c_attn.weight', [96, 32], 'out-in')).shape).toEqual([96, 32]);
      expect(w.has('x.transformer.wte.weight')).toBe(true);
      expect(w.has('y.transformer.wte.weight')).toBe(false);
      await expect(w.matrix(g, 'transformer.h.0.attn.c_proj.weight', [32, 64], 'in-out')).rejects.toThrow(/has shape \[32, 32\], the config implies \[32, 64\]/);
      await expect(w.read('x.transformer.nope')).rejects.toThrow(/no tensor "x.transformer.nope" \(nor without "x."\)/);
    } finally {
      await w.close();
    }
    expect(Array.from(transpose2d(Float32Array.of(1, 2, 3, 4, 5, 6), 2, 3))).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('an fp16 checkpoint gives the same logits within fp16 rounding', async () => {
    const half = writeTinyModel(path.join(model.dir, 'half'), { architecture: 'gpt2', seed: 4, dtype: 'float16' });
    const ids = int64([1, 5, 9, 2], [1, 4]);
    const run = async (dir: string) => (await (await session(dir, { mode: 'forward' })).session.run({ input_ids: ids })).logits!.data as Float32Array;
    const [a, b] = [await run(model.dir), await run(half.dir)];
    const maxDiff = Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));
    expect(maxDiff).toBeGreaterThan(0); // rounded, so not identical
    expect(maxDiff).toBeLessThan(0.05);
  });
});

describe('GPT-2 LoRA training graph through ORT', () => {
  const [B, T] = [2, 8];
  const random = rng(21);
  const ids = Array.from({ length: B * T }, () => Math.floor(random() * model.vocab));
  const targets = shiftedTargets(ids, B, T);

  it('one entry of A and of B: the backward graph agrees with central differences', async () => {
    const graph = await session(model.dir, { mode: 'train', lora: loraSettings('gpt2', { r: 4, alpha: 8 }) });
    const tensors = randomLora(graph.lora, 3);
    const base = { input_ids: int64(ids, [B, T]), targets: int64(targets, [B, T]) };
    const run = async () => (await graph.session.run({ ...base, ...loraFeeds(tensors) }));
    const analytic = await run();

    for (const name of [peftKeys(graph.lora[0]!.module).a, peftKeys(graph.lora[3]!.module).b]) {
      const grad = analytic[`grad.${name}`]!.data as Float32Array;
      // The entry with the largest gradient: its difference quotient stands well above float32 noise.
      const k = grad.reduce((best, x, i) => (Math.abs(x) > Math.abs(grad[best]!) ? i : best), 0);
      const values = tensors.get(name)!.data;
      const x0 = values[k]!;
      const h = 1e-2;
      values[k] = x0 + h;
      const plus = (await run()).loss!.data[0] as number;
      values[k] = x0 - h;
      const minus = (await run()).loss!.data[0] as number;
      values[k] = x0;
      const numeric = (plus - minus) / (2 * h);
      expect(Math.abs(grad[k]!), name).toBeGreaterThan(1e-3);
      expect(Math.abs(grad[k]! - numeric), `${name}[${k}]: analytic ${grad[k]} numeric ${numeric}`).toBeLessThan(1e-3 + 1e-2 * Math.abs(numeric));
    }
  });

  it('plain SGD on the LoRA tensors (PEFT init) lowers the loss on a repeated sequence', async () => {
    const settings = loraSettings('gpt2', { targets: 'all-linear', r: 8, alpha: 16 });
    const graph = await session(model.dir, { mode: 'train', lora: settings });
    const feedsOf = adapterFeeds(graph.lora, initLoraAdapter(graph.config, settings, 5));
    const tensors = new Map(graph.lora.map((s) => [s.name, { data: feedsOf.get(s.name)!, dims: [...s.shape] }]));
    const pattern = [12, 40, 7, 99, 3, 150, 61, 8];
    const seq = Array.from({ length: 32 }, (_, i) => pattern[i % pattern.length]!);
    const feeds = { input_ids: int64(seq, [1, 32]), targets: int64(shiftedTargets(seq, 1, 32), [1, 32]) };
    const losses: number[] = [];
    for (let step = 0; step < 40; step++) {
      const out = await graph.session.run({ ...feeds, ...loraFeeds(tensors) });
      losses.push(out.loss!.data[0] as number);
      for (const [name, t] of tensors) {
        const g = out[`grad.${name}`]!.data as Float32Array;
        for (let i = 0; i < g.length; i++) t.data[i]! -= 0.1 * g[i]!;
      }
    }
    // Small steps: the first ten each lower the loss; over 40 it falls by more than 30% (measured 42%).
    for (let i = 1; i <= 10; i++) expect(losses[i]!, `step ${i}`).toBeLessThan(losses[i - 1]!);
    expect(losses[losses.length - 1]!, losses.map((l) => l.toFixed(3)).join(' ')).toBeLessThan(0.7 * losses[0]!);
  });

  it('dropout: one mask input per adapted module; all-ones masks change nothing, all-zero masks switch LoRA off', async () => {
    const plain = await session(model.dir, { mode: 'train', lora: loraSettings('gpt2', { r: 4, alpha: 8 }) });
    const dropped = await session(model.dir, { mode: 'train', lora: loraSettings('gpt2', { r: 4, alpha: 8, dropout: 0.25 }) });
    expect(plain.dropout).toEqual([]);
    expect(dropped.dropout.map((d) => [d.name, d.features])).toEqual([
      [dropoutMaskName('transformer.h.0.attn.c_attn'), 32],
      [dropoutMaskName('transformer.h.1.attn.c_attn'), 32],
    ]);
    const tensors = loraFeeds(randomLora(plain.lora, 8));
    const base = { input_ids: int64(ids, [B, T]), targets: int64(targets, [B, T]), ...tensors };
    const masks = (v: number) => Object.fromEntries(dropped.dropout.map((d) => [d.name, new ort.Tensor('float32', new Float32Array(B * T * d.features).fill(v), [B, T, d.features])]));
    const want = await plain.session.run(base);
    const ones = await dropped.session.run({ ...base, ...masks(1) });
    expect(ones.loss!.data[0]).toBe(want.loss!.data[0]);
    const zeros = await dropped.session.run({ ...base, ...masks(0) });
    const noLora = await (await session(model.dir, { mode: 'forward' })).session.run({ input_ids: base.input_ids });
    expect(zeros.loss!.data[0]).not.toBe(want.loss!.data[0]);
    // With x·0 in the LoRA path only the base remains: the same loss as the base model's logits give.
    const logits = noLora.logits!.data as Float32Array;
    const V = model.vocab;
    let nll = 0;
    let kept = 0;
    targets.forEach((t, i) => {
      if (t < 0) return;
      const row = logits.subarray(i * V, (i + 1) * V);
      const max = Math.max(...row);
      nll += Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0)) + max - row[t]!;
      kept++;
    });
    expect(Math.abs((zeros.loss!.data[0] as number) - nll / kept)).toBeLessThan(1e-4);
    expect(Math.max(...(zeros[`grad.${plain.lora[0]!.name}`]!.data as Float32Array).map(Math.abs))).toBe(0);
  });
});
