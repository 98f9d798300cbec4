/**
 * Generation from the app's side: inference.generate on an installed base model, with and without
 * an adapter, equal to the engine's Generator on the same ids; text deltas stream as events;
 * `studio generate` prints the text.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { promptTokens } from '../../engine/data/index';
import { Generator } from '../../engine/generate/index';
import { initLoraAdapter, loraSettings } from '../../engine/lora-io/adapter';
import { writePeftAdapter } from '../../engine/lora-io/peft-files';
import { loadModelConfig } from '../../engine/models/config';
import type { GenerateResult } from '../../shared/api/schemas/inference';
import { call, testBackend } from '../fixtures/datanet-backend';
import { runStudio } from '../fixtures/studio-cli';
import { tempDir } from '../fixtures/temp-dir';
import { writeTinyModel } from '../fixtures/tiny-models';

/** An adapter with a non-zero B, so it changes what the model writes. */
async function writeAdapter(dir: string, modelDir: string, seed: number): Promise<string> {
  const adapter = initLoraAdapter(loadModelConfig(modelDir), loraSettings('llama', { r: 4, alpha: 16 }), seed);
  for (const m of adapter.modules) m.b.forEach((_, i) => (m.b[i] = Math.sin(i + seed) * 0.5));
  await writePeftAdapter(dir, adapter);
  return dir;
}

describe('inference.generate', () => {
  it('base and adapter generations match the engine, stream as deltas, and an adapter of another base is refused', async () => {
    const dir = tempDir();
    const model = writeTinyModel(path.join(dir, 'tiny-llama'), { architecture: 'llama', seed: 5 });
    const other = writeTinyModel(path.join(dir, 'other'), { architecture: 'llama', seed: 6, hidden: 48 });
    const b = testBackend();
    await call(b, 'models.import', { path: model.dir });
    await call(b, 'models.import', { path: other.dir });
    await call(b, 'adapters.import', { path: await writeAdapter(path.join(dir, 'ad'), model.dir, 1), base: 'tiny-llama' });

    const deltas: string[] = [];
    const off = b.events.subscribe((name, payload) => name === 'inference.delta' && (payload as { request: string }).request === 'r1' && deltas.push((payload as { text: string }).text));
    const base = await call<GenerateResult>(b, 'inference.generate', { model: 'tiny-llama', prompt: 'the cat', format: 'raw', maxTokens: 12, temperature: 0, request: 'r1' });
    off();
    expect(base.tokens).toBeGreaterThan(0);
    expect(deltas.join('')).toBe(base.text);
    const tuned = await call<GenerateResult>(b, 'inference.generate', { model: 'tiny-llama', adapter: 'ad', prompt: 'the cat', format: 'raw', maxTokens: 12, temperature: 0 });
    const again = await call<GenerateResult>(b, 'inference.generate', { model: 'tiny-llama', prompt: 'the cat', format: 'raw', maxTokens: 12, temperature: 0 });
    expect(again.text).toBe(base.text);
    expect(tuned.text, 'the adapter changes what the model writes').not.toBe(base.text);

    // The same ids through the engine directly.
    const generator = await Generator.open(model.dir);
    const ids = generator.tokenizer.encode('the cat');
    const { readPeftAdapter } = await import('../../engine/lora-io/peft-files');
    const adapter = await readPeftAdapter(path.join(dir, 'ad'), loadModelConfig(model.dir));
    expect((await generator.generate(ids, { maxTokens: 12, doSample: false })).text).toBe(base.text);
    expect((await generator.generate(ids, { maxTokens: 12, doSample: false, adapter })).text).toBe(tuned.text);
    // Instruction format: the prompt as training formats it (here ChatML).
    const chat = await call<GenerateResult>(b, 'inference.generate', { model: 'tiny-llama', prompt: 'the cat', maxTokens: 6, temperature: 0 });
    expect(chat.promptTokens).toBe(promptTokens(generator.tokenizer, { kind: 'instruction', id: 'p', prompt: 'the cat', response: '' }).ids.length);
    await generator.close();

    // Merged into a new base model, the adapter's answer comes from the merged weights alone.
    const merged = await call<{ name: string; source: string }>(b, 'adapters.merge', { adapter: 'ad', name: 'tiny-llama-ad' });
    expect(merged).toMatchObject({ name: 'tiny-llama-ad', source: 'merged:tiny-llama+ad' });
    const fromMerged = await call<GenerateResult>(b, 'inference.generate', { model: 'tiny-llama-ad', prompt: 'the cat', format: 'raw', maxTokens: 12, temperature: 0 });
    expect(fromMerged.text).toBe(tuned.text);
    await expect(call(b, 'adapters.merge', { adapter: 'ad', name: 'tiny-llama-ad' })).rejects.toThrow(/already installed/);
    await expect(call(b, 'inference.generate', { model: 'other', adapter: 'ad', prompt: 'x' })).rejects.toThrow(/Adapter ad belongs to tiny-llama, not other/);
    await expect(call(b, 'inference.generate', { model: 'tiny-llama', prompt: 'x', temperature: -1 })).rejects.toThrow(/temperature/);
    await b.close();
  }, 120_000);

  it('studio generate streams the text and reports tokens/s', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    const model = writeTinyModel(path.join(dir, 'tiny-gpt2'), { architecture: 'gpt2', seed: 5 });
    const imported = await runStudio(['--data-dir', data, 'model', 'import', model.dir]);
    expect(imported.code, imported.stderr).toBe(0);
    const run = await runStudio(['--data-dir', data, 'generate', '--model', 'tiny-gpt2', '--prompt', 'the cat', '--raw', '--max-tokens', '8', '--temperature', '0']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/\[\d+ tokens, \d+\.\d tokens\/s, (eos|length)\]/);
    const json = await runStudio(['--data-dir', data, '--json', 'generate', '--model', 'tiny-gpt2', '--prompt', 'the cat', '--raw', '--max-tokens', '8', '--temperature', '0']);
    expect((JSON.parse(json.stdout) as GenerateResult).text).toBe(run.stdout);
  }, 60_000);
});
