/**
 * GGUF exports loaded by llama.cpp (node-llama-cpp 3.21.1's prebuilt binary, CPU): for tiny
 * GPT-2, Llama (grouped-query attention, q/k permuted for llama.cpp's RoPE) and Qwen2 (q/k/v
 * biases) models, the base model, the model with an adapter merged, and the adapter alone
 * (applied by llama.cpp on the base GGUF), each in f32, f16 and Q8_0, generate greedily from the
 * same token ids as the engine's plain no-cache loop. f32 must agree on all 16 tokens, f16 and
 * Q8_0 on at least the first 8 (rounding may flip a later near-tie); what agreed is printed.
 * llama.cpp's tokenizer, read from the GGUF, must also split text as tokenizer.json does, and
 * Llama's RoPE scaling (linear: two keys; llama3: the rope_freqs tensor) must reach llama.cpp.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Llama } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportGguf } from '../../engine/gguf/index';
import { readGgufInfo } from '../../engine/gguf/reader';
import type { LoraAdapter } from '../../engine/lora-io/adapter';
import { loadModelConfig } from '../../engine/models/config';
import { loadTokenizer } from '../../engine/tokenize/load';
import type { TinyArchitecture } from '../fixtures/tiny-models';
import { cpuLlama, engineGreedy, ggufTinyModel, leastAmbiguousPrompt, llamaCppGreedy, randomAdapter, samePrefix } from './gguf-fixture';

const STEPS = 16;
/** Tokens that must agree at f16 and Q8_0. */
const STRICT = 8;
const TYPES = ['f32', 'f16', 'q8_0'] as const;
const MIN_AGREE = { f32: STEPS, f16: STRICT, q8_0: STRICT };

let llama: Llama;
const measured: string[] = [];

beforeAll(async () => {
  llama = await cpuLlama();
}, 120_000);

afterAll(async () => {
  await llama.dispose();
  console.log(`GGUF exports vs the engine, greedy tokens agreeing from the start (of ${STEPS}):\n${measured.join('\n')}`);
});

describe.each(['gpt2', 'llama', 'qwen2'] as const)('%s', (arch: TinyArchitecture) => {
  const model = ggufTinyModel(arch);
  const out = (name: string) => path.join(path.dirname(model.dir), name);
  let adapter: LoraAdapter;
  afterAll(() => model.cleanup());

  beforeAll(() => {
    adapter = randomAdapter(model.dir);
  });

  it('llama.cpp tokenizes text as tokenizer.json does', async () => {
    const file = out('vocab.gguf');
    await exportGguf({ modelDir: model.dir, type: 'f32', out: file });
    const text = 'Hello world! The quick brown fox jumps over the lazy dog, 42 times; café.';
    const ours = (await loadTokenizer(model.dir)).encode(text);
    const loaded = await llama.loadModel({ modelPath: file });
    try {
      const theirs: number[] = loaded.tokenize(text);
      expect(theirs).toEqual(ours);
      expect(loaded.detokenize(loaded.tokenize(text))).toBe(text);
    } finally {
      await loaded.dispose();
    }
  });

  for (const kind of ['model', 'merged', 'adapter'] as const) {
    it(`${kind}: llama.cpp generates the engine's greedy tokens (f32 all, f16 and Q8_0 at least ${STRICT})`, async () => {
      const engine = await engineGreedy(model.dir, kind === 'model' ? null : adapter);
      const { prompt, greedy, margin } = await leastAmbiguousPrompt(engine.run, loadModelConfig(model.dir).vocabSize, { candidates: 32, length: 6, steps: STEPS, strict: STRICT, seed: 11 });
      await engine.release();
      // The chosen continuation has a clear winner at each step (a fixture guard, not a result).
      expect(margin).toBeGreaterThan(0.05);
      const agreed: string[] = [];
      for (const type of TYPES) {
        const file = out(`${kind}-${type}.gguf`);
        const result = await exportGguf({ modelDir: model.dir, type, out: file, adapter: kind === 'model' ? undefined : adapter, merge: kind === 'merged' });
        expect(result.kind).toBe(kind);
        const info = await readGgufInfo(file);
        expect(info.metadata.get('general.type')?.value).toBe(kind === 'adapter' ? 'adapter' : 'model');
        let tokens: number[];
        if (kind === 'adapter') {
          const base = out(`base-${type}.gguf`);
          await exportGguf({ modelDir: model.dir, type, out: base });
          tokens = await llamaCppGreedy(llama, base, prompt, STEPS, file);
        } else {
          tokens = await llamaCppGreedy(llama, file, prompt, STEPS);
        }
        const same = samePrefix(tokens, greedy.tokens);
        agreed.push(`${type} ${same}`);
        expect(same, `${type}: llama.cpp ${tokens.join(' ')} vs engine ${greedy.tokens.join(' ')}`).toBeGreaterThanOrEqual(MIN_AGREE[type]);
      }
      measured.push(`  ${arch} ${kind}: ${agreed.join(', ')} (smallest top-2 logit gap ${Math.min(...greedy.gaps).toFixed(3)})`);
    }, 180_000);
  }
});

describe('Llama RoPE scaling', () => {
  // original_max_position_embeddings 16 puts the 22 positions used here past the scaling's knee.
  it.each([
    ['linear', { rope_type: 'linear', factor: 4 }],
    ['llama3', { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 16 }],
  ])('%s: llama.cpp generates the engine\'s 16 greedy tokens at f32', async (_name, scaling) => {
    const model = ggufTinyModel('llama');
    try {
      const configFile = path.join(model.dir, 'config.json');
      fs.writeFileSync(configFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(configFile, 'utf8')), rope_scaling: scaling }));
      const engine = await engineGreedy(model.dir, null);
      const { prompt, greedy } = await leastAmbiguousPrompt(engine.run, loadModelConfig(model.dir).vocabSize, { candidates: 32, length: 6, steps: STEPS, strict: STRICT, seed: 11 });
      await engine.release();
      const file = path.join(model.dir, 'scaled.gguf');
      await exportGguf({ modelDir: model.dir, type: 'f32', out: file });
      const tokens = await llamaCppGreedy(llama, file, prompt, STEPS);
      expect(tokens).toEqual(greedy.tokens);
    } finally {
      model.cleanup();
    }
  }, 120_000);
});
