/**
 * Generation with the KV cache on the tiny GPT-2, Llama and Qwen2 fixtures, through real ONNX
 * Runtime sessions: greedy decoding equals the no-cache loop (a full forward pass per step) token
 * for token, with and without a LoRA adapter; a left-padded batch equals each prompt alone;
 * sampling repeats for a seed; stop strings, streaming, abort; adapters switched without new
 * sessions; a merged adapter computes the adapted model.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Generator, mergeAdapter, type Generation } from '../../engine/generate/index';
import type { LoraAdapter } from '../../engine/lora-io/adapter';
import { buildCausalLmGraph } from '../../engine/models/causal-lm';
import { loraFeeds } from '../../engine/models/lora';
import { tempDir } from '../fixtures/temp-dir';
import { writeTinyModel, type TinyArchitecture } from '../fixtures/tiny-models';
import { noCacheGreedy, randomAdapter, tinyModel } from './generate-fixture';

const ARCHS: TinyArchitecture[] = ['gpt2', 'llama', 'qwen2'];
const open: Generator[] = [];
afterAll(async () => {
  for (const g of open) await g.close();
});

async function generator(dir: string, options?: Parameters<typeof Generator.open>[1]): Promise<Generator> {
  const g = await Generator.open(dir, options);
  open.push(g);
  return g;
}

describe.each(ARCHS)('%s: KV-cache decoding', (arch) => {
  it('greedy equals the no-cache loop token for token, base and with a LoRA adapter (which changes the output)', async () => {
    const { dir } = tinyModel(arch, 21);
    const gen = await generator(dir);
    const prompt = gen.tokenizer.encode('Once upon a time there');
    const base = await gen.generate(prompt, { maxTokens: 12, eosTokenIds: [] });
    expect(base.finishReason).toBe('length');
    expect(base.tokenIds).toEqual(await noCacheGreedy(dir, prompt, 12, null));

    const adapter = randomAdapter(dir, { r: 4, alpha: 8, targets: 'all-linear' }, 5);
    const adapted = await gen.generate(prompt, { maxTokens: 12, eosTokenIds: [], adapter });
    expect(adapted.tokenIds).toEqual(await noCacheGreedy(dir, prompt, 12, adapter));
    expect(adapted.tokenIds).not.toEqual(base.tokenIds);
  });

  it('a batch of two left-padded prompts gives what each prompt gives alone', async () => {
    const { dir } = tinyModel(arch, 22);
    const gen = await generator(dir);
    const prompts = [gen.tokenizer.encode('Hello world! Hello there, how are you?'), gen.tokenizer.encode('The fox')];
    expect(prompts[0]!.length).toBeGreaterThan(prompts[1]!.length + 3);
    const adapter = randomAdapter(dir, { r: 2, alpha: 4 }, 9);
    for (const a of [null, adapter]) {
      const batch = await gen.generateBatch(prompts, { maxTokens: 10, eosTokenIds: [], adapter: a });
      const alone = await Promise.all(prompts.map((p) => gen.generate(p, { maxTokens: 10, eosTokenIds: [], adapter: a })));
      expect(batch.map((r) => r.tokenIds)).toEqual(alone.map((r) => r.tokenIds));
      expect(batch.map((r) => r.text)).toEqual(alone.map((r) => r.text));
    }
  });
});

describe('sampling, stop strings, streaming, abort (tiny GPT-2)', () => {
  let gen: Generator;
  let prompt: number[];
  // Its own folder, not tempDir's (removed after each test): the generator outlives one test.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'generate-sampling-'));
  beforeAll(async () => {
    writeTinyModel(dir, { architecture: 'gpt2', seed: 23 });
    gen = await generator(dir);
    prompt = gen.tokenizer.encode('The model is trained on');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('sampling repeats for a seed and differs for another; top-k 1 is greedy', async () => {
    const sampled = (seed: number, extra = {}) => gen.generate(prompt, { maxTokens: 24, eosTokenIds: [], doSample: true, topK: 0, seed, ...extra });
    const a = await sampled(1);
    expect((await sampled(1)).tokenIds).toEqual(a.tokenIds);
    expect((await sampled(2)).tokenIds).not.toEqual(a.tokenIds);
    const greedy = await gen.generate(prompt, { maxTokens: 24, eosTokenIds: [] });
    expect((await sampled(7, { topK: 1, temperature: 1.5 })).tokenIds).toEqual(greedy.tokenIds);
    expect((await sampled(7, { temperature: 0 })).tokenIds).toEqual(greedy.tokenIds);
    // A strong repetition penalty changes a greedy run that repeats itself.
    expect(new Set(greedy.tokenIds).size).toBeLessThan(greedy.tokenIds.length);
    const penalized = await gen.generate(prompt, { maxTokens: 24, eosTokenIds: [], repetitionPenalty: 5 });
    expect(penalized.tokenIds).not.toEqual(greedy.tokenIds);
  });

  it('a stop string ends the text before it; EOS ends generation without being returned', async () => {
    const full = await gen.generate(prompt, { maxTokens: 30, eosTokenIds: [] });
    // A stop string taken from the middle of the greedy text (two characters, none a replacement character).
    const at = [...Array(full.text.length - 2).keys()].find((i) => i >= 3 && !full.text.slice(i, i + 2).includes('\uFFFD'))!;
    const stop = full.text.slice(at, at + 2);
    const cut = full.text.indexOf(stop);
    const stopped = await gen.generate(prompt, { maxTokens: 30, eosTokenIds: [], stop: ['never appears', stop] });
    expect(stopped.finishReason).toBe('stop');
    expect(stopped.stop).toBe(stop);
    expect(stopped.text).toBe(full.text.slice(0, cut));
    expect(full.tokenIds.slice(0, stopped.tokenIds.length)).toEqual(stopped.tokenIds);
    expect(stopped.tokenIds.length).toBeLessThan(full.tokenIds.length);

    const eos = full.tokenIds[5]!;
    const ended = await gen.generate(prompt, { maxTokens: 30, eosTokenIds: [eos] });
    expect(ended.finishReason).toBe('eos');
    expect(ended.tokenIds).toEqual(full.tokenIds.slice(0, full.tokenIds.indexOf(eos)));
  });

  it('streamed deltas join to the full text, token by token', async () => {
    const options = { maxTokens: 40, eosTokenIds: [], doSample: true, seed: 11 };
    const events: { tokenId: number | null; text: string }[] = [];
    const it = gen.stream(prompt, options);
    let result: Generation | undefined;
    for (;;) {
      const step = await it.next();
      if (step.done) {
        result = step.value;
        break;
      }
      events.push(step.value);
    }
    const whole = await gen.generate(prompt, options);
    expect(events.map((e) => e.text).join('')).toBe(whole.text);
    expect(result.text).toBe(whole.text);
    expect(events.filter((e) => e.tokenId !== null).map((e) => e.tokenId)).toEqual(whole.tokenIds);
    expect(whole.text).toBe(gen.tokenizer.decode(whole.tokenIds, { skipSpecialTokens: true }));
  });

  it('abort: a signal stops a stream mid-way, and an aborted signal rejects at once', async () => {
    const controller = new AbortController();
    let seen = 0;
    const run = async () => {
      for await (const e of gen.stream(prompt, { maxTokens: 200, eosTokenIds: [], signal: controller.signal })) {
        if (e.tokenId !== null && ++seen === 3) controller.abort();
      }
    };
    await expect(run()).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toBe(3);
    await expect(gen.generate(prompt, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('bad options are errors that name the option', async () => {
    await expect(gen.generate(prompt, { topP: 0 })).rejects.toThrow(/topP/);
    await expect(gen.generate(prompt, { maxTokens: 0 })).rejects.toThrow(/maxTokens/);
    await expect(gen.generate(prompt, { stop: [''] })).rejects.toThrow(/stop/);
    await expect(gen.generate([])).rejects.toThrow(/prompt is empty/);
    await expect(gen.generate([1, 1e6])).rejects.toThrow(/token id 1000000/);
  });
});

describe('adapters share a session', () => {
  it('switching adapters (rank up to the session rank, any subset of its modules) or none builds no session; a larger rank builds one, once', async () => {
    const { dir } = tinyModel('gpt2', 24);
    const gen = await generator(dir, { lora: { r: 4, targets: 'all-linear' } });
    expect(gen.sessionsCreated).toBe(1);
    const prompt = gen.tokenizer.encode('Hello world');
    const run = (adapter: LoraAdapter | null) => gen.generate(prompt, { maxTokens: 8, eosTokenIds: [], adapter }).then((r) => r.tokenIds);
    const four = randomAdapter(dir, { r: 4, alpha: 8, targets: 'all-linear' }, 1);
    const two = randomAdapter(dir, { r: 2, alpha: 16, targets: ['c_attn'] }, 2);
    const outFour = await run(four);
    const outTwo = await run(two);
    const outBase = await run(null);
    expect(await run(four)).toEqual(outFour);
    expect(gen.sessionsCreated).toBe(1);
    // The zero-padded, rescaled rank-2 adapter computes what PEFT's term computes.
    expect(outTwo).toEqual(await noCacheGreedy(dir, prompt, 8, two));
    expect(outBase).toEqual(await noCacheGreedy(dir, prompt, 8, null));
    expect(new Set([outFour, outTwo, outBase].map((t) => t.join()))).toHaveProperty('size', 3);

    const eight = randomAdapter(dir, { r: 8, alpha: 8, targets: ['c_fc'] }, 3);
    const outEight = await run(eight);
    expect(gen.sessionsCreated).toBe(2);
    await run(eight);
    await run(four);
    expect(gen.sessionsCreated).toBe(2);
    expect(outEight).toEqual(await noCacheGreedy(dir, prompt, 8, eight));
  });

  it('an adapter of another model type is refused', async () => {
    const { dir } = tinyModel('gpt2', 25);
    const llama = tinyModel('llama', 25);
    const gen = await generator(dir);
    const adapter = randomAdapter(llama.dir, { r: 2 }, 1);
    await expect(gen.generate([1, 2], { adapter })).rejects.toThrow(/adapter is for a llama model/);
  });
});

describe.each(['gpt2', 'llama'] as const)('%s: mergeAdapter', (arch) => {
  it('the merged model\'s logits equal the adapter on the base within 1e-5', async () => {
    const { dir, vocab } = tinyModel(arch, 26);
    const adapter = randomAdapter(dir, { r: 4, alpha: 8, targets: 'all-linear' }, 4);
    const out = path.join(tempDir('merged-'), 'model');
    await mergeAdapter(dir, adapter, out);
    expect(fs.readdirSync(out).sort()).toEqual(fs.readdirSync(dir).sort());

    const ids = [5, 40, 17, 99, 3, 250, 12];
    const feeds = { input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]) };
    const adapted = await buildCausalLmGraph(dir, { mode: 'forward', lora: adapter.settings });
    const lora = Object.fromEntries([...loraFeeds(adapted.lora, adapter)].map(([n, d]) => [n, new ort.Tensor('float32', d, adapted.lora.find((s) => s.name === n)!.shape)]));
    const ref = (await (await ort.InferenceSession.create(adapted.graph.encode())).run({ ...feeds, ...lora })).logits!.data as Float32Array;
    const merged = (await (await ort.InferenceSession.create((await buildCausalLmGraph(out, { mode: 'forward' })).graph.encode())).run(feeds)).logits!.data as Float32Array;
    const base = (await (await ort.InferenceSession.create((await buildCausalLmGraph(dir, { mode: 'forward' })).graph.encode())).run(feeds)).logits!.data as Float32Array;
    expect(merged.length).toBe(ids.length * vocab);
    const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
    expect(maxDiff(merged, ref)).toBeLessThan(1e-5);
    // The adapter moves the logits by far more than that, so the check can fail.
    expect(maxDiff(base, ref)).toBeGreaterThan(1e-2);
  });

  it('refuses its own folder and a non-empty output folder', async () => {
    const { dir } = tinyModel(arch, 27);
    const adapter = randomAdapter(dir, { r: 2 }, 4);
    await expect(mergeAdapter(dir, adapter, dir)).rejects.toThrow(/base model's folder/);
    await expect(mergeAdapter(dir, adapter, path.dirname(dir))).rejects.toThrow(/not empty/);
  });
});
