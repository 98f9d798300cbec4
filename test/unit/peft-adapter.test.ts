import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSafetensors, type TensorToWrite } from '../../engine/io/safetensors-write';
import { SafetensorsFile } from '../../engine/io/safetensors-file';
import { initLoraAdapter, loraSettings, type LoraAdapter } from '../../engine/lora-io/adapter';
import { adaptableModules } from '../../engine/lora-io/modules';
import { PEFT_CONFIG_FIELDS } from '../../engine/lora-io/peft-config';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, readPeftAdapter, writePeftAdapter } from '../../engine/lora-io/peft-files';
import { parseModelConfig, type ModelConfig } from '../../engine/models/config';
import { Prng } from '../../engine/train/prng';
import { tempDir } from '../fixtures/temp-dir';
import { tinyModelFiles, type TinyArchitecture } from '../fixtures/tiny-models';

function tiny(architecture: TinyArchitecture, extra: { layers?: number } = {}) {
  const model = tinyModelFiles({ architecture, layers: extra.layers ?? 2 });
  return { cfg: parseModelConfig(model.config), tensors: model.tensors };
}

/**
 * What PEFT writes, copied from its source rather than from our code:
 * - keys: get_peft_model_state_dict (src/peft/utils/save_and_load.py) keeps the PeftModel's
 *   parameter names, "base_model.model.<module>.lora_A.weight", minus the adapter name;
 * - shapes: LoraLayer.update_layer (src/peft/tuners/lora/layer.py) makes lora_A nn.Linear(in, r)
 *   and lora_B nn.Linear(r, out): weights [r, in] and [out, r]; for GPT-2's Conv1D in/out are its
 *   weight's [in, out];
 * - config: LoraConfig (src/peft/tuners/lora/config.py) and PeftConfig (src/peft/config.py), as
 *   PEFT 0.10–0.13 save them (the example adapter configs published with those versions).
 */
const PEFT_TABLE = {
  // GPT-2, n_embd 32, n_inner 128, r 4, targets c_attn and c_proj (attention's and the MLP's).
  gpt2: {
    targets: ['c_attn', 'c_proj'],
    keys: {
      'base_model.model.transformer.h.0.attn.c_attn.lora_A.weight': [4, 32],
      'base_model.model.transformer.h.0.attn.c_attn.lora_B.weight': [96, 4],
      'base_model.model.transformer.h.0.attn.c_proj.lora_A.weight': [4, 32],
      'base_model.model.transformer.h.0.attn.c_proj.lora_B.weight': [32, 4],
      'base_model.model.transformer.h.0.mlp.c_proj.lora_A.weight': [4, 128],
      'base_model.model.transformer.h.0.mlp.c_proj.lora_B.weight': [32, 4],
    },
    fanInFanOut: true,
  },
  // Llama, hidden 32, 4 heads of 8, 2 kv heads, intermediate 64, r 4, q/v and down.
  llama: {
    targets: ['q_proj', 'v_proj', 'down_proj'],
    keys: {
      'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight': [4, 32],
      'base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight': [32, 4],
      'base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight': [4, 32],
      'base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight': [16, 4],
      'base_model.model.model.layers.0.mlp.down_proj.lora_A.weight': [4, 64],
      'base_model.model.model.layers.0.mlp.down_proj.lora_B.weight': [32, 4],
    },
    fanInFanOut: false,
  },
} as const;

const PEFT_FIELDS_0_13 = [
  'alpha_pattern', 'auto_mapping', 'base_model_name_or_path', 'bias', 'fan_in_fan_out', 'inference_mode', 'init_lora_weights',
  'layer_replication', 'layers_pattern', 'layers_to_transform', 'loftq_config', 'lora_alpha', 'lora_dropout', 'megatron_config',
  'megatron_core', 'modules_to_save', 'peft_type', 'r', 'rank_pattern', 'revision', 'target_modules', 'task_type', 'use_dora', 'use_rslora',
];

function adapterFor(cfg: ModelConfig, targets: string[] | string, seed = 1): LoraAdapter {
  const adapter = initLoraAdapter(cfg, loraSettings(cfg.modelType, { r: 4, alpha: 16, targets, baseModel: 'tiny/base' }), seed);
  // Non-zero B too, so a round trip that lost B would show.
  const rng = new Prng(seed + 100);
  for (const m of adapter.modules) rng.fillUniform(m.b, -1, 1);
  return adapter;
}

describe('adapter modules', () => {
  for (const arch of ['gpt2', 'llama', 'qwen2'] as const) {
    it(`names and shapes ${arch}'s linear layers as its checkpoint does`, () => {
      const { cfg, tensors } = tiny(arch);
      const byName = new Map(tensors.map((t) => [t.name, t.shape]));
      const modules = adaptableModules(cfg);
      expect(modules).toHaveLength(cfg.numLayers * (arch === 'gpt2' ? 4 : 7));
      for (const m of modules) {
        // GPT-2's Conv1D stores [in, out]; nn.Linear stores [out, in].
        expect(byName.get(`${m.module}.weight`), m.module).toEqual(arch === 'gpt2' ? [m.inFeatures, m.outFeatures] : [m.outFeatures, m.inFeatures]);
      }
    });
  }
});

describe('PEFT adapter files', () => {
  for (const arch of ['gpt2', 'llama'] as const) {
    it(`writes ${arch} with PEFT's key names, shapes and config fields, and reads it back`, async () => {
      const want = PEFT_TABLE[arch];
      const { cfg } = tiny(arch, { layers: 1 });
      const dir = tempDir();
      const adapter = adapterFor(cfg, [...want.targets]);
      await writePeftAdapter(dir, adapter);

      const file = await SafetensorsFile.open(path.join(dir, ADAPTER_WEIGHTS_FILE));
      try {
        expect(file.metadata).toEqual({ format: 'pt' });
        expect(Object.fromEntries(file.tensors.map((t) => [t.name, t.shape]))).toEqual(want.keys);
        expect(file.tensors.every((t) => t.dtype === 'F32')).toBe(true);
      } finally {
        await file.close();
      }

      const text = fs.readFileSync(path.join(dir, ADAPTER_CONFIG_FILE), 'utf8');
      const config = JSON.parse(text) as Record<string, unknown>;
      expect(Object.keys(config)).toEqual(PEFT_FIELDS_0_13);
      expect([...PEFT_CONFIG_FIELDS]).toEqual(PEFT_FIELDS_0_13);
      expect(config).toMatchObject({
        peft_type: 'LORA',
        task_type: 'CAUSAL_LM',
        base_model_name_or_path: 'tiny/base',
        r: 4,
        lora_alpha: 16,
        lora_dropout: 0,
        target_modules: want.targets,
        fan_in_fan_out: want.fanInFanOut,
        bias: 'none',
        inference_mode: true,
        init_lora_weights: true,
        modules_to_save: null,
        revision: null,
        use_rslora: false,
        use_dora: false,
        rank_pattern: {},
        alpha_pattern: {},
      });
      expect(text.startsWith('{\n  "alpha_pattern": {},\n')).toBe(true);

      const back = await readPeftAdapter(dir, cfg);
      expect(back.settings).toEqual(adapter.settings);
      expect(back.modules.map((m) => m.module)).toEqual(adapter.modules.map((m) => m.module));
      back.modules.forEach((m, i) => {
        expect(m.a).toEqual(adapter.modules[i]!.a);
        expect(m.b).toEqual(adapter.modules[i]!.b);
      });
    });
  }

  it('reads fp16 adapters, and a target given as a regular expression', async () => {
    const { cfg } = tiny('llama', { layers: 2 });
    const dir = tempDir();
    const adapter = adapterFor(cfg, String.raw`.*\.1\.self_attn\.(q|v)_proj`);
    expect(adapter.modules.map((m) => m.module)).toEqual(['model.layers.1.self_attn.q_proj', 'model.layers.1.self_attn.v_proj']);
    await writePeftAdapter(dir, adapter);
    // Rewrite the weights as F16 (exactly representable values), as a PEFT run in half precision would.
    const tensors: TensorToWrite[] = [];
    for (const m of adapter.modules) {
      m.a.fill(0.5);
      m.b.fill(-0.25);
      for (const [suffix, data, shape] of [['lora_A', m.a, [4, m.inFeatures]], ['lora_B', m.b, [m.outFeatures, 4]]] as const) {
        tensors.push({ name: `base_model.model.${m.module}.${suffix}.weight`, dtype: 'F16', shape, data: new Uint16Array(data.length).fill(suffix === 'lora_A' ? 0x3800 : 0xb400) });
      }
    }
    await writeSafetensors(path.join(dir, ADAPTER_WEIGHTS_FILE), tensors, { format: 'pt' });
    const back = await readPeftAdapter(dir, cfg);
    expect(back.settings.targetModules).toBe(adapter.settings.targetModules);
    back.modules.forEach((m, i) => {
      expect(m.a).toEqual(adapter.modules[i]!.a);
      expect(m.b).toEqual(adapter.modules[i]!.b);
    });
  });
});

describe('PEFT adapter reader errors', () => {
  async function written(arch: TinyArchitecture = 'llama', targets = ['q_proj', 'v_proj']) {
    const { cfg } = tiny(arch, { layers: 1 });
    const dir = tempDir();
    await writePeftAdapter(dir, adapterFor(cfg, targets));
    return { cfg, dir };
  }
  function editConfig(dir: string, edit: (c: Record<string, unknown>) => void): void {
    const file = path.join(dir, ADAPTER_CONFIG_FILE);
    const c = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    edit(c);
    fs.writeFileSync(file, JSON.stringify(c));
  }
  async function rewriteWeights(dir: string, edit: (t: TensorToWrite[]) => TensorToWrite[]): Promise<void> {
    const file = await SafetensorsFile.open(path.join(dir, ADAPTER_WEIGHTS_FILE));
    const tensors: TensorToWrite[] = [];
    for (const t of file.tensors) tensors.push({ name: t.name, dtype: 'F32', shape: t.shape, data: await file.read(t.name, 'f32') });
    await file.close();
    await writeSafetensors(path.join(dir, ADAPTER_WEIGHTS_FILE), edit(tensors), { format: 'pt' });
  }

  const configCases: Array<[string, (c: Record<string, unknown>) => void, RegExp]> = [
    ['another method', (c) => (c.peft_type = 'IA3'), /peft_type is "IA3"; only LORA/],
    ['another task', (c) => (c.task_type = 'SEQ_CLS'), /task_type is "SEQ_CLS"/],
    ['DoRA', (c) => (c.use_dora = true), /use_dora true is not supported/],
    ['rsLoRA', (c) => (c.use_rslora = true), /use_rslora true is not supported/],
    ['trained biases', (c) => (c.bias = 'lora_only'), /bias "lora_only" is not supported/],
    ['modules to save', (c) => (c.modules_to_save = ['lm_head']), /not supported: modules_to_save \["lm_head"\]/],
    ['a rank pattern', (c) => (c.rank_pattern = { q_proj: 8 }), /not supported: rank_pattern/],
    ['a subset of layers', (c) => (c.layers_to_transform = [0]), /not supported: layers_to_transform \[0\]/],
    ['an unknown option that is on', (c) => (c.use_future_thing = true), /not supported: use_future_thing true/],
    ['a bad rank', (c) => (c.r = 0), /r must be a positive integer, got 0/],
    ['a bad alpha', (c) => (c.lora_alpha = 'x'), /lora_alpha must be a positive number/],
    ['no targets', (c) => delete c.target_modules, /target_modules must be a list/],
    ['a target the model lacks', (c) => (c.target_modules = ['q_proj', 'c_attn']), /entry "c_attn" matches no linear layer of this llama model/],
    ['unexpanded all-linear', (c) => (c.target_modules = 'all-linear'), /"all-linear" must be expanded/],
  ];
  for (const [what, edit, message] of configCases) {
    it(`refuses ${what}`, async () => {
      const { cfg, dir } = await written();
      editConfig(dir, edit);
      await expect(readPeftAdapter(dir, cfg)).rejects.toThrow(message);
    });
  }

  it('accepts newer PEFT fields left at their defaults, and bookkeeping it ignores', async () => {
    const { cfg, dir } = await written();
    // The fields PEFT 0.21.0 adds to LoraConfig and PeftConfig (peft/tuners/lora/config.py,
    // peft/config.py in its wheel), at their defaults, as a PEFT 0.21 save writes them.
    const peft021 = {
      peft_version: '0.21.0', exclude_modules: null, trainable_token_indices: null, eva_config: null, corda_config: null,
      lora_ga_config: null, velora_config: null, alora_invocation_tokens: null, use_qalora: false, qalora_group_size: 16,
      monteclora_config: null, lora_bias: false, target_parameters: null, use_bdlora: null, arrow_config: null, kasa_config: null,
      ensure_weight_tying: false,
    };
    editConfig(dir, (c) => Object.assign(c, peft021, { fan_in_fan_out: true }));
    expect((await readPeftAdapter(dir, cfg)).modules).toHaveLength(2);
  });

  it('says which files are missing or unreadable', async () => {
    const { cfg, dir } = await written();
    fs.writeFileSync(path.join(dir, ADAPTER_CONFIG_FILE), '{');
    await expect(readPeftAdapter(dir, cfg)).rejects.toThrow(/adapter_config.json: not valid JSON/);
    fs.rmSync(path.join(dir, ADAPTER_CONFIG_FILE));
    await expect(readPeftAdapter(dir, cfg)).rejects.toThrow(/has no adapter_config.json/);
    const other = await written();
    fs.rmSync(path.join(other.dir, ADAPTER_WEIGHTS_FILE));
    await expect(readPeftAdapter(other.dir, other.cfg)).rejects.toThrow(/has no adapter_model.safetensors/);
  });

  it('lists missing keys, unknown keys (with a hint for adapter names) and wrong shapes', async () => {
    const { cfg, dir } = await written();
    await rewriteWeights(dir, (ts) => {
      const out = ts.filter((t) => !t.name.includes('v_proj.lora_B'));
      const q = out.find((t) => t.name.endsWith('q_proj.lora_A.weight'))!;
      q.name = q.name.replace('lora_A.weight', 'lora_A.default.weight');
      const v = out.find((t) => t.name.endsWith('v_proj.lora_A.weight'))!;
      v.shape = [v.shape[1]!, v.shape[0]!];
      return out;
    });
    const error = await readPeftAdapter(dir, cfg).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(/does not match adapter_config.json for this llama model/);
    expect(message).toContain('missing base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight');
    expect(message).toContain('missing base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight');
    expect(message).toContain('base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight has shape [32, 4], expected [4, 32] (r 4)');
    expect(message).toContain('unknown tensor base_model.model.model.layers.0.self_attn.q_proj.lora_A.default.weight (it carries an adapter name; PEFT saves keys without one)');
  });

  it('refuses an adapter for another architecture', async () => {
    const { dir } = await written('gpt2', ['c_attn']);
    const llama = tiny('llama', { layers: 1 }).cfg;
    await expect(readPeftAdapter(dir, llama)).rejects.toThrow(/selects no linear layer of this llama model/);
  });

  it('refuses an adapter for a model of another size', async () => {
    const { dir } = await written();
    const wider = parseModelConfig(tinyModelFiles({ architecture: 'llama', layers: 2, hidden: 64 }).config);
    const message = await readPeftAdapter(dir, wider).then(() => '', (e: unknown) => (e as Error).message);
    expect(message).toContain('q_proj.lora_A.weight has shape [4, 32], expected [4, 64]');
    expect(message).toContain('missing base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight');
  });
});
