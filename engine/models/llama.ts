/**
 * The Llama family (Llama, SmolLM2, Qwen2) as ONNX graphs: token ids [B, T] → logits [B, T, V],
 * and the LoRA training graph (+ targets → mean loss and the gradient of every LoRA tensor).
 *
 * The arithmetic follows transformers' LlamaForCausalLM / Qwen2ForCausalLM: RMSNorm, RoPE in the
 * rotate_half layout, grouped-query attention, SwiGLU MLP (down(silu(gate(x)) · up(x))), Qwen2's
 * q/k/v biases, lm_head tied to the embedding or not. Base weights are frozen initializers read
 * from the checkpoint as f32 (fp16/bf16 widened by engine/io); LoRA A and B are graph INPUTS named
 * by their PEFT keys, so one graph serves every adapter and a trainer feeds and updates them.
 */
import { causalMask, crossEntropy, grad, GraphBuilder, rmsNorm, rotary, silu, type Value } from '../graph/index';
import { openCheckpoint, type Checkpoint } from '../io/index';
import { loraScaling, loraSettings } from '../lora-io/adapter';
import { ALL_LINEAR_TARGETS, DEFAULT_TARGETS, selectModules, type AdaptableModule } from '../lora-io/modules';
import { loadModelConfig, type ModelConfig, type RopeScaling } from './config';
import { loraDelta, loraShapes } from './lora';

export type LlamaModule = 'q_proj' | 'k_proj' | 'v_proj' | 'o_proj' | 'gate_proj' | 'up_proj' | 'down_proj';

/** PEFT's default target_modules for llama and qwen2 (lora-io's DEFAULT_TARGETS; qwen2's are the same). */
export const LLAMA_DEFAULT_TARGETS = DEFAULT_TARGETS.llama as readonly LlamaModule[];
/** Every linear layer of a decoder block (lora-io's ALL_LINEAR_TARGETS; PEFT's "all-linear" leaves lm_head out too). */
export const LLAMA_ALL_LINEAR = ALL_LINEAR_TARGETS.llama as readonly LlamaModule[];

export interface LlamaLoraOptions {
  rank: number;
  /** PEFT's lora_alpha: the update is scaled by alpha / rank. */
  alpha: number;
  /** Modules to adapt in every layer; 'all-linear' for all seven. Default q_proj and v_proj. */
  targets?: readonly LlamaModule[] | 'all-linear';
}

/** One LoRA tensor the graph takes as an input. */
export interface LoraTensorSpec {
  /** PEFT's key, e.g. base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight (also the input's name). */
  name: string;
  layer: number;
  module: LlamaModule;
  kind: 'A' | 'B';
  /** A: [rank, in]; B: [out, rank]. */
  shape: [number, number];
}

export interface LlamaGraphOptions {
  /** 'forward': outputs logits. 'train': + input targets [B, T] → outputs loss and grad.<lora name>. */
  mode: 'forward' | 'train';
  lora?: LlamaLoraOptions;
}

export interface LlamaGraph {
  graph: GraphBuilder;
  config: ModelConfig;
  /** The LoRA inputs in a fixed order (layer, module, A then B); empty without lora. */
  lora: LoraTensorSpec[];
}

const ATTENTION: ReadonlySet<LlamaModule> = new Set(['q_proj', 'k_proj', 'v_proj', 'o_proj']);
const modulePath = (layer: number, m: LlamaModule) => `model.layers.${layer}.${ATTENTION.has(m) ? 'self_attn' : 'mlp'}.${m}`;

/**
 * RoPE inverse frequencies as transformers computes them (float32), with linear or llama3 scaling.
 * A private copy of what nn.ts's ropeTables does for the unscaled case, because scaling changes
 * the frequencies themselves.
 */
export function ropeInvFreq(dim: number, theta: number, scaling: RopeScaling | null): Float32Array {
  const inv = Float32Array.from({ length: dim / 2 }, (_, i) => 1 / Math.pow(theta, (2 * i) / dim));
  if (!scaling) return inv;
  if (scaling.type === 'linear') return inv.map((f) => f / scaling.factor);
  // transformers' _compute_llama3_parameters.
  const { factor, lowFreqFactor, highFreqFactor, originalMaxPositions: old } = scaling;
  const lowWavelen = old / lowFreqFactor;
  const highWavelen = old / highFreqFactor;
  return inv.map((f) => {
    const wavelen = (2 * Math.PI) / f;
    if (wavelen < highWavelen) return f;
    if (wavelen > lowWavelen) return f / factor;
    const smooth = (old / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
    return (1 - smooth) * (f / factor) + smooth * f;
  });
}

/** cos and sin [positions, headDim] in the rotate_half layout (each half repeated). */
function ropeTables(config: ModelConfig): { cos: Float32Array; sin: Float32Array } {
  const dim = config.headDim;
  const inv = ropeInvFreq(dim, config.ropeTheta ?? 10_000, config.ropeScaling);
  const n = config.maxPositions;
  const cos = new Float32Array(n * dim);
  const sin = new Float32Array(n * dim);
  for (let p = 0; p < n; p++) {
    for (let i = 0; i < dim / 2; i++) {
      const angle = Math.fround(p * inv[i]!);
      cos[p * dim + i] = cos[p * dim + i + dim / 2] = Math.cos(angle);
      sin[p * dim + i] = sin[p * dim + i + dim / 2] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

/**
 * The adapted modules by full name, as lora-io selects them (which also checks rank and alpha, and
 * refuses a target that matches no linear layer).
 */
function resolveTargets(config: ModelConfig, lora: LlamaLoraOptions): ReadonlyMap<string, AdaptableModule> {
  const t = lora.targets ?? 'default';
  const settings = loraSettings(config.modelType, { r: lora.rank, alpha: lora.alpha, targets: t === 'all-linear' || t === 'default' ? t : [...t] });
  return new Map(selectModules(config, settings.targetModules).map((m) => [m.module, m]));
}

class Builder {
  readonly g: GraphBuilder;
  readonly lora: LoraTensorSpec[] = [];
  /** The LoRA inputs as graph values, in the order of `lora`. */
  readonly loraValues: Value[] = [];
  /** The adapted modules by full name. */
  private readonly targets: ReadonlyMap<string, AdaptableModule>;

  constructor(
    private readonly config: ModelConfig,
    private readonly ckpt: Checkpoint,
    private readonly loraOptions: LlamaLoraOptions | undefined,
  ) {
    this.g = new GraphBuilder(`${config.modelType}-${loraOptions ? 'lora' : 'base'}`);
    this.targets = loraOptions ? resolveTargets(config, loraOptions) : new Map();
  }

  /** A checkpoint tensor as a frozen f32 initializer of its own name and shape. */
  async weight(name: string): Promise<Value> {
    const info = this.ckpt.info(name);
    return this.g.initializer(name, await this.ckpt.read(name, 'f32'), info.shape);
  }

  /**
   * nn.Linear with HF's [out, in] weight: x Wᵀ (+ b) (+ x Aᵀ Bᵀ · alpha/r when the module is a
   * LoRA target). The transpose of a frozen weight is constant-folded by ONNX Runtime.
   */
  async linear(x: Value, layer: number, m: LlamaModule, bias: boolean): Promise<Value> {
    const g = this.g;
    const p = modulePath(layer, m);
    const w = await this.weight(`${p}.weight`);
    let y = g.matmul(x, g.transpose(w));
    if (bias) y = g.add(y, await this.weight(`${p}.bias`));
    const adapted = this.targets.get(p);
    if (!adapted) return y;
    const { rank, alpha } = this.loraOptions!;
    const shapes = loraShapes(adapted, rank);
    const a = this.loraInput(layer, m, 'A', shapes.a);
    const b = this.loraInput(layer, m, 'B', shapes.b);
    return loraDelta(g, x, y, { a, b }, loraScaling({ r: rank, alpha }));
  }

  private loraInput(layer: number, m: LlamaModule, kind: 'A' | 'B', shape: [number, number]): Value {
    const name = `base_model.model.${modulePath(layer, m)}.lora_${kind}.weight`;
    this.lora.push({ name, layer, module: m, kind, shape });
    const v = this.g.input(name, 'float', shape);
    this.loraValues.push(v);
    return v;
  }

  async attention(x: Value, layer: number, cos: Value, sin: Value): Promise<Value> {
    const g = this.g;
    const c = this.config;
    const kv = c.numKvHeads;
    const rep = c.numHeads / kv;
    const d = c.headDim;
    // Grouped-query attention without copying k and v: q is viewed as [B, KV, rep, T, D] and k, v as
    // [B, KV, 1, T, D], so the batched matmuls broadcast each k/v head over its rep query heads
    // (query head h uses kv head ⌊h / rep⌋, as transformers' repeat_kv does).
    const q = g.transpose(g.reshape(await this.linear(x, layer, 'q_proj', c.qkvBias), [0, 0, kv, rep, d]), [0, 2, 3, 1, 4]);
    const heads = async (m: LlamaModule) => g.unsqueeze(g.transpose(g.reshape(await this.linear(x, layer, m, c.qkvBias), [0, 0, kv, d]), [0, 2, 1, 3]), [2]);
    const k = await heads('k_proj');
    const v = await heads('v_proj');
    const qr = rotary(g, q, cos, sin);
    const kr = rotary(g, k, cos, sin);
    const scores = g.mul(g.matmul(qr, g.transpose(kr, [0, 1, 2, 4, 3])), 1 / Math.sqrt(d));
    const attended = g.matmul(g.softmax(causalMask(g, scores), -1), v);
    const merged = g.reshape(g.transpose(attended, [0, 3, 1, 2, 4]), [0, 0, c.numHeads * d]);
    return this.linear(merged, layer, 'o_proj', c.attentionOutputBias);
  }

  async mlp(x: Value, layer: number): Promise<Value> {
    const g = this.g;
    const bias = this.config.mlpBias;
    const gate = await this.linear(x, layer, 'gate_proj', bias);
    const up = await this.linear(x, layer, 'up_proj', bias);
    return this.linear(g.mul(silu(g, gate), up), layer, 'down_proj', bias);
  }

  /** ids [B, T] int64 → logits [B, T, V]. */
  async logits(ids: Value): Promise<Value> {
    const g = this.g;
    const c = this.config;
    const eps = c.normEps;
    const embed = await this.weight('model.embed_tokens.weight');
    // Positions 0..T-1 pick rows of the tables, so one graph serves any length up to maxPositions.
    const tables = ropeTables(c);
    const positions = g.arange(ids, 1);
    const cos = g.gather(g.constant(tables.cos, [c.maxPositions, c.headDim]), positions);
    const sin = g.gather(g.constant(tables.sin, [c.maxPositions, c.headDim]), positions);
    let h = g.gather(embed, ids);
    for (let i = 0; i < c.numLayers; i++) {
      const p = `model.layers.${i}`;
      h = g.add(h, await this.attention(rmsNorm(g, h, await this.weight(`${p}.input_layernorm.weight`), eps), i, cos, sin));
      h = g.add(h, await this.mlp(rmsNorm(g, h, await this.weight(`${p}.post_attention_layernorm.weight`), eps), i));
    }
    h = rmsNorm(g, h, await this.weight('model.norm.weight'), eps);
    const head = c.tieWordEmbeddings ? embed : await this.weight('lm_head.weight');
    return g.matmul(h, g.transpose(head));
  }
}

/**
 * Builds the forward or training graph of a Llama-family model. `source` is a Hugging Face folder
 * or an already opened config + checkpoint (not closed here).
 *
 * Inputs: input_ids [B, T] int64; in 'train' mode targets [B, T] int64, where targets[b, t] is the
 * token expected after position t (already shifted) or -100 to ignore it; and each LoRA tensor.
 * Outputs: logits [B, T, V] ('forward'); loss (mean over kept targets) and grad.<lora name> ('train').
 */
export async function buildLlamaGraph(source: string | { config: ModelConfig; checkpoint: Checkpoint }, options: LlamaGraphOptions): Promise<LlamaGraph> {
  const opened = typeof source === 'string' ? { config: loadModelConfig(source), checkpoint: await openCheckpoint(source) } : source;
  const { config, checkpoint } = opened;
  try {
    if (config.modelType !== 'llama' && config.modelType !== 'qwen2') throw new Error(`buildLlamaGraph: model_type ${config.modelType} is not in the Llama family`);
    if (config.activation !== 'silu') throw new Error(`buildLlamaGraph: hidden_act ${config.activation} is not supported (silu)`);
    const b = new Builder(config, checkpoint, options.lora);
    const g = b.g;
    const ids = g.input('input_ids', 'int64', ['B', 'T']);
    const logits = await b.logits(ids);
    if (options.mode === 'forward') {
      g.output(logits, 'logits');
    } else {
      if (!options.lora) throw new Error('buildLlamaGraph: a training graph needs LoRA options (the base weights are frozen)');
      const targets = g.input('targets', 'int64', ['B', 'T']);
      const loss = g.output(crossEntropy(g, logits, targets), 'loss');
      grad(g, loss, b.loraValues);
    }
    return { graph: g, config, lora: b.lora };
  } finally {
    if (typeof source === 'string') await checkpoint.close();
  }
}
