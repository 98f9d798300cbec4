/**
 * Serving several adapters from one base: the per-row LoRA decode graph (each batch row its own
 * adapter) and the batch scheduler over it, on the tiny GPT-2 and Llama fixtures through real ONNX
 * Runtime sessions. The per-row graph's logits equal each row run alone through the shared-LoRA
 * graph; requests decoded together (joining a running batch, leaving it early, aborted, sampled)
 * give exactly what the Generator gives each alone.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { BatchScheduler, Generator, QueueFullError, type ForwardPass, type Generation } from '../../engine/generate/index';
import { DecodeSession } from '../../engine/generate/decode-session';
import { adapterShape, slotFeeds, widerShape } from '../../engine/generate/lora-slots';
import { RowLoraFeeds } from '../../engine/generate/row-lora';
import type { LoraAdapter } from '../../engine/lora-io/adapter';
import { loadModelConfig } from '../../engine/models/config';
import type { TinyArchitecture } from '../fixtures/tiny-models';
import { randomAdapter, tinyModel } from './generate-fixture';

const toClose: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const c of toClose) await c.close();
});

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe.each(['gpt2', 'llama'] as TinyArchitecture[])('%s: per-row LoRA', (arch) => {
  it('a batch whose rows run different adapters (and none) gives each row the logits it gets alone', async () => {
    const { dir } = tinyModel(arch, 41);
    const config = loadModelConfig(dir);
    // Different ranks and targets: the session is the union, each adapter padded into it.
    const x = randomAdapter(dir, { r: 4, alpha: 8 }, 3);
    const y = randomAdapter(dir, { r: 8, alpha: 4, targets: 'all-linear' }, 4);
    const shape = widerShape(adapterShape(x), adapterShape(y));
    const perRow = await DecodeSession.create(dir, config, shape, {}, true);
    const shared = await DecodeSession.create(dir, config, shape, {});
    toClose.push({ close: () => perRow.release() }, { close: () => shared.release() });
    expect(perRow.lora.every((s) => s.perRow)).toBe(true);
    const rows: { prompt: number[]; adapter: LoraAdapter | null }[] = [
      { prompt: [5, 9, 13, 2, 7], adapter: x },
      { prompt: [11, 3], adapter: y },
      { prompt: [8, 8, 1, 4], adapter: null },
    ];
    const L = 5;
    const V = config.vocabSize;
    const ids = new BigInt64Array(3 * L);
    const positions = new BigInt64Array(3 * L);
    const mask = new BigInt64Array(3 * L);
    rows.forEach(({ prompt }, b) => prompt.forEach((id, t) => {
      const at = b * L + L - prompt.length + t;
      ids[at] = BigInt(id);
      positions[at] = BigInt(t);
      mask[at] = 1n;
    }));
    const feeds = new RowLoraFeeds(perRow.lora, shape);
    const kv = perRow.start(3);
    const batch = await perRow.step(kv, ids, positions, mask, feeds.feeds(rows.map((r) => r.adapter)));
    // Then two decode steps on top of the cache, each row its own next token.
    const next = [[17, 4, 9], [2, 2, 6]];
    const stepped: Float32Array[] = [];
    const widths = [L];
    for (const tokens of next) {
      const width = widths.at(-1)! + 1;
      widths.push(width);
      const m = new BigInt64Array(3 * width);
      rows.forEach(({ prompt }, b) => { for (let t = L - prompt.length; t < width; t++) m[b * width + t] = 1n; });
      const at = BigInt64Array.from(rows, ({ prompt }) => BigInt(prompt.length + stepped.length));
      stepped.push((await perRow.step(kv, BigInt64Array.from(tokens, BigInt), at, m, feeds.feeds(rows.map((r) => r.adapter)))).slice());
    }
    for (const [b, row] of rows.entries()) {
      const lora = slotFeeds(shared.lora, shape, row.adapter);
      const alone = shared.start(1);
      const n = row.prompt.length;
      const first = await shared.step(alone, BigInt64Array.from(row.prompt, BigInt), BigInt64Array.from(row.prompt, (_, t) => BigInt(t)), new BigInt64Array(n).fill(1n), lora);
      expect(maxAbsDiff(batch.subarray(b * V, (b + 1) * V), first), `row ${b} prefill`).toBeLessThan(1e-4);
      for (const [s, tokens] of next.entries()) {
        const out = await shared.step(alone, BigInt64Array.of(BigInt(tokens[b]!)), BigInt64Array.of(BigInt(n + s)), new BigInt64Array(n + s + 1).fill(1n), lora);
        expect(maxAbsDiff(stepped[s]!.subarray(b * V, (b + 1) * V), out), `row ${b} step ${s}`).toBeLessThan(1e-4);
      }
    }
    // The adapters change the output (so the comparison above could fail).
    const base = slotFeeds(shared.lora, shape, null);
    const plain = await shared.step(shared.start(1), BigInt64Array.from(rows[0]!.prompt, BigInt), BigInt64Array.from(rows[0]!.prompt, (_, t) => BigInt(t)), new BigInt64Array(5).fill(1n), base);
    expect(maxAbsDiff(batch.subarray(0, V), plain)).toBeGreaterThan(1e-3);
  });
});

describe.each(['gpt2', 'llama'] as TinyArchitecture[])('%s: batch scheduler', (arch) => {
  it('concurrent requests for different adapters share forward passes and each gives what it gives alone', async () => {
    const { dir } = tinyModel(arch, 42);
    const x = randomAdapter(dir, { r: 4, alpha: 8 }, 7);
    const y = randomAdapter(dir, { r: 4, alpha: 16 }, 8);
    const scheduler = await BatchScheduler.open(dir, { lora: widerShape(adapterShape(x), adapterShape(y)) });
    const gen = await Generator.open(dir);
    toClose.push(scheduler, gen);
    const passes: ForwardPass[] = [];
    scheduler.onForward = (p) => passes.push(p);
    const tk = gen.tokenizer;
    const requests = [
      { prompt: tk.encode('Once upon a time there was'), options: { adapter: x, maxTokens: 12, eosTokenIds: [] } },
      { prompt: tk.encode('Hello'), options: { adapter: y, maxTokens: 7, eosTokenIds: [] } },
      { prompt: tk.encode('The fox jumps'), options: { adapter: null, maxTokens: 10, eosTokenIds: [] } },
      // Sampled with a seed: its own PRNG, so the same draws as alone.
      { prompt: tk.encode('Hello world'), options: { adapter: x, maxTokens: 9, doSample: true, temperature: 1.3, topK: 0, seed: 99, eosTokenIds: [] } },
      { prompt: tk.encode('a b c'), options: { adapter: y, maxTokens: 12, stop: ['e'] } },
    ];
    const together = await Promise.all(requests.map((r) => scheduler.generate(r.prompt, r.options)));
    const alone: Generation[] = [];
    for (const r of requests) alone.push(await gen.generate(r.prompt, r.options));
    expect(together).toEqual(alone);
    // One forward pass held rows of both adapters and the base model; the first held all five.
    expect(passes.some((p) => p.adapters.includes(x) && p.adapters.includes(y) && p.adapters.includes(null))).toBe(true);
    expect(passes[0]).toMatchObject({ kind: 'prefill' });
    expect(passes[0]!.adapters).toHaveLength(5);
    // Rows left as they finished: the 7-token request's row was gone from the later steps.
    expect(passes.filter((p) => p.kind === 'step').at(-1)!.adapters.length).toBeLessThan(5);
    expect(scheduler.stats()).toMatchObject({ sessionsCreated: 1, prefills: 1, active: 0, waiting: 0, largestBatch: 5 });
    // Adapters differ in what they write, so equal results above were not a given.
    expect(alone[0]!.tokenIds).not.toEqual((await gen.generate(requests[0]!.prompt, { ...requests[0]!.options, adapter: y })).tokenIds);
  });

  it('requests that arrive while a batch runs join it at a step boundary and still give what they give alone', async () => {
    const { dir } = tinyModel(arch, 43);
    const x = randomAdapter(dir, { r: 2, alpha: 4 }, 11);
    const y = randomAdapter(dir, { r: 2, alpha: 4 }, 12);
    const scheduler = await BatchScheduler.open(dir, { lora: adapterShape(x), windowMs: 0 });
    const gen = await Generator.open(dir);
    toClose.push(scheduler, gen);
    const tk = gen.tokenizer;
    const long = tk.encode('It was the best of times, it was the worst of times');
    const hi = tk.encode('Hi');
    const longer = tk.encode('It was the age of wisdom, it was the age of foolishness, it was');
    const passes: ForwardPass[] = [];
    const late: Promise<Generation>[] = [];
    // Before the 3rd and 6th steps, a shorter and a longer prompt arrive.
    scheduler.onForward = (p) => {
      passes.push(p);
      const steps = passes.filter((q) => q.kind === 'step').length;
      if (p.kind === 'step' && steps === 3) late.push(scheduler.generate(hi, { adapter: y, maxTokens: 6, eosTokenIds: [] }));
      if (p.kind === 'step' && steps === 6) late.push(scheduler.generate(longer, { adapter: null, maxTokens: 8, eosTokenIds: [] }));
    };
    const first = scheduler.stream(long, { adapter: x, maxTokens: 20, eosTokenIds: [] });
    const streamed: string[] = [];
    let result: Generation;
    for (;;) {
      const step = await first.next();
      if (step.done) {
        result = step.value;
        break;
      }
      streamed.push(step.value.text);
    }
    const [a, b] = await Promise.all(late);
    expect(streamed.join('')).toBe(result.text);
    expect(result).toEqual(await gen.generate(long, { adapter: x, maxTokens: 20, eosTokenIds: [] }));
    expect(a).toEqual(await gen.generate(hi, { adapter: y, maxTokens: 6, eosTokenIds: [] }));
    expect(b).toEqual(await gen.generate(longer, { adapter: null, maxTokens: 8, eosTokenIds: [] }));
    // The late ones were prefilled on their own and then stepped with the first.
    expect(passes.filter((p) => p.kind === 'prefill')).toHaveLength(3);
    expect(passes.some((p) => p.kind === 'step' && p.adapters.length === 2 && p.adapters[0] === x && p.adapters[1] === y)).toBe(true);
    expect(passes.some((p) => p.kind === 'step' && p.adapters.length === 3)).toBe(true);
  });

  it('an aborted request, and one whose reader stops, leave the batch; the others are unaffected', async () => {
    const { dir } = tinyModel(arch, 44);
    const scheduler = await BatchScheduler.open(dir, { windowMs: 5 });
    const gen = await Generator.open(dir);
    toClose.push(scheduler, gen);
    const tk = gen.tokenizer;
    const prompt = tk.encode('Once upon a time');
    const controller = new AbortController();
    const aborted = scheduler.generate(prompt, { maxTokens: 30, eosTokenIds: [], signal: controller.signal });
    const reader = scheduler.stream(tk.encode('The fox'), { maxTokens: 30, eosTokenIds: [] });
    const kept = scheduler.generate(tk.encode('Hello there'), { maxTokens: 16, eosTokenIds: [] });
    await reader.next();
    await reader.return(undefined as never);
    controller.abort(new Error('stop it'));
    await expect(aborted).rejects.toThrow('stop it');
    expect(await kept).toEqual(await gen.generate(tk.encode('Hello there'), { maxTokens: 16, eosTokenIds: [] }));
    expect(scheduler.stats()).toMatchObject({ active: 0, waiting: 0 });
  });

  it('an adapter wider than the session builds a wider one once; a full queue and bad requests are refused', async () => {
    const { dir } = tinyModel(arch, 45);
    const small = randomAdapter(dir, { r: 2, alpha: 4 }, 21);
    const wide = randomAdapter(dir, { r: 6, alpha: 4, targets: 'all-linear' }, 22);
    const scheduler = await BatchScheduler.open(dir, { lora: adapterShape(small), maxWaiting: 2 });
    const gen = await Generator.open(dir);
    toClose.push(scheduler, gen);
    const prompt = gen.tokenizer.encode('Hello world');
    const [a, b] = await Promise.all([scheduler.generate(prompt, { adapter: small, maxTokens: 8, eosTokenIds: [] }), scheduler.generate(prompt, { adapter: wide, maxTokens: 8, eosTokenIds: [] })]);
    expect(a).toEqual(await gen.generate(prompt, { adapter: small, maxTokens: 8, eosTokenIds: [] }));
    expect(b).toEqual(await gen.generate(prompt, { adapter: wide, maxTokens: 8, eosTokenIds: [] }));
    expect(scheduler.stats().sessionsCreated).toBe(2);
    expect(scheduler.shape.r).toBe(6);
    // Both fit the wider session now: no third.
    await Promise.all([scheduler.generate(prompt, { adapter: small, maxTokens: 3 }), scheduler.generate(prompt, { adapter: wide, maxTokens: 3 })]);
    expect(scheduler.stats().sessionsCreated).toBe(2);

    const queued = [scheduler.generate(prompt, { maxTokens: 2 }), scheduler.generate(prompt, { maxTokens: 2 })];
    expect(() => scheduler.stream(prompt, { maxTokens: 2 })).toThrow(QueueFullError);
    await Promise.all(queued);
    expect(() => scheduler.stream(prompt, { temperature: -1 })).toThrow(/temperature/);
    expect(() => scheduler.stream([], {})).toThrow(/empty/);
    expect(() => scheduler.stream([10 ** 6], {})).toThrow(/outside the vocabulary/);
  });
});
