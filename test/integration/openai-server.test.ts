/**
 * The local OpenAI-compatible inference server, driven by the official `openai` npm client: a tiny
 * Llama (with a ChatML template) and two adapters installed in a data folder; models listed;
 * completions and chat completions, streamed and not, equal to the engine's Generator on the same
 * ids (greedy); concurrent requests for different adapters decoded in shared batches, each equal
 * to its result alone; bad requests answered with OpenAI's error bodies and statuses; started and
 * stopped through inference.server.* and `studio serve-models`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Generator } from '../../engine/generate/index';
import type { LoraAdapter } from '../../engine/lora-io/adapter';
import { initLoraAdapter, loraSettings } from '../../engine/lora-io/adapter';
import { readPeftAdapter, writePeftAdapter } from '../../engine/lora-io/peft-files';
import { loadModelConfig } from '../../engine/models/config';
import { ModelsService } from '../../electron/backend/models/service';
import type { ServedPass } from '../../electron/backend/inference/openai/engines';
import { startOpenAiServer, type RunningOpenAiServer } from '../../electron/backend/inference/openai/server';
import type { InferenceServerStatus } from '../../shared/api/schemas/inference-server';
import { call, testBackend } from '../fixtures/datanet-backend';
import { exitOf, startStudio } from '../fixtures/studio-cli';
import { tempDir } from '../fixtures/temp-dir';
import { writeTinyModel } from '../fixtures/tiny-models';

/** An adapter with a non-zero B, so it changes what the model writes. */
async function writeAdapter(dir: string, modelDir: string, seed: number, r: number): Promise<string> {
  const adapter = initLoraAdapter(loadModelConfig(modelDir), loraSettings('llama', { r, alpha: 16 }), seed);
  for (const m of adapter.modules) m.b.forEach((_, i) => (m.b[i] = Math.sin(i * 0.7 + seed) * 0.5));
  await writePeftAdapter(dir, adapter);
  return dir;
}

let dataDir: string;
let modelDir: string;
let server: RunningOpenAiServer;
let client: OpenAI;
let gen: Generator;
const adapters: Record<string, LoraAdapter> = {};
const passes: ServedPass[] = [];

let root: string;

beforeAll(async () => {
  // Not tempDir(): that one is removed after each test, and these files serve the whole file.
  const dir = (root = fs.mkdtempSync(path.join(os.tmpdir(), 'openai-server-')));
  dataDir = path.join(dir, 'data');
  modelDir = writeTinyModel(path.join(dir, 'tiny-llama'), { architecture: 'llama', seed: 5, maxPositions: 128 }).dir;
  const b = testBackend(dataDir);
  await call(b, 'models.import', { path: modelDir });
  // Different ranks: the served session holds both.
  await call(b, 'adapters.import', { path: await writeAdapter(path.join(dir, 'ad1'), modelDir, 1, 4), base: 'tiny-llama' });
  await call(b, 'adapters.import', { path: await writeAdapter(path.join(dir, 'ad2'), modelDir, 2, 8), base: 'tiny-llama' });
  await b.close();
  for (const name of ['ad1', 'ad2']) adapters[name] = await readPeftAdapter(path.join(dir, name), loadModelConfig(modelDir));
  server = await startOpenAiServer({ models: new ModelsService(dataDir), windowMs: 20 });
  server.engines.onForward = (p) => passes.push(p);
  client = new OpenAI({ baseURL: server.url, apiKey: server.apiKey, maxRetries: 0 });
  gen = await Generator.open(modelDir);
}, 60_000);

afterAll(async () => {
  await server.close();
  await gen.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/** The Generator's greedy text for the same ids. */
async function engineText(ids: number[], adapter: string | null, maxTokens: number, stop: string[] = []): Promise<{ text: string; tokens: number; finish: string }> {
  const g = await gen.generate(ids, { maxTokens, doSample: false, adapter: adapter ? adapters[adapter]! : null, stop });
  return { text: g.text, tokens: g.tokenIds.length, finish: g.finishReason === 'length' ? 'length' : 'stop' };
}

const textIds = (prompt: string) => gen.tokenizer.encode(prompt, { addSpecialTokens: true });
const chatIds = (messages: { role: string; content: string }[]) => gen.tokenizer.encodeChat(messages, { addGenerationPrompt: true });

describe('OpenAI-compatible server', () => {
  it('lists the base model and its adapters as base:adapter', async () => {
    const models = [];
    for await (const m of client.models.list()) models.push(m);
    expect(models.map((m) => m.id)).toEqual(['tiny-llama', 'tiny-llama:ad1', 'tiny-llama:ad2']);
    expect(models.map((m) => [m.object, typeof m.created, m.owned_by.length > 0])).toEqual(models.map(() => ['model', 'number', true]));
    expect((await client.models.retrieve('tiny-llama:ad2')).id).toBe('tiny-llama:ad2');
  });

  it('completions, plain and streamed, equal the engine greedy on the same ids, with usage', async () => {
    for (const model of ['tiny-llama', 'tiny-llama:ad1']) {
      const adapter = model.includes(':') ? model.split(':')[1]! : null;
      const want = await engineText(textIds('the cat sat'), adapter, 12);
      const plain = await client.completions.create({ model, prompt: 'the cat sat', max_tokens: 12, temperature: 0 });
      expect(plain.object).toBe('text_completion');
      expect(plain.model).toBe(model);
      expect(plain.choices).toHaveLength(1);
      expect(plain.choices[0]!.text).toBe(want.text);
      expect(plain.choices[0]!.finish_reason).toBe(want.finish);
      expect(plain.usage).toEqual({ prompt_tokens: textIds('the cat sat').length, completion_tokens: want.tokens, total_tokens: textIds('the cat sat').length + want.tokens });

      const stream = await client.completions.create({ model, prompt: 'the cat sat', max_tokens: 12, temperature: 0, stream: true, stream_options: { include_usage: true } });
      let text = '';
      const finishes: (string | null)[] = [];
      let usage: OpenAI.CompletionUsage | undefined;
      let chunks = 0;
      for await (const chunk of stream) {
        chunks++;
        if (chunk.usage) usage = chunk.usage;
        for (const c of chunk.choices) {
          text += c.text;
          finishes.push(c.finish_reason);
        }
      }
      expect(text).toBe(want.text);
      expect(chunks).toBeGreaterThan(2);
      expect(finishes.at(-1)).toBe(want.finish);
      expect(usage?.completion_tokens).toBe(want.tokens);
    }
    // The adapter changes the output, so the comparisons above could fail.
    expect((await engineText(textIds('the cat sat'), 'ad1', 12)).text).not.toBe((await engineText(textIds('the cat sat'), null, 12)).text);
    // Token ids as the prompt, and a stop string.
    const ids = textIds('hello world');
    const want = await engineText(ids, 'ad2', 16, ['o']);
    const byIds = await client.completions.create({ model: 'tiny-llama:ad2', prompt: ids, max_tokens: 16, temperature: 0, stop: 'o' });
    expect(byIds.choices[0]!.text).toBe(want.text);
  });

  it('chat completions, plain and streamed, go through the chat template and equal the engine greedy', async () => {
    const messages = [
      { role: 'system' as const, content: 'You are terse.' },
      { role: 'user' as const, content: 'Name a cat.' },
      { role: 'assistant' as const, content: 'Tom.' },
      { role: 'user' as const, content: 'Another one?' },
    ];
    const want = await engineText(chatIds(messages), 'ad2', 10);
    const plain = await client.chat.completions.create({ model: 'tiny-llama:ad2', messages, max_completion_tokens: 10, temperature: 0 });
    expect(plain.object).toBe('chat.completion');
    expect(plain.choices[0]!.message).toMatchObject({ role: 'assistant', content: want.text });
    expect(plain.choices[0]!.finish_reason).toBe(want.finish);
    expect(plain.usage?.prompt_tokens).toBe(chatIds(messages).length);

    const stream = await client.chat.completions.create({ model: 'tiny-llama:ad2', messages, max_completion_tokens: 10, temperature: 0, stream: true });
    let text = '';
    const roles: string[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      const c = chunk.choices[0]!;
      if (c.delta.role) roles.push(c.delta.role);
      text += c.delta.content ?? '';
      finish = c.finish_reason ?? finish;
    }
    expect(roles).toEqual(['assistant']);
    expect(text).toBe(want.text);
    expect(finish).toBe(want.finish);
  });

  it('concurrent requests for different adapters are decoded in one batch, each as it is alone', async () => {
    const jobs = [
      { model: 'tiny-llama:ad1', prompt: 'once upon a time', max: 14 },
      { model: 'tiny-llama:ad2', prompt: 'the dog', max: 9 },
      { model: 'tiny-llama', prompt: 'hello there', max: 11 },
      { model: 'tiny-llama:ad2', prompt: 'once upon a time', max: 14 },
    ];
    passes.length = 0;
    const together = await Promise.all(
      jobs.map(async (j, i) => {
        // Half of them streamed: the stream and the plain response share the batch too.
        if (i % 2 === 0) return (await client.completions.create({ model: j.model, prompt: j.prompt, max_tokens: j.max, temperature: 0 })).choices[0]!.text;
        let text = '';
        for await (const chunk of await client.completions.create({ model: j.model, prompt: j.prompt, max_tokens: j.max, temperature: 0, stream: true })) text += chunk.choices[0]?.text ?? '';
        return text;
      }),
    );
    const mixed = passes.filter((p) => p.rows.includes('tiny-llama:ad1') && p.rows.includes('tiny-llama:ad2'));
    expect(mixed.length, `passes: ${JSON.stringify(passes.slice(0, 4))}`).toBeGreaterThan(0);
    expect(Math.max(...passes.map((p) => p.rows.length))).toBe(4);
    const alone: string[] = [];
    for (const j of jobs) alone.push((await client.completions.create({ model: j.model, prompt: j.prompt, max_tokens: j.max, temperature: 0 })).choices[0]!.text);
    expect(together).toEqual(alone);
    for (const [i, j] of jobs.entries()) expect(alone[i]).toBe((await engineText(textIds(j.prompt), j.model.split(':')[1] ?? null, j.max)).text);
    // One base session served all three models.
    const stats = await server.engines.stats();
    expect(stats.map((s) => [s.base, s.stats.sessionsCreated])).toEqual([['tiny-llama', 1]]);
  });

  it('a seeded sampled request repeats, and differs with another seed', async () => {
    const ask = (seed: number) => client.completions.create({ model: 'tiny-llama:ad1', prompt: 'the cat', max_tokens: 16, temperature: 1.5, seed });
    const [a, b, c] = await Promise.all([ask(1), ask(1), ask(2)]);
    expect(a.choices[0]!.text).toBe(b.choices[0]!.text);
    expect(a.choices[0]!.text).not.toBe(c.choices[0]!.text);
  });

  it('bad requests get OpenAI error bodies and statuses', async () => {
    const raw = async (body: string | object, headers: Record<string, string> = { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' }, route = '/chat/completions') => {
      const res = await fetch(`${server.url}${route}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as { error: { message: string; type: string; param: string | null; code: string | null } } };
    };
    const fails = async (run: () => Promise<unknown>) => {
      try {
        await run();
      } catch (error) {
        if (error instanceof APIError) return error;
        throw error;
      }
      throw new Error('the request succeeded');
    };
    const ok = { model: 'tiny-llama', messages: [{ role: 'user', content: 'hi' }] };

    const noKey = await raw(ok, { 'content-type': 'application/json' });
    expect(noKey.status).toBe(401);
    expect(noKey.body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key', param: null });
    expect(noKey.body.error.message).toMatch(/didn't provide an API key/);
    const wrong = await fails(() => new OpenAI({ baseURL: server.url, apiKey: 'sk-wrong-key', maxRetries: 0 }).models.list());
    expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(wrong.status).toBe(401);
    expect(wrong.code).toBe('invalid_api_key');

    const unknown = await fails(() => client.chat.completions.create({ model: 'tiny-llama:nope', messages: [{ role: 'user', content: 'hi' }] }));
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unknown).toMatchObject({ status: 404, code: 'model_not_found', param: 'model', type: 'invalid_request_error' });
    expect(unknown.message).toMatch(/tiny-llama:nope/);

    const n2 = await fails(() => client.chat.completions.create({ model: 'tiny-llama', messages: [{ role: 'user', content: 'hi' }], n: 2 }));
    expect(n2).toBeInstanceOf(OpenAI.BadRequestError);
    expect(n2).toMatchObject({ status: 400, param: 'n', type: 'invalid_request_error' });

    const hot = await fails(() => client.completions.create({ model: 'tiny-llama', prompt: 'hi', temperature: 5 }));
    expect(hot).toMatchObject({ status: 400, param: 'temperature', code: 'decimal_above_max_value' });
    expect(hot.message).toMatch(/Expected a value <= 2, but got 5/);

    const malformed = await raw('{"model": "tiny-llama", "messages": [');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({ type: 'invalid_request_error', param: null });
    expect(malformed.body.error.message).toMatch(/could not parse the JSON body/);

    const missing = await raw({ model: 'tiny-llama' });
    expect(missing).toMatchObject({ status: 400, body: { error: { param: 'messages', code: 'missing_required_parameter' } } });
    const badType = await raw({ ...ok, max_tokens: '12' });
    expect(badType).toMatchObject({ status: 400, body: { error: { param: 'max_tokens', code: 'invalid_type' } } });
    const extra = await raw({ ...ok, frobnicate: true });
    expect(extra).toMatchObject({ status: 400, body: { error: { param: 'frobnicate', code: 'unknown_parameter' } } });
    const badRole = await raw({ model: 'tiny-llama', messages: [{ role: 'tool', content: 'x' }] });
    expect(badRole).toMatchObject({ status: 400, body: { error: { param: 'messages[0].role' } } });
    const tooLong = await raw({ model: 'tiny-llama', prompt: 'the cat '.repeat(200) }, undefined, '/completions');
    expect(tooLong).toMatchObject({ status: 400, body: { error: { param: 'prompt', code: 'context_length_exceeded' } } });
    const badIds = await raw({ model: 'tiny-llama', prompt: [1, 2, 10 ** 6] }, undefined, '/completions');
    expect(badIds).toMatchObject({ status: 400, body: { error: { param: 'prompt' } } });
    expect(badIds.body.error.message).toMatch(/outside the vocabulary/);
    const route = await raw(ok, undefined, '/embeddings');
    expect(route.status).toBe(404);
    expect(route.body.error.message).toBe('Invalid URL (POST /v1/embeddings)');
  });

  it('counts as answered only the requests that got a 2xx (plain and streamed), not the refused ones', async () => {
    const fresh = await startOpenAiServer({ models: new ModelsService(dataDir) });
    try {
      const post = (body: string, key = fresh.apiKey) =>
        fetch(`${fresh.url}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
      const chat = (extra: object = {}) => JSON.stringify({ model: 'tiny-llama', messages: [{ role: 'user', content: 'hi' }], max_tokens: 3, ...extra });
      const statuses = [
        (await fetch(`${fresh.url}/models`)).status,
        (await post(chat(), 'sk-wrong-key')).status,
        (await post(JSON.stringify({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] }))).status,
        (await post('{bad')).status,
      ];
      expect(statuses).toEqual([401, 401, 404, 400]);
      expect(fresh.counters.requests).toBe(0);
      expect((await fetch(`${fresh.url}/models`, { headers: { authorization: `Bearer ${fresh.apiKey}` } })).status).toBe(200);
      expect((await post(chat())).status).toBe(200);
      const streamed = await post(chat({ stream: true }));
      expect(streamed.status).toBe(200);
      await streamed.text();
      // The streamed answer counts once it has ended.
      await expect.poll(() => fresh.counters.requests).toBe(3);
    } finally {
      await fresh.close();
    }
  });

  it('requests beyond the waiting room get a 429 rate_limit_exceeded', async () => {
    const small = await startOpenAiServer({ models: new ModelsService(dataDir), maxBatch: 1, maxWaiting: 1 });
    try {
      const tight = new OpenAI({ baseURL: small.url, apiKey: small.apiKey, maxRetries: 0 });
      const outcomes = await Promise.allSettled([0, 1, 2, 3].map(() => tight.completions.create({ model: 'tiny-llama', prompt: 'the cat', max_tokens: 60, temperature: 0, ignore_eos: true } as OpenAI.CompletionCreateParamsNonStreaming)));
      const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
      expect(refused.length).toBeGreaterThan(0);
      expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBeGreaterThan(0);
      for (const e of refused) {
        expect(e).toBeInstanceOf(OpenAI.RateLimitError);
        expect(e).toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'requests' });
      }
    } finally {
      await small.close();
    }
  });

  it('a client that disconnects mid-stream frees its row; the server keeps serving', async () => {
    // Each forward pass made slow (3 ms), so the 120 tokens asked for take far longer than the disconnect.
    const steps: string[][] = [];
    server.engines.onForward = (p) => {
      steps.push(p.rows);
      const until = performance.now() + 3;
      while (performance.now() < until);
    };
    const controller = new AbortController();
    const stream = await client.completions.create({ model: 'tiny-llama:ad1', prompt: 'the cat', max_tokens: 120, temperature: 0, stream: true, ignore_eos: true } as OpenAI.CompletionCreateParamsStreaming, { signal: controller.signal });
    let seen = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.text) seen++;
      if (seen === 3) {
        controller.abort();
        break;
      }
    }
    const deadline = Date.now() + 5000;
    while ((await server.engines.stats())[0]!.stats.active > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    server.engines.onForward = (p) => passes.push(p);
    expect((await server.engines.stats())[0]!.stats.active).toBe(0);
    expect(steps.length, 'the row left long before its 120 tokens').toBeLessThan(60);
    const after = await client.completions.create({ model: 'tiny-llama', prompt: 'hi', max_tokens: 3, temperature: 0 });
    expect(after.choices[0]!.finish_reason).toBeDefined();
  });
});

describe('starting and stopping it', () => {
  it('inference.server.start / status / stop through the router', async () => {
    const b = testBackend(tempDir());
    const started = await call<InferenceServerStatus>(b, 'inference.server.start', { apiKey: 'my-secret-key-1' });
    expect(started).toMatchObject({ running: true, apiKey: 'my-secret-key-1' });
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const models = await new OpenAI({ baseURL: started.url!, apiKey: 'my-secret-key-1', maxRetries: 0 }).models.list();
    expect(models.data).toEqual([]);
    // Starting it again as it runs gives its status; with another key it is refused.
    expect((await call<InferenceServerStatus>(b, 'inference.server.start', {})).port).toBe(started.port);
    await expect(call(b, 'inference.server.start', { apiKey: 'another-key-2' })).rejects.toThrow(/already runs/);
    expect((await call<InferenceServerStatus>(b, 'inference.server.status')).requests).toBeGreaterThan(0);
    expect(await call<InferenceServerStatus>(b, 'inference.server.stop')).toMatchObject({ running: false, url: null });
    await expect(fetch(`${started.url}/models`)).rejects.toThrow();
    await expect(call(b, 'inference.server.start', { apiKey: 'short' })).rejects.toThrow(/apiKey/);
  });

  it('studio serve-models prints its URL and key, serves, and stops on Ctrl+C', async () => {
    const { child, stdout } = await startStudio(['--data-dir', dataDir, 'serve-models', '--api-key', 'cli-key-12345'], /Press Ctrl\+C/);
    try {
      const url = /OpenAI-compatible API at (\S+)/.exec(stdout())![1]!;
      expect(stdout()).toContain('API key: cli-key-12345');
      const cli = new OpenAI({ baseURL: url, apiKey: 'cli-key-12345', maxRetries: 0 });
      expect((await cli.models.list()).data.map((m) => m.id)).toEqual(['tiny-llama', 'tiny-llama:ad1', 'tiny-llama:ad2']);
      const done = await cli.chat.completions.create({ model: 'tiny-llama:ad1', messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 4, temperature: 0 });
      expect(done.choices[0]!.message.content).toBe((await engineText(chatIds([{ role: 'user', content: 'hi' }]), 'ad1', 4)).text);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exitOf(child)).toBe(0);
  }, 60_000);
});
