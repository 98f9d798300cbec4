import type { ModelConfig } from '../models/config';
import { WEIGHT_TYPE, type ExportType, type GgmlType } from './format';
import type { GgufMetadata } from './metadata';

/**
 * What llama.cpp's converter (convert_hf_to_gguf.py with conversion/gpt2.py, llama.py and
 * qwen.py, and gguf-py's tensor_mapping.py) does per architecture: the GGUF architecture, the
 * hyperparameter keys, each Hugging Face tensor's GGUF name and how its values are rearranged, and
 * which tensors keep float32.
 *
 * - GPT-2 ('gpt2'): Conv1D weights are stored [in, out]; ggml wants [out, in] rows, so the
 *   converter transposes c_attn, c_proj and c_fc weights.
 * - Llama ('llama'): llama.cpp rotates adjacent pairs (rope type NORM) while transformers rotates
 *   halves (rotate_half), so q_proj and k_proj rows are permuted within each head
 *   (LlamaModel.permute: reshape(heads, 2, head_dim/2, in).swapaxes(1, 2)), k with the kv heads.
 * - Qwen2 ('qwen2'): llama.cpp rotates halves there (rope type NEOX), so nothing is permuted; the
 *   q/k/v biases are kept.
 */

export type GgufArch = 'gpt2' | 'llama' | 'qwen2';

/** How a tensor's values go from the checkpoint's layout to the GGUF's. */
export type Rearrange = { kind: 'none' } | { kind: 'transpose' } | { kind: 'permute-heads'; heads: number };

export interface MappedTensor {
  /** The GGUF name, e.g. "blk.0.attn_q.weight". */
  name: string;
  rearrange: Rearrange;
}

const NONE: Rearrange = { kind: 'none' };
const TRANSPOSE: Rearrange = { kind: 'transpose' };

export function ggufArch(config: ModelConfig): GgufArch {
  if (config.modelType === 'gpt2') {
    // llama.cpp's gpt2 graph uses GELU (tanh form): other activations would compute something else.
    if (config.activation !== 'gelu_new' && config.activation !== 'gelu_pytorch_tanh') {
      throw new Error(`GGUF export: GPT-2 with activation ${config.activation} has no llama.cpp equivalent (llama.cpp's gpt2 uses the tanh GELU)`);
    }
    return 'gpt2';
  }
  if (config.activation !== 'silu') throw new Error(`GGUF export: ${config.modelType} with hidden_act ${config.activation} has no llama.cpp equivalent (llama.cpp uses SiLU)`);
  return config.modelType;
}

const GPT2_BLOCK: Record<string, [string, boolean]> = {
  'ln_1.weight': ['attn_norm.weight', false],
  'ln_1.bias': ['attn_norm.bias', false],
  'attn.c_attn.weight': ['attn_qkv.weight', true],
  'attn.c_attn.bias': ['attn_qkv.bias', false],
  'attn.c_proj.weight': ['attn_output.weight', true],
  'attn.c_proj.bias': ['attn_output.bias', false],
  'ln_2.weight': ['ffn_norm.weight', false],
  'ln_2.bias': ['ffn_norm.bias', false],
  'mlp.c_fc.weight': ['ffn_up.weight', true],
  'mlp.c_fc.bias': ['ffn_up.bias', false],
  'mlp.c_proj.weight': ['ffn_down.weight', true],
  'mlp.c_proj.bias': ['ffn_down.bias', false],
};

const LLAMA_BLOCK: Record<string, string> = {
  'input_layernorm.weight': 'attn_norm.weight',
  'self_attn.q_proj.weight': 'attn_q.weight',
  'self_attn.q_proj.bias': 'attn_q.bias',
  'self_attn.k_proj.weight': 'attn_k.weight',
  'self_attn.k_proj.bias': 'attn_k.bias',
  'self_attn.v_proj.weight': 'attn_v.weight',
  'self_attn.v_proj.bias': 'attn_v.bias',
  'self_attn.o_proj.weight': 'attn_output.weight',
  'self_attn.o_proj.bias': 'attn_output.bias',
  'post_attention_layernorm.weight': 'ffn_norm.weight',
  'mlp.gate_proj.weight': 'ffn_gate.weight',
  'mlp.gate_proj.bias': 'ffn_gate.bias',
  'mlp.up_proj.weight': 'ffn_up.weight',
  'mlp.up_proj.bias': 'ffn_up.bias',
  'mlp.down_proj.weight': 'ffn_down.weight',
  'mlp.down_proj.bias': 'ffn_down.bias',
};

/**
 * A checkpoint tensor's GGUF name and rearrangement; null for buffers the converter drops
 * (GPT-2's causal-mask "attn.bias", rotary inv_freq); an error for a tensor it cannot place.
 */
export function mapTensor(config: ModelConfig, hfName: string): MappedTensor | null {
  if (config.modelType === 'gpt2') {
    // The Hub's original GPT-2 checkpoints name tensors without "transformer.".
    const name = hfName.startsWith('transformer.') ? hfName.slice('transformer.'.length) : hfName;
    if (name === 'wte.weight') return { name: 'token_embd.weight', rearrange: NONE };
    if (name === 'wpe.weight') return { name: 'position_embd.weight', rearrange: NONE };
    if (name === 'ln_f.weight') return { name: 'output_norm.weight', rearrange: NONE };
    if (name === 'ln_f.bias') return { name: 'output_norm.bias', rearrange: NONE };
    if (name === 'lm_head.weight') return { name: 'output.weight', rearrange: NONE };
    const m = /^h\.(\d+)\.(.+)$/.exec(name);
    if (m) {
      if (m[2] === 'attn.bias' || m[2] === 'attn.masked_bias') return null;
      const entry = GPT2_BLOCK[m[2]!];
      if (entry) return { name: `blk.${m[1]}.${entry[0]}`, rearrange: entry[1] ? TRANSPOSE : NONE };
    }
    throw new Error(`GGUF export: no GGUF name for GPT-2 tensor ${hfName}`);
  }
  if (hfName === 'model.embed_tokens.weight') return { name: 'token_embd.weight', rearrange: NONE };
  if (hfName === 'model.norm.weight') return { name: 'output_norm.weight', rearrange: NONE };
  if (hfName === 'lm_head.weight') return { name: 'output.weight', rearrange: NONE };
  const m = /^model\.layers\.(\d+)\.(.+)$/.exec(hfName);
  if (m) {
    if (m[2]!.endsWith('rotary_emb.inv_freq')) return null;
    const suffix = LLAMA_BLOCK[m[2]!];
    if (suffix) return { name: `blk.${m[1]}.${suffix}`, rearrange: ropePermutation(config, m[2]!) };
  }
  throw new Error(`GGUF export: no GGUF name for ${config.modelType} tensor ${hfName}`);
}

/** Llama's q/k rows (weights and biases) are permuted for llama.cpp's RoPE; nothing else is. */
function ropePermutation(config: ModelConfig, inBlock: string): Rearrange {
  if (config.modelType !== 'llama') return NONE;
  if (inBlock.startsWith('self_attn.q_proj.')) return { kind: 'permute-heads', heads: config.numHeads };
  if (inBlock.startsWith('self_attn.k_proj.')) return { kind: 'permute-heads', heads: config.numKvHeads };
  return NONE;
}

/** The GGUF shape (outermost first) of a tensor stored with `shape` once rearranged. */
export function rearrangedShape(shape: readonly number[], r: Rearrange): number[] {
  return r.kind === 'transpose' ? [shape[1]!, shape[0]!] : [...shape];
}

/**
 * Applies a rearrangement to row-major values. 'permute-heads' is LlamaModel.permute: within each
 * head of `rows / heads` rows, row s·(d/2) + j (s = 0, 1) moves to 2j + s; `cols` is 1 for a bias.
 */
export function rearrange(values: Float32Array, shape: readonly number[], r: Rearrange): Float32Array {
  if (r.kind === 'none') return values;
  const rows = shape[0]!;
  const cols = shape.length > 1 ? shape[1]! : 1;
  const out = new Float32Array(values.length);
  if (r.kind === 'transpose') {
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = values[i * cols + j]!;
    return out;
  }
  const headRows = rows / r.heads;
  if (!Number.isInteger(headRows) || headRows % 2 !== 0) throw new Error(`GGUF export: ${rows} rows do not split into ${r.heads} heads of an even size`);
  const half = headRows / 2;
  for (let h = 0; h < r.heads; h++) {
    for (let s = 0; s < 2; s++) {
      for (let j = 0; j < half; j++) {
        const from = h * headRows + s * half + j;
        const to = h * headRows + 2 * j + s;
        out.set(values.subarray(from * cols, (from + 1) * cols), to * cols);
      }
    }
  }
  return out;
}

/**
 * The converter's per-tensor type: float32 for vectors, norms, biases and GPT-2's position table
 * (prepare_tensors: "n_dims <= 1 or _norm.weight", POS_EMBD, names not ending in .weight / .lora_a
 * / .lora_b); otherwise the export's type, and F16 where a Q8_0 row is not a whole number of
 * 32-value blocks (the QuantError fallback).
 */
export function tensorType(type: ExportType, ggufName: string, shape: readonly number[]): GgmlType {
  if (shape.length <= 1 || ggufName.endsWith('_norm.weight') || ggufName === 'position_embd.weight') return 'F32';
  if (!/\.(weight|lora_a|lora_b)$/.test(ggufName)) return 'F32';
  const wanted = WEIGHT_TYPE[type];
  if (wanted === 'Q8_0' && shape[shape.length - 1]! % 32 !== 0) return 'F16';
  return wanted;
}

/** The architecture's hyperparameters, with the keys and types gguf-py's writer uses. */
export function addHyperparameters(md: GgufMetadata, config: ModelConfig, arch: GgufArch): void {
  md.u32(`${arch}.context_length`, config.maxPositions);
  md.u32(`${arch}.embedding_length`, config.hiddenSize);
  md.u32(`${arch}.feed_forward_length`, config.intermediateSize);
  md.u32(`${arch}.block_count`, config.numLayers);
  md.u32(`${arch}.attention.head_count`, config.numHeads);
  if (arch === 'gpt2') {
    md.f32(`${arch}.attention.layer_norm_epsilon`, config.normEps);
    return;
  }
  md.u32(`${arch}.attention.head_count_kv`, config.numKvHeads);
  md.f32(`${arch}.rope.freq_base`, config.ropeTheta!);
  md.f32(`${arch}.attention.layer_norm_rms_epsilon`, config.normEps);
  md.u32(`${arch}.attention.key_length`, config.headDim);
  md.u32(`${arch}.attention.value_length`, config.headDim);
  if (arch === 'llama') {
    md.u32(`${arch}.vocab_size`, config.vocabSize);
    md.u32(`${arch}.rope.dimension_count`, config.headDim);
  }
  // llama3 scaling travels as the rope_freqs tensor (llama3RopeFactors); linear as two keys.
  if (config.ropeScaling?.type === 'linear') {
    md.string(`${arch}.rope.scaling.type`, 'linear');
    md.f32(`${arch}.rope.scaling.factor`, config.ropeScaling.factor);
  }
}

/**
 * Llama 3's RoPE scaling as LlamaModel.generate_extra_tensors writes it: one factor per rotated
 * pair (1 for high frequencies, `factor` for low ones, a smooth blend between), by which
 * llama.cpp divides the frequencies. Null when the model has no llama3 scaling.
 */
export function llama3RopeFactors(config: ModelConfig): Float32Array | null {
  const s = config.ropeScaling;
  if (s?.type !== 'llama3') return null;
  const dim = config.headDim;
  const base = config.ropeTheta!;
  const lowWavelen = s.originalMaxPositions / s.lowFreqFactor;
  const highWavelen = s.originalMaxPositions / s.highFreqFactor;
  const out = new Float32Array(dim / 2);
  for (let i = 0; i < dim / 2; i++) {
    // torch computes the frequency in float32: 1 / base ** (arange(0, dim, 2) / dim).
    const freq = Math.fround(1 / Math.fround(base ** Math.fround((2 * i) / dim)));
    const wavelen = (2 * Math.PI) / freq;
    if (wavelen < highWavelen) out[i] = 1;
    else if (wavelen > lowWavelen) out[i] = s.factor;
    else {
      const smooth = (s.originalMaxPositions / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
      out[i] = 1 / ((1 - smooth) / s.factor + smooth);
    }
  }
  return out;
}
