/**
 * The LoRA term of a linear layer in a graph, as PEFT computes it: the adapter's graph inputs and
 * their names and shapes, and base + (x·Aᵀ·Bᵀ)·scaling. The module list, the default and
 * all-linear targets, target matching, scaling and initialization live in engine/lora-io (one
 * source of truth, shared with the PEFT reader/writer); this file only builds on them.
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
import { loraSettings, type LoraSettings } from '../lora-io/adapter';
import { selectModules, type AdaptableModule } from '../lora-io/modules';
import type { ModelConfig, ModelType } from './config';

/** What a graph needs of LoRA settings: list targets (suffixes), rank, alpha, and no dropout. */
export interface LoraConfig extends Pick<LoraSettings, 'r' | 'alpha' | 'dropout'> {
  /** Module name suffixes, as PEFT's target_modules. */
  targetModules: string[];
}

export interface LoraOptions {
  /** Suffixes, or 'default' / 'all-linear'. Default 'default'. */
  targets?: string[] | 'default' | 'all-linear';
  r?: number;
  alpha?: number;
  dropout?: number;
}

/**
 * lora-io's loraSettings (PEFT's defaults: r 8, alpha 8, the architecture's targets), restricted to
 * what the graphs support: dropout 0 only, since they have no dropout.
 */
export function loraConfig(modelType: ModelType, o: LoraOptions = {}): LoraConfig {
  const s = loraSettings(modelType, { r: o.r, alpha: o.alpha, dropout: o.dropout, targets: o.targets });
  if (s.dropout !== 0) throw new Error(`LoRA dropout ${s.dropout}: only 0 is supported for now`);
  // `targets` is a list or a keyword, never a regular expression, so the settings hold a list.
  return { targetModules: s.targetModules as string[], r: s.r, alpha: s.alpha, dropout: s.dropout };
}

/** One adapted linear layer: its full module name and its in/out features. */
export type LoraModule = Pick<AdaptableModule, 'module' | 'inFeatures' | 'outFeatures'>;

/** The modules a config adapts (lora-io's selectModules); an error when a target matches nothing. */
export function loraModules(cfg: ModelConfig, lora: Pick<LoraConfig, 'targetModules'>): AdaptableModule[] {
  return selectModules(cfg, lora.targetModules);
}

/** The graph-input names of a module's adapter: PEFT's key names without the base_model.model. prefix. */
export function loraNames(module: string): { a: string; b: string } {
  return { a: `${module}.lora_A.weight`, b: `${module}.lora_B.weight` };
}

/** A: [r, in], B: [out, r], as PEFT stores them. */
export function loraShapes(m: Pick<LoraModule, 'inFeatures' | 'outFeatures'>, r: number): { a: [number, number]; b: [number, number] } {
  return { a: [r, m.inFeatures], b: [m.outFeatures, r] };
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
