/**
 * Base language models and adapters in the data folder: import checks that the engine can load
 * what it copies, lists describe what the checkpoint holds, adapters are checked against their
 * base, and removal keeps an adapter from losing its base. Through the API, plus the CLI's
 * `studio model` / `studio adapter` on the same folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Adapter, LanguageModel } from '../../shared/api/schemas/models';
import { initLoraAdapter, loraSettings } from '../../engine/lora-io/adapter';
import { writePeftAdapter } from '../../engine/lora-io/peft-files';
import { loadModelConfig } from '../../engine/models/config';
import { call, testBackend } from '../fixtures/datanet-backend';
import { runStudio } from '../fixtures/studio-cli';
import { tempDir } from '../fixtures/temp-dir';
import { writeTinyModel } from '../fixtures/tiny-models';

describe('language models and adapters', () => {
  it('imports a model folder, describes it, checks adapters against it, exports and removes them', async () => {
    const dir = tempDir();
    const gpt2 = writeTinyModel(path.join(dir, 'tiny-gpt2'), { architecture: 'gpt2', seed: 1, shards: 2 });
    const llama = writeTinyModel(path.join(dir, 'tiny-llama'), { architecture: 'llama', seed: 2 });
    const b = testBackend();

    const model = await call<LanguageModel>(b, 'models.import', { path: gpt2.dir });
    // 2 layers × (ln 2·32·2 + c_attn 32·96+96 + c_proj 32·32+32 + c_fc 32·128+128 + c_proj 128·32+32) + wte + wpe + ln_f.
    const h = 32;
    const perLayer = 4 * h + (h * 3 * h + 3 * h) + (h * h + h) + (h * 4 * h + 4 * h) + (4 * h * h + h);
    expect(model).toMatchObject({ name: 'tiny-gpt2', architecture: 'gpt2', layers: 2, hidden: 32, dtype: 'F32', chat: false, source: gpt2.dir });
    expect(model.parameters).toBe(2 * perLayer + gpt2.vocabSize * h + 64 * h + 2 * h);
    // Sharded: the index and both shards came along.
    expect(fs.readdirSync(path.join(b.dataDir, 'models', 'language', 'tiny-gpt2')).sort()).toEqual(
      ['.studio-source', 'config.json', 'generation_config.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'model.safetensors.index.json', 'tokenizer.json', 'tokenizer_config.json'],
    );
    await expect(call(b, 'models.import', { path: gpt2.dir })).rejects.toThrow(/"code":"conflict".*already installed/);
    const broken = writeTinyModel(path.join(dir, 'broken'), { architecture: 'gpt2', omit: ['tokenizer.json'] });
    await expect(call(b, 'models.import', { path: broken.dir })).rejects.toThrow(/is not a language model folder: it has no tokenizer.json\./);
    const config = JSON.parse(fs.readFileSync(path.join(llama.dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    const bert = path.join(dir, 'bert');
    fs.cpSync(llama.dir, bert, { recursive: true });
    fs.writeFileSync(path.join(bert, 'config.json'), JSON.stringify({ ...config, model_type: 'bert' }));
    await expect(call(b, 'models.import', { path: bert })).rejects.toThrow(/bert/);
    expect((await call<LanguageModel[]>(b, 'models.list', {})).map((m) => m.name)).toEqual(['tiny-gpt2']);

    // An adapter for it, as PEFT writes one; one for another architecture does not fit.
    const settings = loraSettings('gpt2', { r: 4, alpha: 8 });
    await writePeftAdapter(path.join(dir, 'ad'), initLoraAdapter(loadModelConfig(gpt2.dir), settings, 3));
    await writePeftAdapter(path.join(dir, 'wrong'), initLoraAdapter(loadModelConfig(llama.dir), loraSettings('llama'), 3));
    const adapter = await call<Adapter>(b, 'adapters.import', { path: path.join(dir, 'ad'), base: 'tiny-gpt2', name: 'my-adapter' });
    expect(adapter).toMatchObject({ name: 'my-adapter', base: 'tiny-gpt2', rank: 4, alpha: 8, targets: ['c_attn'], lineage: null });
    expect(adapter.parameters).toBe(2 * (4 * 32 + 96 * 4));
    const misfit = await call(b, 'adapters.import', { path: path.join(dir, 'wrong'), base: 'tiny-gpt2' }).then(() => '', (error: unknown) => String(error));
    expect(misfit).toMatch(/does not fit the base model.*q_proj/);
    // The message names the folder the user gave, not the copy being checked inside the data folder.
    expect(misfit).toContain(`${path.join(dir, 'wrong')} does not fit`);
    expect(misfit).not.toContain('.partial');
    await expect(call(b, 'adapters.import', { path: path.join(dir, 'ad'), base: 'nope' })).rejects.toThrow(/No language model named nope/);

    await expect(call(b, 'models.remove', { name: 'tiny-gpt2' })).rejects.toThrow(/adapter\(s\) are trained on tiny-gpt2 \(my-adapter\)/);
    const out = await call<{ files: string[] }>(b, 'adapters.export', { name: 'my-adapter', path: path.join(dir, 'exported') });
    expect(out.files.sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors', 'studio-adapter.json']);
    expect(fs.readFileSync(path.join(dir, 'exported', 'adapter_model.safetensors'))).toEqual(fs.readFileSync(path.join(dir, 'ad', 'adapter_model.safetensors')));
    await expect(call(b, 'adapters.export', { name: 'my-adapter', path: path.join(dir, 'exported') })).rejects.toThrow(/is not empty/);
    expect(await call(b, 'adapters.remove', { name: 'my-adapter' })).toEqual([]);
    expect(await call(b, 'models.remove', { name: 'tiny-gpt2' })).toEqual([]);
    await b.close();
  });

  it('studio model import/list and studio adapter import/list, with --json', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    const llama = writeTinyModel(path.join(dir, 'SmolTiny'), { architecture: 'llama', seed: 2 });
    const studio = async (...args: string[]) => {
      const run = await runStudio(['--data-dir', data, ...args]);
      expect(run.code, run.stderr).toBe(0);
      return run.stdout;
    };
    expect(await studio('model', 'list')).toMatch(/No language model is installed/);
    expect(await studio('model', 'import', llama.dir)).toMatch(/^Installed SmolTiny {2}llama \d+(\.\d)?K \(2 layers, width 32, F32\) chat/);
    const [listed] = JSON.parse(await studio('--json', 'model', 'list')) as LanguageModel[];
    expect(listed).toMatchObject({ name: 'SmolTiny', architecture: 'llama', chat: true });
    await writePeftAdapter(path.join(dir, 'qv'), initLoraAdapter(loadModelConfig(llama.dir), loraSettings('llama', { r: 2 }), 1));
    expect(await studio('adapter', 'import', path.join(dir, 'qv'), '--base', 'SmolTiny')).toMatch(/^Installed qv {2}on SmolTiny {2}rank 2, alpha 8, q_proj,v_proj/);
    const failed = await runStudio(['--data-dir', data, 'adapter', 'import', path.join(dir, 'qv'), '--base', 'SmolTiny']);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/already installed/);
  }, 60_000);
});
