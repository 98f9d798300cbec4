import fs from 'node:fs';
import path from 'node:path';
import { ApiFailure, conflict, notFound } from '../../../shared/api/errors';
import { ModelName } from '../../../shared/api/schemas/assist';

/** The files a feature-extraction model folder must hold, as transformers.js reads them. */
export const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'] as const;
/** Read when present (special tokens, weights stored beside the graph). */
export const OPTIONAL_FILES = ['special_tokens_map.json', 'onnx/model.onnx_data'] as const;

/** Written into each installed folder: where the model came from. */
const SOURCE_FILE = '.studio-source';
/** Folders that start with a dot are work in progress (downloads, imports), never models. */
export const PARTIAL_DIR = '.partial';

export interface InstalledModel {
  name: string;
  dir: string;
  source: string | null;
  bytes: number;
}

function invalid(field: string, message: string): ApiFailure {
  return new ApiFailure({ code: 'invalid_input', field, message });
}

/** The models folder of a data folder: `<dataDir>/models/embeddings`. */
export function embeddingModelsDir(dataDir: string): string {
  return path.join(dataDir, 'models', 'embeddings');
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

/** Which required files a folder lacks (relative paths), empty when it has them all. */
export function missingFiles(dir: string): string[] {
  return REQUIRED_FILES.filter((f) => !fs.statSync(path.join(dir, f), { throwIfNoEntry: false })?.isFile());
}

/** The installed models, by name; a folder missing a required file is not one. */
export function listInstalled(modelsDir: string): InstalledModel[] {
  if (!fs.existsSync(modelsDir)) return [];
  return fs
    .readdirSync(modelsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && ModelName.safeParse(e.name).success)
    .map((e) => path.join(modelsDir, e.name))
    .filter((dir) => missingFiles(dir).length === 0)
    .map((dir) => ({
      name: path.basename(dir),
      dir,
      source: fs.existsSync(path.join(dir, SOURCE_FILE)) ? fs.readFileSync(path.join(dir, SOURCE_FILE), 'utf8').trim() : null,
      bytes: folderBytes(dir),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function installedModel(modelsDir: string, name: string): InstalledModel {
  const model = listInstalled(modelsDir).find((m) => m.name === name);
  if (!model) throw notFound(`No embedding model named ${name} is installed.`);
  return model;
}

/** Refuses a folder that lacks a required file, saying which and what a model folder holds. */
export function checkModelFolder(dir: string, field = 'path'): void {
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) throw invalid(field, `${dir} is not a folder on this machine.`);
  const missing = missingFiles(dir);
  if (missing.length > 0) {
    const lacks = missing.length === REQUIRED_FILES.length ? '' : ` it has no ${missing.join(', ')}.`;
    throw invalid(
      field,
      `${dir} is not an embedding model folder:${lacks} A model folder holds ${REQUIRED_FILES.join(', ')}, as a Hugging Face repository with ONNX weights does (e.g. Xenova/all-MiniLM-L6-v2).`,
    );
  }
}

/** A folder name that is free: the target of an import or a download. */
export function claimName(modelsDir: string, name: string): string {
  const target = path.join(modelsDir, name);
  if (fs.existsSync(target)) throw conflict(`A model named ${name} is already installed; remove it first or pick another name.`);
  return target;
}

/** Copies the files a model needs (only those) from `from` into a staging folder; returns it. */
export function stageCopy(modelsDir: string, from: string, name: string): string {
  const staging = path.join(modelsDir, PARTIAL_DIR, `import-${name}-${process.pid}-${Date.now()}`);
  for (const relative of [...REQUIRED_FILES, ...OPTIONAL_FILES]) {
    const source = path.join(from, relative);
    if (!fs.existsSync(source)) continue;
    fs.mkdirSync(path.dirname(path.join(staging, relative)), { recursive: true });
    fs.copyFileSync(source, path.join(staging, relative));
  }
  return staging;
}

/** Moves a staged, checked folder into place under its name, recording its source. */
export function install(modelsDir: string, staging: string, name: string, source: string): InstalledModel {
  const target = claimName(modelsDir, name);
  fs.writeFileSync(path.join(staging, SOURCE_FILE), `${source}\n`);
  fs.renameSync(staging, target);
  return installedModel(modelsDir, name);
}

export function removeFolder(modelsDir: string, name: string): void {
  const model = installedModel(modelsDir, name);
  fs.rmSync(model.dir, { recursive: true, force: true });
}
