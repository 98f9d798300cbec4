import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ModelConfig } from '../models/config';
import { SafetensorsFile } from '../io/safetensors-file';
import { writeSafetensors } from '../io/safetensors-write';
import type { LoraAdapter, LoraModuleTensors } from './adapter';
import { buildAdapterConfig, formatAdapterConfig, parseAdapterConfig } from './peft-config';
import { selectModules } from './modules';

/**
 * An adapter folder as PEFT saves it: adapter_config.json and adapter_model.safetensors. The
 * tensor names are get_peft_model_state_dict's (src/peft/utils/save_and_load.py): the PeftModel's
 * parameter names, "base_model.model." + the base model's module name + ".lora_A.weight" /
 * ".lora_B.weight", with the adapter name (".default") removed. PeftModel.save_pretrained writes
 * them with safetensors metadata {"format": "pt"}, which transformers' loaders check for.
 */

export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
export const ADAPTER_WEIGHTS_FILE = 'adapter_model.safetensors';
export const PEFT_PREFIX = 'base_model.model.';

export function peftKeys(module: string): { a: string; b: string } {
  return { a: `${PEFT_PREFIX}${module}.lora_A.weight`, b: `${PEFT_PREFIX}${module}.lora_B.weight` };
}

/** Writes the two files into `dir` (created if missing); each appears whole or not at all. */
export async function writePeftAdapter(dir: string, adapter: LoraAdapter): Promise<void> {
  const { r } = adapter.settings;
  await mkdir(dir, { recursive: true });
  const tensors = adapter.modules.flatMap((m) => {
    if (m.a.length !== r * m.inFeatures || m.b.length !== m.outFeatures * r) {
      throw new Error(`LoRA ${m.module}: A has ${m.a.length} values and B ${m.b.length}, expected ${r}×${m.inFeatures} and ${m.outFeatures}×${r}`);
    }
    const keys = peftKeys(m.module);
    return [
      { name: keys.a, dtype: 'F32' as const, shape: [r, m.inFeatures], data: m.a },
      { name: keys.b, dtype: 'F32' as const, shape: [m.outFeatures, r], data: m.b },
    ];
  });
  await writeSafetensors(path.join(dir, ADAPTER_WEIGHTS_FILE), tensors, { format: 'pt' });
  const configFile = path.join(dir, ADAPTER_CONFIG_FILE);
  const tmp = `${configFile}.${process.pid}.tmp`;
  await writeFile(tmp, formatAdapterConfig(buildAdapterConfig(adapter.settings, adapter.modelType)));
  await rename(tmp, configFile);
}

/** Where PEFT keys go wrong in practice, said in the error so the fix is obvious. */
function hint(name: string): string {
  if (/\.lora_[AB]\.[^.]+\.weight$/.test(name)) return ' (it carries an adapter name; PEFT saves keys without one)';
  if (!name.startsWith(PEFT_PREFIX)) return ` (PEFT keys start with "${PEFT_PREFIX}")`;
  return '';
}

/**
 * Reads an adapter folder for the model `cfg` describes, checking it against what PEFT would build
 * for that model: the config's options (see parseAdapterConfig), then that the weights hold
 * exactly one lora_A and lora_B per targeted module, of PEFT's shapes. Every problem is listed,
 * not only the first. fp16 and bf16 adapters are widened to fp32.
 */
export async function readPeftAdapter(dir: string, cfg: ModelConfig): Promise<LoraAdapter> {
  const configFile = path.join(dir, ADAPTER_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(configFile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${dir} has no ${ADAPTER_CONFIG_FILE}` : `${configFile}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${configFile}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const settings = parseAdapterConfig(json, configFile);
  let modules;
  try {
    modules = selectModules(cfg, settings.targetModules);
  } catch (error) {
    throw new Error(`${configFile}: ${(error as Error).message}`, { cause: error });
  }

  const weightsFile = path.join(dir, ADAPTER_WEIGHTS_FILE);
  const file = await SafetensorsFile.open(weightsFile).catch((error: unknown) => {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(missing ? `${dir} has no ${ADAPTER_WEIGHTS_FILE} (adapter_model.bin, PyTorch's pickle format, is not read)` : (error as Error).message, { cause: error });
  });
  try {
    const problems: string[] = [];
    const expected = new Set<string>();
    const { r } = settings;
    for (const m of modules) {
      const keys = peftKeys(m.module);
      expected.add(keys.a).add(keys.b);
      for (const [key, shape] of [
        [keys.a, [r, m.inFeatures]],
        [keys.b, [m.outFeatures, r]],
      ] as const) {
        if (!file.has(key)) {
          problems.push(`missing ${key}`);
          continue;
        }
        const info = file.info(key);
        if (info.shape.length !== 2 || info.shape[0] !== shape[0] || info.shape[1] !== shape[1]) {
          problems.push(`${key} has shape [${info.shape.join(', ')}], expected [${shape.join(', ')}] (r ${r})`);
        }
        if (info.dtype !== 'F32' && info.dtype !== 'F16' && info.dtype !== 'BF16') problems.push(`${key} is ${info.dtype}, expected F32, F16 or BF16`);
      }
    }
    for (const name of file.names) if (!expected.has(name)) problems.push(`unknown tensor ${name}${hint(name)}`);
    if (problems.length) {
      const shown = problems.slice(0, 20).join('; ') + (problems.length > 20 ? `; and ${problems.length - 20} more` : '');
      throw new Error(`${weightsFile} does not match adapter_config.json for this ${cfg.modelType} model: ${shown}`);
    }
    const tensors: LoraModuleTensors[] = [];
    for (const m of modules) {
      const keys = peftKeys(m.module);
      tensors.push({ ...m, a: await file.read(keys.a, 'f32'), b: await file.read(keys.b, 'f32') });
    }
    return { modelType: cfg.modelType, settings, modules: tensors };
  } finally {
    await file.close();
  }
}
