import path from 'node:path';
import { ApiFailure } from '../../../shared/api/errors';
import type { LanguageModel } from '../../../shared/api/schemas/models';
import { INDEX_FILE, openCheckpoint, SINGLE_FILE } from '../../../engine/io/index';
import { loadModelConfig } from '../../../engine/models/config';
import { loadTokenizer } from '../../../engine/tokenize/load';
import { FolderStore, type FolderView, type InstalledFolder } from './folder-store';

/** Read when present: tokenizer settings, generation defaults, a chat template kept apart. */
const OPTIONAL_FILES = ['tokenizer_config.json', 'generation_config.json', 'special_tokens_map.json', 'chat_template.jinja', 'README.md', 'LICENSE'];

/** The shard files a sharded checkpoint's index names (relative), or null when the index is unreadable (or not there yet). */
function shardFiles(view: FolderView): string[] | null {
  try {
    const text = view.read(INDEX_FILE);
    if (text === null) return null;
    const index = JSON.parse(text) as { weight_map?: Record<string, string> };
    return [...new Set(Object.values(index.weight_map ?? {}))].filter((f) => path.basename(f) === f);
  } catch {
    return null;
  }
}

/** The weight files of a folder (the index first when sharded), and what it lacks of them. */
export function weightFiles(view: FolderView): { copy: string[]; missing: string[] } {
  if (view.has(SINGLE_FILE)) return { copy: [SINGLE_FILE], missing: [] };
  if (!view.has(INDEX_FILE)) return { copy: [], missing: [`${SINGLE_FILE} (or ${INDEX_FILE} with its shards)`] };
  const shards = shardFiles(view);
  if (shards === null || shards.length === 0) return { copy: [INDEX_FILE], missing: [`a readable weight_map in ${INDEX_FILE}`] };
  return { copy: [INDEX_FILE, ...shards.filter((f) => view.has(f))], missing: shards.filter((f) => !view.has(f)) };
}

/** Base language models, installed under `<dataDir>/models/language/<name>/` as Hugging Face folders. */
export function languageModels(dataDir: string): FolderStore {
  return new FolderStore(path.join(dataDir, 'models', 'language'), {
    noun: 'language model',
    files: (view) => {
      const weights = weightFiles(view);
      const required = ['config.json', 'tokenizer.json'];
      return {
        copy: [...required.filter((f) => view.has(f)), ...weights.copy, ...OPTIONAL_FILES.filter((f) => view.has(f))],
        missing: [...required.filter((f) => !view.has(f)), ...weights.missing],
      };
    },
    expected: `A language model folder is a Hugging Face repository: config.json (GPT-2, Llama, SmolLM2 or Qwen2), tokenizer.json and ${SINGLE_FILE} or a sharded checkpoint.`,
  });
}

/**
 * What the engine makes of a model folder: its config, checkpoint and tokenizer must load, so an
 * import fails at once, naming what is wrong, instead of at the first training run.
 */
export async function describeLanguageModel(folder: InstalledFolder | { dir: string; name: string; source: string | null; bytes: number }, field = 'path'): Promise<LanguageModel> {
  const { dir } = folder;
  const fail = (e: unknown): never => {
    throw new ApiFailure({ code: 'invalid_input', field, message: `${dir}: ${e instanceof Error ? e.message : String(e)}` });
  };
  const config = (() => {
    try {
      return loadModelConfig(dir);
    } catch (e) {
      return fail(e);
    }
  })();
  const checkpoint = await openCheckpoint(dir).catch(fail);
  let parameters = 0;
  const dtypes = new Set<string>();
  try {
    for (const name of checkpoint.names) {
      const info = checkpoint.info(name);
      parameters += info.shape.reduce((a, b) => a * b, 1);
      dtypes.add(info.dtype);
    }
  } finally {
    await checkpoint.close();
  }
  const tokenizer = await loadTokenizer(dir).catch(fail);
  return {
    name: folder.name,
    architecture: config.modelType,
    parameters,
    dtype: [...dtypes].sort().join('+') || 'none',
    layers: config.numLayers,
    hidden: config.hiddenSize,
    vocab: config.vocabSize,
    contextLength: config.maxPositions,
    chat: tokenizer.hasChatTemplate,
    source: folder.source,
    bytes: folder.bytes,
  };
}
