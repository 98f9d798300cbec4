import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelConfig, type ModelConfig, parseModelConfig } from '../../engine/models/config';
import { tempDir } from '../fixtures/temp-dir';
import { writeTinyModel } from '../fixtures/tiny-models';

// Published configs, abridged to the fields that matter (as the hub serves them).
const GPT2_HUB = {
  activation_function: 'gelu_new', architectures: ['GPT2LMHeadModel'], bos_token_id: 50256, eos_token_id: 50256,
  layer_norm_epsilon: 1e-5, model_type: 'gpt2', n_ctx: 1024, n_embd: 768, n_head: 12, n_layer: 12, n_positions: 1024, vocab_size: 50257,
};
const SMOLLM2_135M = {
  architectures: ['LlamaForCausalLM'], attention_bias: false, bos_token_id: 0, eos_token_id: 0, head_dim: 64, hidden_act: 'silu',
  hidden_size: 576, intermediate_size: 1536, max_position_embeddings: 8192, mlp_bias: false, model_type: 'llama', num_attention_heads: 9,
  num_hidden_layers: 30, num_key_value_heads: 3, rms_norm_eps: 1e-5, rope_scaling: null, rope_theta: 100000, tie_word_embeddings: true,
  torch_dtype: 'bfloat16', vocab_size: 49152,
};
const QWEN25_05B = {
  architectures: ['Qwen2ForCausalLM'], bos_token_id: 151643, eos_token_id: 151645, hidden_act: 'silu', hidden_size: 896, intermediate_size: 4864,
  max_position_embeddings: 32768, max_window_layers: 21, model_type: 'qwen2', num_attention_heads: 14, num_hidden_layers: 24, num_key_value_heads: 2,
  rms_norm_eps: 1e-6, rope_theta: 1000000.0, sliding_window: 32768, tie_word_embeddings: true, torch_dtype: 'bfloat16', use_sliding_window: false, vocab_size: 151936,
};
const LLAMA32_1B = {
  architectures: ['LlamaForCausalLM'], bos_token_id: 128000, eos_token_id: [128001, 128008, 128009], head_dim: 64, hidden_size: 2048,
  intermediate_size: 8192, max_position_embeddings: 131072, model_type: 'llama', num_attention_heads: 32, num_hidden_layers: 16, num_key_value_heads: 8,
  rms_norm_eps: 1e-5, rope_scaling: { factor: 32.0, high_freq_factor: 4.0, low_freq_factor: 1.0, original_max_position_embeddings: 8192, rope_type: 'llama3' },
  rope_theta: 500000.0, tie_word_embeddings: true, dtype: 'bfloat16', vocab_size: 128256,
};

describe('model config', () => {
  it('parses the tiny fixtures of each architecture from their folders', () => {
    const cases: [Parameters<typeof writeTinyModel>[1], Partial<ModelConfig>][] = [
      [
        { architecture: 'gpt2' },
        {
          modelType: 'gpt2', architecture: 'GPT2LMHeadModel', hiddenSize: 32, numLayers: 2, numHeads: 4, numKvHeads: 4, headDim: 8, intermediateSize: 128,
          norm: 'layernorm', normEps: 1e-5, positions: 'learned', ropeTheta: null, maxPositions: 64, tieWordEmbeddings: true, qkvBias: true,
          attentionOutputBias: true, mlpBias: true, gatedMlp: false, activation: 'gelu_new', dtype: 'float32',
        },
      ],
      [
        { architecture: 'llama', dtype: 'bfloat16', headDim: 16 },
        {
          modelType: 'llama', architecture: 'LlamaForCausalLM', hiddenSize: 32, numHeads: 4, numKvHeads: 2, headDim: 16, intermediateSize: 64,
          norm: 'rmsnorm', normEps: 1e-5, positions: 'rope', ropeTheta: 10000, ropeScaling: null, tieWordEmbeddings: false, qkvBias: false,
          attentionOutputBias: false, mlpBias: false, gatedMlp: true, activation: 'silu', dtype: 'bfloat16',
        },
      ],
      [
        { architecture: 'qwen2', dtype: 'float16' },
        { modelType: 'qwen2', headDim: 8, numKvHeads: 2, normEps: 1e-6, ropeTheta: 1_000_000, tieWordEmbeddings: true, qkvBias: true, attentionOutputBias: false, dtype: 'float16' },
      ],
    ];
    for (const [options, expected] of cases) {
      const model = writeTinyModel(tempDir(), options);
      const config = loadModelConfig(model.dir);
      expect(config, options.architecture).toMatchObject({ ...expected, vocabSize: model.vocabSize });
      expect(config.eosTokenIds).toEqual([model.config.eos_token_id]);
    }
  });

  it('parses published configs: GPT-2, SmolLM2, Qwen2.5, Llama 3.2 with llama3 RoPE scaling and several EOS ids', () => {
    expect(parseModelConfig(GPT2_HUB)).toMatchObject({ hiddenSize: 768, intermediateSize: 3072, headDim: 64, maxPositions: 1024, tieWordEmbeddings: true, eosTokenIds: [50256], dtype: null });
    expect(parseModelConfig(SMOLLM2_135M)).toMatchObject({ headDim: 64, numKvHeads: 3, ropeTheta: 100000, tieWordEmbeddings: true, bosTokenId: 0 });
    expect(parseModelConfig(QWEN25_05B)).toMatchObject({ headDim: 64, qkvBias: true, attentionOutputBias: false, ropeTheta: 1e6 });
    expect(parseModelConfig(LLAMA32_1B)).toMatchObject({
      headDim: 64, eosTokenIds: [128001, 128008, 128009], dtype: 'bfloat16',
      ropeScaling: { type: 'llama3', factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 },
    });
    expect(parseModelConfig({ ...SMOLLM2_135M, attention_bias: true, mlp_bias: true })).toMatchObject({ qkvBias: true, attentionOutputBias: true, mlpBias: true });
    expect(parseModelConfig({ ...SMOLLM2_135M, num_key_value_heads: undefined, head_dim: undefined })).toMatchObject({ numKvHeads: 9, headDim: 64 });
  });

  it('refuses what the engine cannot build, naming the field and the value', () => {
    const bad: [unknown, string][] = [
      [{ ...GPT2_HUB, model_type: 'mistral' }, 'config.json: model_type "mistral" is not supported (supported: gpt2, llama, qwen2)'],
      [{ n_embd: 4 }, 'config.json: model_type is missing'],
      [[1, 2], 'config.json: must be a JSON object'],
      [{ ...GPT2_HUB, n_embd: 'wide' }, 'config.json: n_embd must be a positive integer, got "wide"'],
      [{ ...GPT2_HUB, n_head: 7 }, 'config.json: n_embd (768) must be a multiple of n_head (7)'],
      [{ ...GPT2_HUB, activation_function: 'swish2' }, 'config.json: activation_function "swish2" is not an activation'],
      [{ ...GPT2_HUB, scale_attn_by_inverse_layer_idx: true }, 'scale_attn_by_inverse_layer_idx true is not supported'],
      [{ ...SMOLLM2_135M, num_key_value_heads: 2 }, 'num_attention_heads (9) must be a multiple of num_key_value_heads (2)'],
      [{ ...SMOLLM2_135M, rms_norm_eps: -1 }, 'rms_norm_eps must be a positive number, got -1'],
      [{ ...SMOLLM2_135M, rope_scaling: { rope_type: 'yarn', factor: 4 } }, 'rope_scaling type "yarn" is not supported'],
      [{ ...LLAMA32_1B, rope_scaling: { rope_type: 'llama3', factor: 32 } }, 'config.json: rope_scaling.low_freq_factor must be a positive number, got nothing'],
      [{ ...SMOLLM2_135M, torch_dtype: 'float8' }, 'torch_dtype must be float32, float16 or bfloat16, got "float8"'],
      [{ ...SMOLLM2_135M, eos_token_id: [2, 'x'] }, 'eos_token_id must be a token id or a list of them'],
      [{ ...QWEN25_05B, use_sliding_window: true }, 'use_sliding_window true is not supported'],
      [{ ...QWEN25_05B, hidden_size: 900 }, 'hidden_size (900) must be a multiple of num_attention_heads (14)'],
      [{ ...SMOLLM2_135M, hidden_size: undefined }, 'hidden_size must be a positive integer, got nothing'],
    ];
    for (const [json, message] of bad) expect(() => parseModelConfig(json), message).toThrow(message);
  });

  it('names the folder or file when config.json is missing or not JSON', () => {
    const dir = tempDir();
    expect(() => loadModelConfig(dir)).toThrow(`${dir} has no config.json`);
    fs.writeFileSync(path.join(dir, 'config.json'), '{"model_type": ');
    expect(() => loadModelConfig(dir)).toThrow(`${path.join(dir, 'config.json')}: not valid JSON`);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'bert' }));
    expect(() => loadModelConfig(dir)).toThrow(`${path.join(dir, 'config.json')}: model_type "bert" is not supported`);
  });
});
