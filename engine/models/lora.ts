/**
 * LoRA configuration and the LoRA term of a linear layer, as PEFT computes it.
 *
 * What PEFT does (huggingface/peft src/peft/tuners/lora/layer.py, read for this file):
 * - `update_layer` makes lora_A = nn.Linear(in_features, r) and lora_B = nn.Linear(r, out_features),
 *   so the saved lora_A.weight is [r, in] and lora_B.weight is [out, r] for every layer type.
 * - For transformers' Conv1D (GPT-2), `in_features, out_features = base_layer.weight.shape`, i.e.
 *   the Conv1D weight [in, out] read as is; LoraModel sets fan_in_fan_out=True for Conv1D, and that
 *   flag is used only where the base weight meets B·A (`get_delta_weight` returns
 *   transpose(B @ A, fan_in_fan_out) · scaling when merging); the adapter tensors keep the nn.Linear
 *   layout.
 * - Forward: result = base(x) + lora_B(lora_A(dropout(x))) · scaling = x·W + b + (x·Aᵀ·Bᵀ)·α/r
 *   (α/√r with use_rslora, not supported here).
 * - Init (init_lora_weights=True): A kaiming_uniform_(a=√5), i.e. U(−1/√in, 1/√in); B zeros.
 * - target_modules as a list matches a module whose name equals an entry or ends with "." + entry;
 *   PEFT's default for gpt2 is ["c_attn"], for llama and qwen2 ["q_proj", "v_proj"].
 */
import type { GraphBuilder, Value } from '../graph/index';
import type { ModelConfig, ModelType } from './config';

export interface LoraConfig {
  /** Module name suffixes, as PEFT's target_modules. */
  targetModules: string[];
  r: number;
  alpha: number;
  /** Only 0 for now: the graphs have no dropout. */
  dropout: number;
}

/** Per architecture: PEFT's default targets, and every linear layer but the LM head ("all-linear"). */
export const LORA_TARGETS: Record<ModelType, { default: string[]; allLinear: string[] }> = {
  gpt2: { default: ['c_attn'], allLinear: ['c_attn', 'c_proj', 'c_fc'] },
  llama: { default: ['q_proj', 'v_proj'], allLinear: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] },
  qwen2: { default: ['q_proj', 'v_proj'], allLinear: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] },
};

export interface LoraOptions {
  /** Suffixes, or 'default' / 'all-linear'. Default 'default'. */
  targets?: string[] | 'default' | 'all-linear';
  r?: number;
  alpha?: number;
  dropout?: number;
}

/** A LoRA config with PEFT's defaults (r 8, alpha 8, dropout 0) and the architecture's targets. */
export function loraConfig(modelType: ModelType, o: LoraOptions = {}): LoraConfig {
  const t = o.targets ?? 'default';
  const targetModules = t === 'default' ? LORA_TARGETS[modelType].default : t === 'all-linear' ? LORA_TARGETS[modelType].allLinear : [...t];
  const r = o.r ?? 8;
  if (!Number.isInteger(r) || r < 1) throw new Error(`LoRA rank must be a positive integer, got ${r}`);
  const alpha = o.alpha ?? 8;
  if (!(alpha > 0)) throw new Error(`LoRA alpha must be positive, got ${alpha}`);
  const dropout = o.dropout ?? 0;
  if (dropout !== 0) throw new Error(`LoRA dropout ${dropout}: only 0 is supported for now`);
  if (targetModules.length === 0) throw new Error('LoRA needs at least one target module');
  return { targetModules, r, alpha, dropout };
}

export function loraScaling(c: LoraConfig): number {
  return c.alpha / c.r;
}

/** One adapted linear layer: its full module name and its in/out features. */
export interface LoraModule {
  module: string;
  inFeatures: number;
  outFeatures: number;
}

/** The graph-input names of a module's adapter: PEFT's key names without the base_model.model. prefix. */
export function loraNames(module: string): { a: string; b: string } {
  return { a: `${module}.lora_A.weight`, b: `${module}.lora_B.weight` };
}

export function matchesTarget(module: string, targets: readonly string[]): boolean {
  return targets.some((t) => module === t || module.endsWith(`.${t}`));
}

/** Every linear layer of a model, with its shape, in layer order. */
export function linearModules(cfg: ModelConfig): LoraModule[] {
  const h = cfg.hiddenSize;
  const out: LoraModule[] = [];
  for (let i = 0; i < cfg.numLayers; i++) {
    if (cfg.modelType === 'gpt2') {
      const p = `transformer.h.${i}`;
      out.push(
        { module: `${p}.attn.c_attn`, inFeatures: h, outFeatures: 3 * h },
        { module: `${p}.attn.c_proj`, inFeatures: h, outFeatures: h },
        { module: `${p}.mlp.c_fc`, inFeatures: h, outFeatures: cfg.intermediateSize },
        { module: `${p}.mlp.c_proj`, inFeatures: cfg.intermediateSize, outFeatures: h },
      );
    } else {
      const p = `model.layers.${i}`;
      const q = cfg.numHeads * cfg.headDim;
      const kv = cfg.numKvHeads * cfg.headDim;
      out.push(
        { module: `${p}.self_attn.q_proj`, inFeatures: h, outFeatures: q },
        { module: `${p}.self_attn.k_proj`, inFeatures: h, outFeatures: kv },
        { module: `${p}.self_attn.v_proj`, inFeatures: h, outFeatures: kv },
        { module: `${p}.self_attn.o_proj`, inFeatures: q, outFeatures: h },
        { module: `${p}.mlp.gate_proj`, inFeatures: h, outFeatures: cfg.intermediateSize },
        { module: `${p}.mlp.up_proj`, inFeatures: h, outFeatures: cfg.intermediateSize },
        { module: `${p}.mlp.down_proj`, inFeatures: cfg.intermediateSize, outFeatures: h },
      );
    }
  }
  return out;
}

/** The modules a config adapts; an error when a target matches nothing (a typo would train nothing). */
export function loraModules(cfg: ModelConfig, lora: LoraConfig): LoraModule[] {
  const all = linearModules(cfg);
  for (const t of lora.targetModules) {
    if (!all.some((m) => matchesTarget(m.module, [t]))) throw new Error(`LoRA target ${JSON.stringify(t)} matches no linear layer of this ${cfg.modelType} model`);
  }
  return all.filter((m) => matchesTarget(m.module, lora.targetModules));
}

/** A: [r, in], B: [out, r], as PEFT stores them. */
export function loraShapes(m: LoraModule, r: number): { a: [number, number]; b: [number, number] } {
  return { a: [r, m.inFeatures], b: [m.outFeatures, r] };
}

/**
 * PEFT's initial adapter: A ~ U(−1/√in, 1/√in) (kaiming_uniform_ with a = √5), B = 0, so the
 * adapted model starts equal to the base. `random` gives uniforms in [0, 1) (seeded by the caller).
 */
export function initLora(m: LoraModule, r: number, random: () => number): { a: Float32Array; b: Float32Array } {
  const bound = 1 / Math.sqrt(m.inFeatures);
  const a = Float32Array.from({ length: r * m.inFeatures }, () => (2 * random() - 1) * bound);
  return { a, b: new Float32Array(m.outFeatures * r) };
}

/** The graph inputs of one module's adapter. */
export interface LoraInputs {
  a: Value;
  b: Value;
}

export function addLoraInputs(g: GraphBuilder, m: LoraModule, r: number): LoraInputs {
  const names = loraNames(m.module);
  const s = loraShapes(m, r);
  return { a: g.input(names.a, 'float', s.a), b: g.input(names.b, 'float', s.b) };
}

/** base + (x·Aᵀ·Bᵀ)·scaling: the rank-r path runs on x, never forming B·A (out × in). */
export function loraDelta(g: GraphBuilder, x: Value, base: Value, lora: LoraInputs, scaling: number): Value {
  const low = g.matmul(x, g.transpose(lora.a));
  return g.add(base, g.mul(g.matmul(low, g.transpose(lora.b)), scaling));
}
