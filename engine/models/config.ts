import fs from 'node:fs';
import path from 'node:path';

/**
 * A Hugging Face config.json for the architectures the engine builds graphs for, parsed into one
 * shape: GPT-2 and the Llama family (Llama, SmolLM2, Qwen2) differ in names and defaults, not in
 * what a graph builder needs to know. Anything the engine cannot build faithfully (another
 * model_type, an unknown activation, sliding-window attention, a RoPE scaling it does not
 * implement) is refused here with a message naming the field, rather than producing a model that
 * silently computes something else.
 */

export type ModelType = 'gpt2' | 'llama' | 'qwen2';
export const SUPPORTED_MODEL_TYPES: readonly ModelType[] = ['gpt2', 'llama', 'qwen2'];

/** gelu_new and gelu_pytorch_tanh are the tanh approximation; gelu is the exact erf form. */
export type Activation = 'gelu_new' | 'gelu_pytorch_tanh' | 'gelu' | 'relu' | 'silu';
const ACTIVATIONS: readonly Activation[] = ['gelu_new', 'gelu_pytorch_tanh', 'gelu', 'relu', 'silu'];

export type RopeScaling =
  | { type: 'linear'; factor: number }
  /** Llama 3.1/3.2's frequency-dependent scaling. */
  | { type: 'llama3'; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositions: number };

export interface ModelConfig {
  modelType: ModelType;
  /** architectures[0], e.g. "LlamaForCausalLM"; null when the file has none. */
  architecture: string | null;
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  /** Equal to numHeads without grouped-query attention. */
  numKvHeads: number;
  headDim: number;
  intermediateSize: number;
  norm: 'layernorm' | 'rmsnorm';
  normEps: number;
  /** GPT-2 learns a position table; the Llama family rotates q and k. */
  positions: 'learned' | 'rope';
  /** null for learned positions. */
  ropeTheta: number | null;
  ropeScaling: RopeScaling | null;
  maxPositions: number;
  /** lm_head shares the token embedding (and is then absent from the checkpoint). */
  tieWordEmbeddings: boolean;
  /** Biases on the q, k and v projections (GPT-2, Qwen2, Llama with attention_bias). */
  qkvBias: boolean;
  /** Bias on the attention output projection (GPT-2, Llama with attention_bias). */
  attentionOutputBias: boolean;
  /** Biases in the MLP (GPT-2, Llama with mlp_bias). */
  mlpBias: boolean;
  /** Gated MLP (SwiGLU: down(act(gate(x)) * up(x))) rather than fc → act → proj. */
  gatedMlp: boolean;
  activation: Activation;
  bosTokenId: number | null;
  /** Every id that ends generation (config.json may give one or a list). */
  eosTokenIds: number[];
  /** The checkpoint's dtype as config.json states it, if it does. */
  dtype: 'float32' | 'float16' | 'bfloat16' | null;
}

class Fields {
  /** `prefix` names a nested object's keys, e.g. "rope_scaling.". */
  constructor(
    private readonly raw: Record<string, unknown>,
    private readonly source: string,
    private readonly prefix = '',
  ) {}

  fail(key: string, problem: string): never {
    throw new Error(`${this.source}: ${this.prefix}${key} ${problem}`);
  }

  private describe(value: unknown): string {
    return value === undefined ? 'nothing' : JSON.stringify(value);
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined && this.raw[key] !== null;
  }

  int(key: string, fallback?: number): number {
    const value = this.has(key) ? this.raw[key] : fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) this.fail(key, `must be a positive integer, got ${this.describe(this.raw[key])}`);
    return value;
  }

  positiveNumber(key: string, fallback?: number): number {
    const value = this.has(key) ? this.raw[key] : fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) this.fail(key, `must be a positive number, got ${this.describe(this.raw[key])}`);
    return value;
  }

  bool(key: string, fallback: boolean): boolean {
    if (!this.has(key)) return fallback;
    const value = this.raw[key];
    if (typeof value !== 'boolean') this.fail(key, `must be true or false, got ${this.describe(value)}`);
    return value;
  }

  activation(key: string, fallback: Activation): Activation {
    const value = this.has(key) ? this.raw[key] : fallback;
    if (!ACTIVATIONS.includes(value as Activation)) this.fail(key, `${this.describe(value)} is not an activation the engine implements (${ACTIVATIONS.join(', ')})`);
    return value as Activation;
  }

  tokenId(key: string): number | null {
    if (!this.has(key)) return null;
    const value = this.raw[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) this.fail(key, `must be a token id (an integer ≥ 0), got ${this.describe(value)}`);
    return value;
  }

  tokenIds(key: string): number[] {
    if (!this.has(key)) return [];
    const value = this.raw[key];
    const list = Array.isArray(value) ? (value as unknown[]) : [value];
    if (!list.every((id) => typeof id === 'number' && Number.isInteger(id) && id >= 0)) this.fail(key, `must be a token id or a list of them, got ${this.describe(value)}`);
    return list as number[];
  }

  dtype(): ModelConfig['dtype'] {
    // transformers ≥ 4.56 writes "dtype"; earlier versions "torch_dtype".
    const key = this.has('dtype') ? 'dtype' : 'torch_dtype';
    if (!this.has(key)) return null;
    const value = this.raw[key];
    if (value !== 'float32' && value !== 'float16' && value !== 'bfloat16') this.fail(key, `must be float32, float16 or bfloat16, got ${this.describe(value)}`);
    return value;
  }

  architecture(): string | null {
    const value = this.raw.architectures;
    if (value === undefined || value === null) return null;
    if (!Array.isArray(value) || typeof value[0] !== 'string') this.fail('architectures', `must be a list of class names, got ${this.describe(value)}`);
    return value[0];
  }

  ropeScaling(): RopeScaling | null {
    if (!this.has('rope_scaling')) return null;
    const value = this.raw.rope_scaling as Record<string, unknown>;
    if (typeof value !== 'object' || Array.isArray(value)) this.fail('rope_scaling', `must be an object or null, got ${this.describe(value)}`);
    // Older configs say "type", newer ones "rope_type"; "default" means no scaling.
    const type = value.rope_type ?? value.type;
    const sub = new Fields(value, this.source, 'rope_scaling.');
    if (type === 'default') return null;
    if (type === 'linear') return { type, factor: sub.positiveNumber('factor') };
    if (type === 'llama3') {
      return {
        type,
        factor: sub.positiveNumber('factor'),
        lowFreqFactor: sub.positiveNumber('low_freq_factor'),
        highFreqFactor: sub.positiveNumber('high_freq_factor'),
        originalMaxPositions: sub.int('original_max_position_embeddings'),
      };
    }
    this.fail('rope_scaling', `type ${this.describe(type)} is not supported (supported: linear, llama3)`);
  }
}

function divides(f: Fields, key: string, whole: number, part: number, partKey: string): void {
  if (whole % part !== 0) f.fail(key, `(${whole}) must be a multiple of ${partKey} (${part})`);
}

function parseGpt2(f: Fields): ModelConfig {
  const hiddenSize = f.int('n_embd');
  const numHeads = f.int('n_head');
  divides(f, 'n_embd', hiddenSize, numHeads, 'n_head');
  // These change the attention arithmetic; no GPT-2 checkpoint we target sets them.
  if (f.bool('scale_attn_by_inverse_layer_idx', false)) f.fail('scale_attn_by_inverse_layer_idx', 'true is not supported');
  if (!f.bool('scale_attn_weights', true)) f.fail('scale_attn_weights', 'false is not supported');
  return {
    modelType: 'gpt2',
    architecture: f.architecture(),
    vocabSize: f.int('vocab_size'),
    hiddenSize,
    numLayers: f.int('n_layer'),
    numHeads,
    numKvHeads: numHeads,
    headDim: hiddenSize / numHeads,
    // n_inner null means 4 × n_embd.
    intermediateSize: f.int('n_inner', 4 * hiddenSize),
    norm: 'layernorm',
    normEps: f.positiveNumber('layer_norm_epsilon', 1e-5),
    positions: 'learned',
    ropeTheta: null,
    ropeScaling: null,
    maxPositions: f.int('n_positions'),
    tieWordEmbeddings: f.bool('tie_word_embeddings', true),
    qkvBias: true,
    attentionOutputBias: true,
    mlpBias: true,
    gatedMlp: false,
    activation: f.activation('activation_function', 'gelu_new'),
    bosTokenId: f.tokenId('bos_token_id'),
    eosTokenIds: f.tokenIds('eos_token_id'),
    dtype: f.dtype(),
  };
}

function parseLlamaFamily(f: Fields, modelType: 'llama' | 'qwen2'): ModelConfig {
  const hiddenSize = f.int('hidden_size');
  const numHeads = f.int('num_attention_heads');
  const numKvHeads = f.int('num_key_value_heads', numHeads);
  divides(f, 'num_attention_heads', numHeads, numKvHeads, 'num_key_value_heads');
  // Llama may state head_dim (then q_proj is heads × head_dim wide, not hidden_size); Qwen2 derives it.
  if (!f.has('head_dim') || modelType === 'qwen2') divides(f, 'hidden_size', hiddenSize, numHeads, 'num_attention_heads');
  const headDim = modelType === 'llama' ? f.int('head_dim', hiddenSize / numHeads) : hiddenSize / numHeads;
  if (modelType === 'qwen2' && f.bool('use_sliding_window', false)) f.fail('use_sliding_window', 'true is not supported (sliding-window attention)');
  const attentionBias = modelType === 'llama' && f.bool('attention_bias', false);
  return {
    modelType,
    architecture: f.architecture(),
    vocabSize: f.int('vocab_size'),
    hiddenSize,
    numLayers: f.int('num_hidden_layers'),
    numHeads,
    numKvHeads,
    headDim,
    intermediateSize: f.int('intermediate_size'),
    norm: 'rmsnorm',
    normEps: f.positiveNumber('rms_norm_eps', 1e-6),
    positions: 'rope',
    ropeTheta: f.positiveNumber('rope_theta', 10_000),
    ropeScaling: f.ropeScaling(),
    maxPositions: f.int('max_position_embeddings'),
    tieWordEmbeddings: f.bool('tie_word_embeddings', false),
    // Qwen2 always has q/k/v biases and never an o_proj bias.
    qkvBias: modelType === 'qwen2' || attentionBias,
    attentionOutputBias: attentionBias,
    mlpBias: modelType === 'llama' && f.bool('mlp_bias', false),
    gatedMlp: true,
    activation: f.activation('hidden_act', 'silu'),
    bosTokenId: f.tokenId('bos_token_id'),
    eosTokenIds: f.tokenIds('eos_token_id'),
    dtype: f.dtype(),
  };
}

/** Parses a config.json's contents; `source` names the file in errors. */
export function parseModelConfig(json: unknown, source = 'config.json'): ModelConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`${source}: must be a JSON object`);
  const f = new Fields(json as Record<string, unknown>, source);
  const modelType = (json as Record<string, unknown>).model_type;
  if (modelType === 'gpt2') return parseGpt2(f);
  if (modelType === 'llama' || modelType === 'qwen2') return parseLlamaFamily(f, modelType);
  if (modelType === undefined) f.fail('model_type', `is missing (supported: ${SUPPORTED_MODEL_TYPES.join(', ')})`);
  return f.fail('model_type', `${JSON.stringify(modelType)} is not supported (supported: ${SUPPORTED_MODEL_TYPES.join(', ')})`);
}

/** Reads and parses `dir`/config.json. */
export function loadModelConfig(dir: string): ModelConfig {
  const file = path.join(dir, 'config.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${dir} has no config.json` : `${file}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  return parseModelConfig(json, file);
}
