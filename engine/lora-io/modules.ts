import type { ModelConfig, ModelType } from '../models/config';

/**
 * The linear layers LoRA can adapt in each architecture, named as transformers names the modules
 * (GPT2LMHeadModel, LlamaForCausalLM, Qwen2ForCausalLM) and shaped as PEFT shapes the adapter:
 * lora_A [r, in], lora_B [out, r]. For GPT-2's Conv1D, PEFT takes in/out from the Conv1D weight
 * [in, out] as is, so the adapter tensors have the nn.Linear layout there too (fan_in_fan_out only
 * matters when merging into the base weight).
 */

export interface AdaptableModule {
  /** The module's full name in the model, e.g. "transformer.h.0.attn.c_attn". */
  module: string;
  layer: number;
  inFeatures: number;
  outFeatures: number;
}

/**
 * PEFT's defaults (TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING in
 * src/peft/utils/constants.py): GPT-2's fused q/k/v projection, the Llama family's q and v.
 */
export const DEFAULT_TARGETS: Record<ModelType, readonly string[]> = {
  gpt2: ['c_attn'],
  llama: ['q_proj', 'v_proj'],
  qwen2: ['q_proj', 'v_proj'],
};

/** Every linear layer but the LM head: what PEFT's "all-linear" expands to. */
export const ALL_LINEAR_TARGETS: Record<ModelType, readonly string[]> = {
  gpt2: ['c_attn', 'c_proj', 'c_fc'],
  llama: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
  qwen2: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
};

export function adaptableModules(cfg: ModelConfig): AdaptableModule[] {
  const h = cfg.hiddenSize;
  const inter = cfg.intermediateSize;
  const out: AdaptableModule[] = [];
  for (let layer = 0; layer < cfg.numLayers; layer++) {
    const add = (module: string, inFeatures: number, outFeatures: number) => out.push({ module, layer, inFeatures, outFeatures });
    if (cfg.modelType === 'gpt2') {
      const p = `transformer.h.${layer}`;
      add(`${p}.attn.c_attn`, h, 3 * h);
      add(`${p}.attn.c_proj`, h, h);
      add(`${p}.mlp.c_fc`, h, inter);
      add(`${p}.mlp.c_proj`, inter, h);
    } else {
      const p = `model.layers.${layer}`;
      const q = cfg.numHeads * cfg.headDim;
      const kv = cfg.numKvHeads * cfg.headDim;
      add(`${p}.self_attn.q_proj`, h, q);
      add(`${p}.self_attn.k_proj`, h, kv);
      add(`${p}.self_attn.v_proj`, h, kv);
      add(`${p}.self_attn.o_proj`, q, h);
      add(`${p}.mlp.gate_proj`, h, inter);
      add(`${p}.mlp.up_proj`, h, inter);
      add(`${p}.mlp.down_proj`, inter, h);
    }
  }
  return out;
}

/**
 * PEFT's target matching (check_target_module_exists in src/peft/tuners/tuners_utils.py): a list
 * matches a module whose name equals an entry or ends with "." + entry; a string is a regular
 * expression the whole name must match (re.fullmatch). The names are the base model's own, without
 * PEFT's "base_model.model." prefix.
 */
export function targetMatcher(targets: readonly string[] | string): (module: string) => boolean {
  if (typeof targets === 'string') {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${targets})$`);
    } catch (error) {
      throw new Error(`target_modules ${JSON.stringify(targets)} is not a regular expression JavaScript reads (${(error as Error).message})`, { cause: error });
    }
    return (module) => re.test(module);
  }
  return (module) => targets.some((t) => module === t || module.endsWith(`.${t}`));
}

/** The modules the targets select; an error when they select nothing (a typo would train nothing). */
export function selectModules(cfg: ModelConfig, targets: readonly string[] | string): AdaptableModule[] {
  const all = adaptableModules(cfg);
  const match = targetMatcher(targets);
  const chosen = all.filter((m) => match(m.module));
  const layers = `its layers: ${ALL_LINEAR_TARGETS[cfg.modelType].join(', ')}`;
  // The first list entry that matches nothing (a typo), named in either error.
  const missing = Array.isArray(targets) ? (targets as readonly string[]).find((t) => !all.some((m) => targetMatcher([t])(m.module))) : undefined;
  if (chosen.length === 0) {
    const entry = missing === undefined ? '' : `: entry ${JSON.stringify(missing)} matches no linear layer`;
    throw new Error(`target_modules ${JSON.stringify(targets)} selects no linear layer of this ${cfg.modelType} model${entry} (${layers})`);
  }
  if (missing !== undefined) throw new Error(`target_modules entry ${JSON.stringify(missing)} matches no linear layer of this ${cfg.modelType} model (${layers})`);
  return chosen;
}
