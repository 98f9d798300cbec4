import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../fixtures/temp-dir';
import { type TinyArchitecture, type TinyModelOptions, tinyModelFiles, writeTinyModel } from '../fixtures/tiny-models';
import { byteSymbols, learnMerges } from '../fixtures/tiny-models-tokenizer';

/** A reader written for this test from the format's spec, independent of the fixture's writer. */
function readSafetensors(bytes: Uint8Array): { header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>; data: Uint8Array; headerLength: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
  const header = JSON.parse(text) as Record<string, never>;
  delete header.__metadata__;
  return { header, data: bytes.subarray(8 + headerLength), headerLength };
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (mantissa / 1024);
  if (exponent === 31) return mantissa ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
}

function bf16ToFloat(b: number): number {
  return new Float32Array(new Uint32Array([b << 16]).buffer)[0]!;
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * The tensors transformers' save_pretrained writes for each architecture, with their shapes, for the
 * default tiny sizes: vocab V, hidden 32, 2 layers, 4 heads (head_dim 8), 2 kv heads, MLP 64
 * (GPT-2: 4 × 32 = 128), 64 positions. {i} is each layer.
 */
function expectedTensors(arch: TinyArchitecture, V: number): Record<string, number[]> {
  const perLayer: Record<string, number[]> =
    arch === 'gpt2'
      ? {
          'transformer.h.{i}.ln_1.weight': [32],
          'transformer.h.{i}.ln_1.bias': [32],
          'transformer.h.{i}.attn.c_attn.weight': [32, 96],
          'transformer.h.{i}.attn.c_attn.bias': [96],
          'transformer.h.{i}.attn.c_proj.weight': [32, 32],
          'transformer.h.{i}.attn.c_proj.bias': [32],
          'transformer.h.{i}.ln_2.weight': [32],
          'transformer.h.{i}.ln_2.bias': [32],
          'transformer.h.{i}.mlp.c_fc.weight': [32, 128],
          'transformer.h.{i}.mlp.c_fc.bias': [128],
          'transformer.h.{i}.mlp.c_proj.weight': [128, 32],
          'transformer.h.{i}.mlp.c_proj.bias': [32],
        }
      : {
          'model.layers.{i}.input_layernorm.weight': [32],
          'model.layers.{i}.self_attn.q_proj.weight': [32, 32],
          'model.layers.{i}.self_attn.k_proj.weight': [16, 32],
          'model.layers.{i}.self_attn.v_proj.weight': [16, 32],
          'model.layers.{i}.self_attn.o_proj.weight': [32, 32],
          'model.layers.{i}.post_attention_layernorm.weight': [32],
          'model.layers.{i}.mlp.gate_proj.weight': [64, 32],
          'model.layers.{i}.mlp.up_proj.weight': [64, 32],
          'model.layers.{i}.mlp.down_proj.weight': [32, 64],
          ...(arch === 'qwen2'
            ? { 'model.layers.{i}.self_attn.q_proj.bias': [32], 'model.layers.{i}.self_attn.k_proj.bias': [16], 'model.layers.{i}.self_attn.v_proj.bias': [16] }
            : {}),
        };
  const global: Record<string, number[]> =
    arch === 'gpt2'
      ? { 'transformer.wte.weight': [V, 32], 'transformer.wpe.weight': [64, 32], 'transformer.ln_f.weight': [32], 'transformer.ln_f.bias': [32] }
      : // qwen2 ties by default (as Qwen2.5-0.5B does), llama does not.
        { 'model.embed_tokens.weight': [V, 32], 'model.norm.weight': [32], ...(arch === 'llama' ? { 'lm_head.weight': [V, 32] } : {}) };
  const all = { ...global };
  for (let i = 0; i < 2; i++) for (const [name, shape] of Object.entries(perLayer)) all[name.replace('{i}', String(i))] = shape;
  return all;
}

describe('tiny model fixtures', () => {
  it('writes the same bytes for the same options, and other weights for another seed', () => {
    for (const architecture of ['gpt2', 'llama', 'qwen2'] as const) {
      const a = tinyModelFiles({ architecture, seed: 3 });
      const b = tinyModelFiles({ architecture, seed: 3 });
      const c = tinyModelFiles({ architecture, seed: 4 });
      expect([...a.files.keys()]).toEqual([...b.files.keys()]);
      for (const [name, bytes] of a.files) expect(sha(bytes), `${architecture} ${name}`).toBe(sha(b.files.get(name)!));
      expect(sha(c.files.get('model.safetensors')!)).not.toBe(sha(a.files.get('model.safetensors')!));
      // The seed changes the weights only.
      expect(sha(c.files.get('tokenizer.json')!)).toBe(sha(a.files.get('tokenizer.json')!));
    }
  });

  it('writes to disk exactly the bytes it returns', () => {
    const dir = tempDir();
    const model = writeTinyModel(dir, { architecture: 'llama' });
    for (const [name, bytes] of model.files) expect(sha(fs.readFileSync(path.join(dir, name))), name).toBe(sha(bytes));
    expect(fs.readdirSync(dir).sort()).toEqual(['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
  });

  for (const architecture of ['gpt2', 'llama', 'qwen2'] as const) {
    it(`names and shapes ${architecture}'s tensors as transformers does`, () => {
      const model = tinyModelFiles({ architecture });
      const { header, data, headerLength } = readSafetensors(model.files.get('model.safetensors')!);
      const expected = expectedTensors(architecture, model.vocabSize);
      expect(Object.fromEntries(Object.entries(header).map(([name, t]) => [name, t.shape]))).toEqual(expected);
      // Header padded to 8 bytes; offsets contiguous and covering the data exactly.
      expect(headerLength % 8).toBe(0);
      const spans = Object.values(header).map((t) => t.data_offsets).sort((x, y) => x[0] - y[0]);
      let end = 0;
      for (const [start, stop] of spans) {
        expect(start).toBe(end);
        end = stop;
      }
      expect(end).toBe(data.length);
      for (const t of Object.values(header)) expect(t.data_offsets[1] - t.data_offsets[0]).toBe(4 * t.shape.reduce((a, b) => a * b, 1));
    });
  }

  it('stores the drawn values, fp32 exactly', () => {
    const model = tinyModelFiles({ architecture: 'gpt2' });
    const { header, data } = readSafetensors(model.files.get('model.safetensors')!);
    for (const tensor of model.tensors) {
      const [start, stop] = header[tensor.name]!.data_offsets;
      const stored = new Float32Array(data.slice(start, stop).buffer);
      expect(stored, tensor.name).toEqual(tensor.values);
    }
    // Norm weights near 1, biases and weights near 0 but not 0.
    const ln = model.tensors.find((t) => t.name === 'transformer.ln_f.weight')!.values;
    expect(Math.abs(ln.reduce((a, b) => a + b, 0) / ln.length - 1)).toBeLessThan(0.1);
    expect(model.tensors.find((t) => t.name === 'transformer.ln_f.bias')!.values.some((v) => v !== 0)).toBe(true);
  });

  for (const [dtype, name, decode, tolerance] of [
    ['float16', 'F16', halfToFloat, 2 ** -11],
    ['bfloat16', 'BF16', bf16ToFloat, 2 ** -8],
  ] as const) {
    it(`writes ${dtype} weights as ${name}, rounded to nearest from the fp32 draw`, () => {
      const model = tinyModelFiles({ architecture: 'llama', dtype });
      expect(model.config.torch_dtype).toBe(dtype);
      const { header, data } = readSafetensors(model.files.get('model.safetensors')!);
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      for (const tensor of model.tensors) {
        const info = header[tensor.name]!;
        expect(info.dtype, tensor.name).toBe(name);
        expect(info.data_offsets[1] - info.data_offsets[0]).toBe(2 * tensor.values.length);
        // Round to nearest: within half a unit in the last place, relative (the worst element reported).
        let worst = { excess: -Infinity, at: -1 };
        for (let i = 0; i < tensor.values.length; i++) {
          const want = tensor.values[i]!;
          const got = decode(view.getUint16(info.data_offsets[0] + 2 * i, true));
          const excess = Math.abs(got - want) - (Math.abs(want) * tolerance + 1e-7);
          if (excess > worst.excess) worst = { excess, at: i };
        }
        expect(worst.excess, `${tensor.name}[${worst.at}]`).toBeLessThanOrEqual(0);
      }
    });
  }

  it('shards with an index as save_pretrained does', () => {
    const model = tinyModelFiles({ architecture: 'llama', shards: 3 });
    expect(model.files.has('model.safetensors')).toBe(false);
    const index = JSON.parse(new TextDecoder().decode(model.files.get('model.safetensors.index.json'))) as { metadata: { total_size: number }; weight_map: Record<string, string> };
    expect(new Set(Object.values(index.weight_map))).toEqual(new Set(['model-00001-of-00003.safetensors', 'model-00002-of-00003.safetensors', 'model-00003-of-00003.safetensors']));
    let total = 0;
    const seen: string[] = [];
    for (const file of new Set(Object.values(index.weight_map))) {
      const { header } = readSafetensors(model.files.get(file)!);
      for (const [name, t] of Object.entries(header)) {
        expect(index.weight_map[name], name).toBe(file);
        total += t.data_offsets[1] - t.data_offsets[0];
        seen.push(name);
      }
    }
    expect(index.metadata.total_size).toBe(total);
    expect(seen.sort()).toEqual(Object.keys(expectedTensors('llama', model.vocabSize)).sort());
  });

  it('honours the size options: grouped-query heads, head_dim, untied qwen2', () => {
    const llama = tinyModelFiles({ architecture: 'llama', hidden: 48, heads: 6, kvHeads: 3, headDim: 16, intermediate: 40, layers: 1 });
    const shapes = Object.fromEntries(llama.tensors.map((t) => [t.name, t.shape]));
    expect(shapes['model.layers.0.self_attn.q_proj.weight']).toEqual([96, 48]);
    expect(shapes['model.layers.0.self_attn.k_proj.weight']).toEqual([48, 48]);
    expect(shapes['model.layers.0.self_attn.o_proj.weight']).toEqual([48, 96]);
    expect(shapes['model.layers.0.mlp.down_proj.weight']).toEqual([48, 40]);
    expect(llama.config).toMatchObject({ head_dim: 16, num_key_value_heads: 3, num_attention_heads: 6, hidden_size: 48, num_hidden_layers: 1 });
    const qwen = tinyModelFiles({ architecture: 'qwen2', tieWordEmbeddings: false });
    expect(qwen.tensors.map((t) => t.name)).toContain('lm_head.weight');
    expect(qwen.config.tie_word_embeddings).toBe(false);
  });

  it('refuses inconsistent sizes, naming the option', () => {
    const bad: [TinyModelOptions, RegExp][] = [
      [{ architecture: 'llama', heads: 4, kvHeads: 3 }, /heads \(4\) must be a multiple of kvHeads \(3\)/],
      [{ architecture: 'gpt2', hidden: 30, heads: 4 }, /hidden \(30\) must be a multiple of heads/],
      [{ architecture: 'qwen2', headDim: 16 }, /headDim is for llama only/],
      [{ architecture: 'gpt2', layers: 0 }, /layers must be a positive integer, got 0/],
    ];
    for (const [options, message] of bad) expect(() => tinyModelFiles(options)).toThrow(message);
  });

  it('writes config files as transformers does: sorted keys, two-space indent, final newline', () => {
    const model = tinyModelFiles({ architecture: 'qwen2' });
    for (const name of ['config.json', 'generation_config.json', 'tokenizer_config.json']) {
      const text = new TextDecoder().decode(model.files.get(name));
      const json = JSON.parse(text) as Record<string, unknown>;
      expect(Object.keys(json), name).toEqual(Object.keys(json).sort());
      expect(text).toBe(`${JSON.stringify(json, null, 2)}\n`);
    }
    expect(model.config).toMatchObject({ model_type: 'qwen2', architectures: ['Qwen2ForCausalLM'], use_sliding_window: false, rope_theta: 1_000_000 });
    const generation = JSON.parse(new TextDecoder().decode(model.files.get('generation_config.json'))) as Record<string, unknown>;
    expect(generation).toEqual({ _from_model_config: true, bos_token_id: model.specialIds.get('<|endoftext|>'), eos_token_id: model.specialIds.get('<|im_end|>'), transformers_version: '4.46.3' });
  });

  it('builds a byte-level BPE vocabulary: 256 byte symbols, learned merges, then the special tokens', () => {
    const symbols = byteSymbols();
    expect(symbols).toHaveLength(256);
    expect(new Set(symbols.map(([b]) => b)).size).toBe(256);
    // GPT-2's order and mapping: "!" is id 0, the space byte is "Ġ", newline "Ċ".
    expect(symbols[0]).toEqual([0x21, '!']);
    expect(symbols.find(([b]) => b === 0x20)![1]).toBe('Ġ');
    expect(symbols.find(([b]) => b === 0x0a)![1]).toBe('Ċ');
    expect(learnMerges('aaab aaab aaab', 1)).toEqual([['a', 'a']]);
    const model = tinyModelFiles({ architecture: 'gpt2', merges: 50 });
    const tokenizer = JSON.parse(new TextDecoder().decode(model.files.get('tokenizer.json'))) as { model: { vocab: Record<string, number>; merges: [string, string][] }; added_tokens: { id: number; content: string }[] };
    expect(tokenizer.model.merges).toHaveLength(50);
    expect(tokenizer.model.merges).toContainEqual(['Ġ', 't']);
    const ids = Object.values(tokenizer.model.vocab).sort((a, b) => a - b);
    expect(ids).toEqual([...ids.keys()]);
    expect(model.vocabSize).toBe(ids.length);
    expect(tokenizer.added_tokens).toEqual([expect.objectContaining({ id: ids.length - 1, content: '<|endoftext|>', special: true })]);
    expect(model.config.vocab_size).toBe(ids.length);
  });
});
