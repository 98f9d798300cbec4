import type { ModelConfig, ModelType } from '../models/config';
import { Prng } from '../train/prng';
import { ALL_LINEAR_TARGETS, DEFAULT_TARGETS, selectModules, type AdaptableModule } from './modules';

/**
 * A LoRA adapter in memory: the settings PEFT's adapter_config.json carries, and per adapted
 * module (per target per layer) its A [r, in] and B [out, r] as row-major Float32Arrays.
 */

export interface LoraSettings {
  r: number;
  /** lora_alpha; the update is scaled by alpha / r. */
  alpha: number;
  dropout: number;
  /** PEFT's target_modules: module-name suffixes, or one regular expression over full names. */
  targetModules: string[] | string;
  /** Where the base model came from (a hub id or a folder), for adapter_config.json. */
  baseModel: string | null;
  /** A hub revision of the base model, if it was pinned. */
  revision: string | null;
}

export interface LoraModuleTensors extends AdaptableModule {
  /** [r, inFeatures], row-major. */
  a: Float32Array;
  /** [outFeatures, r], row-major. */
  b: Float32Array;
}

export interface LoraAdapter {
  modelType: ModelType;
  settings: LoraSettings;
  /** In the model's order (layer, then position in the layer). */
  modules: LoraModuleTensors[];
}

export function loraScaling(s: Pick<LoraSettings, 'r' | 'alpha'>): number {
  return s.alpha / s.r;
}

export interface LoraSettingsInput {
  r?: number;
  alpha?: number;
  dropout?: number;
  /** Suffixes or a regular expression, or 'default' (PEFT's per architecture) or 'all-linear'. */
  targets?: string[] | string;
  baseModel?: string | null;
  revision?: string | null;
}

/** Settings with PEFT's defaults (r 8, alpha 8, dropout 0, the architecture's default targets). */
export function loraSettings(modelType: ModelType, input: LoraSettingsInput = {}): LoraSettings {
  const r = input.r ?? 8;
  if (!Number.isInteger(r) || r < 1) throw new Error(`LoRA rank must be a positive integer, got ${r}`);
  const alpha = input.alpha ?? 8;
  if (!(alpha > 0) || !Number.isFinite(alpha)) throw new Error(`LoRA alpha must be a positive number, got ${alpha}`);
  const dropout = input.dropout ?? 0;
  if (!(dropout >= 0 && dropout < 1)) throw new Error(`LoRA dropout must be in [0, 1), got ${dropout}`);
  const t = input.targets ?? 'default';
  // PEFT saves "all-linear" expanded to the names it found, so we expand it before saving too.
  const targetModules = t === 'default' ? [...DEFAULT_TARGETS[modelType]] : t === 'all-linear' ? [...ALL_LINEAR_TARGETS[modelType]] : Array.isArray(t) ? [...t] : t;
  if (Array.isArray(targetModules) && targetModules.length === 0) throw new Error('LoRA needs at least one target module');
  return { r, alpha, dropout, targetModules, baseModel: input.baseModel ?? null, revision: input.revision ?? null };
}

/**
 * A fresh adapter initialized as PEFT's init_lora_weights=True does (LoraLayer.reset_lora_parameters
 * in src/peft/tuners/lora/layer.py): A with nn.init.kaiming_uniform_(a=√5), B zeros, so the adapted
 * model starts equal to the base. kaiming_uniform_ draws U(−bound, bound) with
 * bound = gain·√(3 / fan_in), gain = √(2 / (1 + a²)) = √(1/3): bound = 1/√fan_in, and fan_in of
 * A's [r, in] weight is `in`. The draws come from `rng` (or a seed), module by module in the
 * model's order, row by row, so one seed gives one adapter.
 */
export function initLoraAdapter(cfg: ModelConfig, settings: LoraSettings, rng: Prng | number): LoraAdapter {
  const random = typeof rng === 'number' ? new Prng(rng) : rng;
  const modules = selectModules(cfg, settings.targetModules).map((m) => ({ ...m, ...initLoraModule(m, settings.r, random) }));
  return { modelType: cfg.modelType, settings, modules };
}

/**
 * One module's fresh A [r, in] and B [out, r], as initLoraAdapter initializes them: A ~ U(−1/√in,
 * 1/√in) row by row, B zeros. `random` is a Prng or a source of uniforms in [0, 1); a Prng gives
 * exactly what its fillUniform would.
 */
export function initLoraModule(m: Pick<AdaptableModule, 'inFeatures' | 'outFeatures'>, r: number, random: Prng | (() => number)): { a: Float32Array; b: Float32Array } {
  const next = typeof random === 'function' ? random : () => random.nextFloat();
  const bound = 1 / Math.sqrt(m.inFeatures);
  const a = new Float32Array(r * m.inFeatures);
  // Prng.fillUniform's arithmetic, low + (high − low) · u, with low = −bound and high = bound.
  for (let i = 0; i < a.length; i++) a[i] = -bound + 2 * bound * next();
  return { a, b: new Float32Array(m.outFeatures * r) };
}
