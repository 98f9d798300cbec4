import fs from 'node:fs';
import path from 'node:path';
import { ApiFailure } from '../../../shared/api/errors';
import { AdapterLineage, type Adapter } from '../../../shared/api/schemas/models';
import { AttributionMethod } from '../../../shared/ledger/attribution-record';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, readPeftAdapter } from '../../../engine/lora-io/peft-files';
import type { LoraAdapter } from '../../../engine/lora-io/adapter';
import { loadModelConfig } from '../../../engine/models/config';
import { FolderStore, type InstalledFolder } from './folder-store';

/** Ours, beside PEFT's two files (PEFT and vLLM ignore it): the base model and, when trained here, the lineage. */
export const ADAPTER_INFO_FILE = 'studio-adapter.json';

export interface AdapterInfo {
  base: string;
  lineage: AdapterLineage | null;
  /** Set by adapters.setAttributionMethod; absent: spans. */
  attributionMethod?: AttributionMethod;
}

/** LoRA adapters, installed under `<dataDir>/adapters/<name>/` as PEFT folders. */
export function adapterFolders(dataDir: string): FolderStore {
  const required = [ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE];
  return new FolderStore(path.join(dataDir, 'adapters'), {
    noun: 'adapter',
    files: (view) => ({
      copy: [...required, 'README.md', ADAPTER_INFO_FILE].filter((f) => view.has(f)),
      missing: required.filter((f) => !view.has(f)),
    }),
    expected: `An adapter folder is what PEFT's save_pretrained writes: ${ADAPTER_CONFIG_FILE} and ${ADAPTER_WEIGHTS_FILE}.`,
  });
}

export function readAdapterInfo(dir: string): AdapterInfo | null {
  const file = path.join(dir, ADAPTER_INFO_FILE);
  if (!fs.existsSync(file)) return null;
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { base?: unknown; lineage?: unknown; attributionMethod?: unknown };
  if (typeof json.base !== 'string') return null;
  const lineage = AdapterLineage.safeParse(json.lineage);
  const method = AttributionMethod.safeParse(json.attributionMethod);
  return { base: json.base, lineage: lineage.success ? lineage.data : null, ...(method.success ? { attributionMethod: method.data } : {}) };
}

export function writeAdapterInfo(dir: string, info: AdapterInfo): void {
  // Whole or not at all: an installed adapter's info is rewritten in place (setAttributionMethod).
  const file = path.join(dir, ADAPTER_INFO_FILE);
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

/**
 * Loads an adapter folder for a base model folder: PEFT's files checked against what PEFT would
 * build for that base. `shownAs` is the folder the message names: an import checks a staging copy
 * inside the data folder, and the user knows only the folder they gave.
 */
export async function loadAdapterFor(adapterDir: string, baseDir: string, field = 'path', shownAs = adapterDir): Promise<LoraAdapter> {
  try {
    return await readPeftAdapter(adapterDir, loadModelConfig(baseDir));
  } catch (e) {
    const message = `${adapterDir} does not fit the base model in ${baseDir}: ${e instanceof Error ? e.message : String(e)}`;
    throw new ApiFailure({ code: 'invalid_input', field, message: message.split(adapterDir).join(shownAs) });
  }
}

export function describeAdapter(folder: InstalledFolder, info: AdapterInfo, adapter: LoraAdapter): Adapter {
  return {
    name: folder.name,
    base: info.base,
    rank: adapter.settings.r,
    alpha: adapter.settings.alpha,
    targets: adapter.settings.targetModules,
    parameters: adapter.modules.reduce((n, m) => n + m.a.length + m.b.length, 0),
    lineage: info.lineage,
    source: folder.source,
    bytes: folder.bytes,
    attributionMethod: info.attributionMethod ?? 'spans',
  };
}
