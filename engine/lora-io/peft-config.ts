import type { ModelType } from '../models/config';
import type { LoraSettings } from './adapter';

/**
 * adapter_config.json as PEFT writes and reads it.
 *
 * The fields written are those of PEFT's LoraConfig (src/peft/tuners/lora/config.py) and its base
 * PeftConfig (src/peft/config.py) as of PEFT 0.10–0.13, which every later version still reads
 * (fields added since have defaults that mean "off"). Older PEFT versions pass the file's keys to
 * the dataclass as keyword arguments and fail on any key they do not know, so writing the newer
 * fields too would lock those versions out for nothing. PeftModel.save_pretrained sets
 * inference_mode to true while it saves and dumps with sort_keys=True and indent=2; so do we.
 */
export const PEFT_CONFIG_FIELDS = [
  'alpha_pattern',
  'auto_mapping',
  'base_model_name_or_path',
  'bias',
  'fan_in_fan_out',
  'inference_mode',
  'init_lora_weights',
  'layer_replication',
  'layers_pattern',
  'layers_to_transform',
  'loftq_config',
  'lora_alpha',
  'lora_dropout',
  'megatron_config',
  'megatron_core',
  'modules_to_save',
  'peft_type',
  'r',
  'rank_pattern',
  'revision',
  'target_modules',
  'task_type',
  'use_dora',
  'use_rslora',
] as const;

export type PeftConfigJson = Record<(typeof PEFT_CONFIG_FIELDS)[number], unknown>;

export function buildAdapterConfig(settings: LoraSettings, modelType: ModelType): PeftConfigJson {
  return {
    alpha_pattern: {},
    auto_mapping: null,
    base_model_name_or_path: settings.baseModel,
    bias: 'none',
    // LoraModel sets it for transformers' Conv1D (GPT-2 stores weights as [in, out]) and clears it
    // for nn.Linear, warning either way; we write what it would have set.
    fan_in_fan_out: modelType === 'gpt2',
    inference_mode: true,
    init_lora_weights: true,
    layer_replication: null,
    layers_pattern: null,
    layers_to_transform: null,
    loftq_config: {},
    lora_alpha: settings.alpha,
    lora_dropout: settings.dropout,
    megatron_config: null,
    megatron_core: 'megatron.core',
    modules_to_save: null,
    peft_type: 'LORA',
    r: settings.r,
    rank_pattern: {},
    revision: settings.revision,
    target_modules: Array.isArray(settings.targetModules) ? [...settings.targetModules] : settings.targetModules,
    task_type: 'CAUSAL_LM',
    use_dora: false,
    use_rslora: false,
  };
}

/** Python's json.dumps(…, indent=2, sort_keys=True) layout, so the file reads like PEFT's own. */
export function formatAdapterConfig(config: Record<string, unknown>): string {
  const sorted = Object.fromEntries(Object.keys(config).sort().map((k) => [k, config[k]]));
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

/**
 * Fields that do not change what a saved adapter computes, whatever their value: bookkeeping
 * (versions, names, where the base came from) and initialization recipes, which only matter
 * before training. fan_in_fan_out is here because PEFT corrects it per layer type when it loads.
 */
const IGNORED = new Set([
  'auto_mapping',
  'base_model_name_or_path',
  'revision',
  'inference_mode',
  'init_lora_weights',
  'loftq_config',
  'eva_config',
  'corda_config',
  'lora_ga_config',
  'megatron_core',
  'peft_version',
  'layers_pattern',
  'fan_in_fan_out',
  'qalora_group_size',
  'ensure_weight_tying',
]);

/** What each field is checked for; the message says what the engine would need to support it. */
const READ = new Set(['peft_type', 'task_type', 'r', 'lora_alpha', 'lora_dropout', 'target_modules', 'bias', 'use_rslora', 'use_dora']);

function isOff(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/**
 * Parses adapter_config.json's contents into settings, refusing anything that would make this
 * engine compute something other than what PEFT computes with the same file: another PEFT method,
 * DoRA, rank-stabilized scaling, trained biases or extra modules, per-module rank or alpha
 * patterns, a subset of layers. Any field it does not know must be "off" (null, false, empty), so
 * a feature added to PEFT later is refused rather than silently ignored.
 */
export function parseAdapterConfig(json: unknown, source = 'adapter_config.json'): LoraSettings {
  function fail(problem: string): never {
    throw new Error(`${source}: ${problem}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('must be a JSON object');
  const c = json as Record<string, unknown>;
  const str = (v: unknown) => JSON.stringify(v);

  if (c.peft_type !== 'LORA') fail(`peft_type is ${str(c.peft_type)}; only LORA adapters are supported`);
  if (c.task_type !== undefined && c.task_type !== null && c.task_type !== 'CAUSAL_LM') fail(`task_type is ${str(c.task_type)}; only CAUSAL_LM adapters are supported`);
  const r = c.r;
  if (typeof r !== 'number' || !Number.isInteger(r) || r < 1) fail(`r must be a positive integer, got ${str(r)}`);
  const alpha = c.lora_alpha ?? 8;
  if (typeof alpha !== 'number' || !(alpha > 0)) fail(`lora_alpha must be a positive number, got ${str(c.lora_alpha)}`);
  const dropout = c.lora_dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) fail(`lora_dropout must be a number in [0, 1), got ${str(c.lora_dropout)}`);
  const targets = c.target_modules;
  const targetList = Array.isArray(targets) && targets.length > 0 && targets.every((t) => typeof t === 'string');
  if (!targetList && typeof targets !== 'string') fail(`target_modules must be a list of module names or a regular expression, got ${str(targets)}`);
  if (targets === 'all-linear') fail('target_modules "all-linear" must be expanded to module names (PEFT saves it expanded)');
  if (c.bias !== undefined && c.bias !== 'none') fail(`bias ${str(c.bias)} is not supported (only "none": the adapter would carry trained biases)`);
  if (c.use_dora === true) fail('use_dora true is not supported (DoRA adapters need the magnitude vectors this engine does not apply)');
  if (c.use_rslora === true) fail('use_rslora true is not supported (rank-stabilized scaling alpha/√r)');
  if (c.use_rslora !== undefined && typeof c.use_rslora !== 'boolean') fail(`use_rslora must be true or false, got ${str(c.use_rslora)}`);

  const unsupported: string[] = [];
  for (const [key, value] of Object.entries(c)) {
    if (READ.has(key) || IGNORED.has(key)) continue;
    if (!isOff(value)) unsupported.push(`${key} ${str(value)}`);
  }
  if (unsupported.length) fail(`not supported: ${unsupported.join('; ')} (this engine reads plain LoRA on linear layers, every layer, one rank and alpha)`);

  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    r,
    alpha,
    dropout,
    targetModules: typeof targets === 'string' ? targets : [...(targets)],
    baseModel: text(c.base_model_name_or_path),
    revision: text(c.revision),
  };
}
