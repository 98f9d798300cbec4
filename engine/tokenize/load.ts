import fs from 'node:fs';
import path from 'node:path';
import { type Tokenizer, wrapTokenizer } from './tokenizer';

// transformers.js keeps its settings in one global `env`, read while it resolves a model's files,
// so loads run one at a time and each sets what it needs just before it starts.
let queue: Promise<unknown> = Promise.resolve();

function serialized<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work, work);
  queue = run.catch(() => undefined);
  return run;
}

function readJsonObject(file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${file}: must be a JSON object`);
  return value as Record<string, unknown>;
}

/**
 * Checks the folder before transformers.js sees it: the library answers a missing
 * tokenizer_config.json with an empty tokenizer and a missing tokenizer.json with a message about
 * remote loading, neither of which says what is wrong with the folder.
 */
export function checkTokenizerFolder(dir: string): { chatTemplateFile: string | null } {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder`);
  for (const name of ['tokenizer.json', 'tokenizer_config.json']) {
    if (!fs.existsSync(path.join(dir, name))) {
      throw new Error(`${dir} has no ${name}: the engine needs a fast (tokenizers) tokenizer, saved with tokenizer.json and tokenizer_config.json`);
    }
    readJsonObject(path.join(dir, name));
  }
  // transformers ≥ 4.50 may save the template beside tokenizer_config.json instead of inside it.
  const jinja = path.join(dir, 'chat_template.jinja');
  return { chatTemplateFile: fs.existsSync(jinja) ? jinja : null };
}

/**
 * Loads the tokenizer of the Hugging Face model folder `dir` (tokenizer.json and
 * tokenizer_config.json) with transformers.js's AutoTokenizer. Offline only: remote loading is off
 * and the files are read in place, so a missing file is an error here, never a download.
 */
// async, so a bad folder is a rejection like any other failure, never a synchronous throw.
export async function loadTokenizer(dir: string): Promise<Tokenizer> {
  const folder = path.resolve(dir);
  const { chatTemplateFile } = checkTokenizerFolder(folder);
  const chatTemplateConfig = readJsonObject(path.join(folder, 'tokenizer_config.json')).chat_template;
  const chatTemplate = chatTemplateConfig === undefined && chatTemplateFile ? fs.readFileSync(chatTemplateFile, 'utf8') : null;
  return await serialized(async () => {
    // Imported on first use: the library takes most of a second to load.
    const { AutoTokenizer, env } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    // Read the folder in place; nothing copied into (or served from) a cache beside the library.
    env.useFSCache = false;
    // An absolute path is not a hub model id, so the library reads it as a path, not under localModelPath.
    const inner = await AutoTokenizer.from_pretrained(folder, { local_files_only: true });
    return wrapTokenizer(inner, folder, chatTemplate);
  });
}
