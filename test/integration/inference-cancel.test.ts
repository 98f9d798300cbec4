/**
 * inference.cancel stops a named generation, whose call then returns the text streamed so far;
 * a chat's earlier turns (history) go through the model's chat template.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Generator } from '../../engine/generate/index';
import type { GenerateResult } from '../../shared/api/schemas/inference';
import { call, testBackend } from '../fixtures/datanet-backend';
import { tempDir } from '../fixtures/temp-dir';
import { writeTinyModel } from '../fixtures/tiny-models';

/** A tiny model that never ends on its own (no EOS) and has room for long generations. */
function endlessModel(dir: string): string {
  const model = writeTinyModel(dir, { architecture: 'qwen2', seed: 7, maxPositions: 2048 });
  const file = path.join(model.dir, 'generation_config.json');
  fs.writeFileSync(file, JSON.stringify({ ...(JSON.parse(fs.readFileSync(file, 'utf8')) as object), eos_token_id: [] }));
  return model.dir;
}

describe('inference.cancel', () => {
  it('stops a running generation, which returns the text streamed until then', async () => {
    const b = testBackend();
    await call(b, 'models.import', { path: endlessModel(path.join(tempDir(), 'endless')), name: 'endless' });
    const deltas: string[] = [];
    // Filled in by the listener, which TypeScript's narrowing does not follow.
    const cancel: { answer?: Promise<unknown> } = {};
    const off = b.events.subscribe((name, payload) => {
      const delta = payload as { request: string; text: string };
      if (name !== 'inference.delta' || delta.request !== 'r1') return;
      deltas.push(delta.text);
      if (deltas.length === 3) cancel.answer = call(b, 'inference.cancel', { request: 'r1' });
    });
    const result = await call<GenerateResult>(b, 'inference.generate', { model: 'endless', prompt: 'the cat', format: 'raw', maxTokens: 1000, temperature: 0, request: 'r1' });
    off();
    expect(await cancel.answer).toEqual({ cancelled: true });
    expect(result.finishReason).toBe('cancelled');
    expect(result.tokens).toBeGreaterThanOrEqual(3);
    expect(result.tokens).toBeLessThan(1000);
    expect(result.text).toBe(deltas.join(''));
    // Nothing runs under that name any more; the name is free for the next request.
    expect(await call(b, 'inference.cancel', { request: 'r1' })).toEqual({ cancelled: false });
    const again = await call<GenerateResult>(b, 'inference.generate', { model: 'endless', prompt: 'the cat', format: 'raw', maxTokens: 5, temperature: 0, request: 'r1' });
    expect(again).toMatchObject({ finishReason: 'length', tokens: 5 });
    // Greedy: the first five tokens are the same either way.
    expect(again.text.startsWith(result.text) || result.text.startsWith(again.text)).toBe(true);
  }, 60_000);

  it('refuses a second generation under a running name', async () => {
    const b = testBackend();
    await call(b, 'models.import', { path: endlessModel(path.join(tempDir(), 'endless')), name: 'endless' });
    const pending: { second?: Promise<unknown> } = {};
    const off = b.events.subscribe((name, payload) => {
      if (name !== 'inference.delta' || pending.second) return;
      pending.second = call(b, 'inference.generate', { model: 'endless', prompt: 'x', format: 'raw', maxTokens: 2, request: (payload as { request: string }).request }).catch((e: unknown) => e);
      void call(b, 'inference.cancel', { request: 'busy' });
    });
    const first = await call<GenerateResult>(b, 'inference.generate', { model: 'endless', prompt: 'the cat', format: 'raw', maxTokens: 1000, temperature: 0, request: 'busy' });
    off();
    expect(first.finishReason).toBe('cancelled');
    expect(String(await pending.second)).toMatch(/A generation named busy is running/);
  }, 60_000);
});

describe('inference.generate with history', () => {
  it("renders the conversation with the model's chat template", async () => {
    const dir = tempDir();
    const model = writeTinyModel(path.join(dir, 'tiny-llama'), { architecture: 'llama', seed: 5, maxPositions: 256 });
    const b = testBackend();
    await call(b, 'models.import', { path: model.dir });
    const history = [
      { role: 'user' as const, content: 'hello there' },
      { role: 'assistant' as const, content: 'the cat sat' },
    ];
    const result = await call<GenerateResult>(b, 'inference.generate', { model: 'tiny-llama', prompt: 'and then?', system: 'be brief', history, maxTokens: 8, temperature: 0 });
    const generator = await Generator.open(model.dir);
    const ids = generator.tokenizer.encodeChat([{ role: 'system', content: 'be brief' }, ...history, { role: 'user', content: 'and then?' }], { addGenerationPrompt: true });
    const expected = await generator.generate(ids, { maxTokens: 8, doSample: false });
    await generator.close();
    expect(result).toMatchObject({ promptTokens: ids.length, text: expected.text, turnsLeftOut: 0 });
    // An empty history is one instruction, as before.
    const single = await call<GenerateResult>(b, 'inference.generate', { model: 'tiny-llama', prompt: 'and then?', history: [], maxTokens: 4, temperature: 0 });
    expect(single.promptTokens).toBeLessThan(ids.length);
    expect(single.turnsLeftOut).toBe(0);
  }, 60_000);

  it("leaves out the oldest turns that do not fit the model's context, and refuses a prompt that alone does not", async () => {
    const dir = tempDir();
    const model = writeTinyModel(path.join(dir, 'tiny-qwen'), { architecture: 'qwen2', seed: 4 });
    const b = testBackend();
    await call(b, 'models.import', { path: model.dir });
    const turn = (i: number) => [
      { role: 'user' as const, content: `question ${i}` },
      { role: 'assistant' as const, content: `answer ${i}` },
    ];
    const history = [0, 1, 2, 3, 4, 5].flatMap(turn);
    const result = await call<GenerateResult>(b, 'inference.generate', { model: 'tiny-qwen', prompt: 'last', history, maxTokens: 8, temperature: 0 });
    // 64 positions: what is kept plus the 8 answer tokens fits, and keeping one more pair would not.
    const left = result.turnsLeftOut!;
    expect(left % 2).toBe(0);
    expect(left).toBeGreaterThan(0);
    expect(result.promptTokens + 8).toBeLessThanOrEqual(64);
    const generator = await Generator.open(model.dir);
    const longer = generator.tokenizer.encodeChat([...history.slice(left - 2), { role: 'user', content: 'last' }], { addGenerationPrompt: true });
    await generator.close();
    expect(longer.length + 8).toBeGreaterThan(64);
    await expect(call(b, 'inference.generate', { model: 'tiny-qwen', prompt: 'the cat '.repeat(80), maxTokens: 8 })).rejects.toThrow(/The prompt has \d+ tokens; tiny-qwen's context is 64/);
  }, 60_000);

  it('refuses history for a model without a chat template, and with the raw format', async () => {
    const b = testBackend();
    await call(b, 'models.import', { path: writeTinyModel(path.join(tempDir(), 'tiny-gpt2'), { architecture: 'gpt2', seed: 2 }).dir });
    const history = [{ role: 'user', content: 'hi' }];
    await expect(call(b, 'inference.generate', { model: 'tiny-gpt2', prompt: 'x', history })).rejects.toThrow(/tiny-gpt2 has no chat template/);
    await expect(call(b, 'inference.generate', { model: 'tiny-gpt2', prompt: 'x', format: 'raw', history })).rejects.toThrow(/history needs format 'instruction'.*"field":"history"/);
  }, 60_000);
});
