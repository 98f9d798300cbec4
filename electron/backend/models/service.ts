import fs from 'node:fs';
import path from 'node:path';
import { ApiFailure, conflict } from '../../../shared/api/errors';
import type { Adapter, AdapterLineage, LanguageModel } from '../../../shared/api/schemas/models';
import type { AttributionMethod } from '../../../shared/ledger/attribution-record';
import { adapterFolders, describeAdapter, loadAdapterFor, readAdapterInfo, writeAdapterInfo } from './adapters';
import { installTracinSnapshots } from './adapter-checkpoints';
import { makeFolder, MakeFolderError } from '../store/make-folder';
import { mergeAdapter } from '../../../engine/generate/merge-adapter';
import type { FolderStore } from './folder-store';
import { describeLanguageModel, languageModels } from './language-models';

/**
 * Base language models and the LoRA adapters trained on them, as folders in the data folder:
 * what `studio model …`, the Models page and training and inference read.
 */
export class ModelsService {
  readonly models: FolderStore;
  readonly adapters: FolderStore;
  /** dir → description, kept while the folder's size and time stay the same (describing opens the checkpoint and tokenizer). */
  private readonly described = new Map<string, { stamp: string; model: LanguageModel }>();

  constructor(dataDir: string) {
    this.models = languageModels(dataDir);
    this.adapters = adapterFolders(dataDir);
    this.models.clearInterruptedImports();
    this.adapters.clearInterruptedImports();
  }

  async listModels(): Promise<LanguageModel[]> {
    return Promise.all(this.models.list().map((m) => this.describeModel(m.name)));
  }

  async describeModel(name: string): Promise<LanguageModel> {
    const folder = this.models.get(name);
    const stamp = `${folder.bytes}:${fs.statSync(folder.dir).mtimeMs}`;
    const cached = this.described.get(folder.dir);
    if (cached?.stamp === stamp) return cached.model;
    const model = await describeLanguageModel(folder);
    this.described.set(folder.dir, { stamp, model });
    return model;
  }

  /** A base model's folder, for the engine. */
  modelDir(name: string): string {
    return this.models.get(name).dir;
  }

  async importModel(from: string, name = path.basename(path.resolve(from))): Promise<LanguageModel> {
    await this.models.importFolder(from, name, async (staging) => {
      await describeLanguageModel({ dir: staging, name, source: null, bytes: 0 });
    });
    return this.describeModel(name);
  }

  /** Installs a finished download's staging folder once the engine loads it (config, checkpoint, tokenizer). */
  async installStaged(staging: string, name: string, source: string): Promise<LanguageModel> {
    this.models.check(staging, 'repo');
    await describeLanguageModel({ dir: staging, name, source, bytes: 0 }, 'repo');
    this.models.install(staging, name, source);
    return this.describeModel(name);
  }

  /**
   * A new base model: the adapter merged into its base (W + (α/r)·B·A, as PEFT's merge_and_unload),
   * installed under `name`; it runs with no adapter, in this app or any tool that reads the folder.
   */
  async mergeAdapter(adapter: string, name: string): Promise<LanguageModel> {
    const dirs = this.adapterDirs(adapter);
    this.models.claim(name);
    const staging = path.join(this.models.partialDir, `import-merge-${name}-${process.pid}-${Date.now()}`);
    try {
      await mergeAdapter(dirs.base, await loadAdapterFor(dirs.adapter, dirs.base, 'name'), staging);
      const source = `merged:${dirs.baseName}+${adapter}`;
      await describeLanguageModel({ dir: staging, name, source, bytes: 0 }, 'name');
      this.models.install(staging, name, source);
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
    return this.describeModel(name);
  }

  async removeModel(name: string): Promise<LanguageModel[]> {
    this.models.get(name);
    const dependents = this.adapters.list().filter((a) => readAdapterInfo(a.dir)?.base === name);
    if (dependents.length > 0) throw conflict(`${dependents.length} adapter(s) are trained on ${name} (${dependents.map((a) => a.name).join(', ')}); remove or export them first.`);
    this.models.remove(name);
    return this.listModels();
  }

  async listAdapters(): Promise<Adapter[]> {
    const out: Adapter[] = [];
    for (const folder of this.adapters.list()) {
      const info = readAdapterInfo(folder.dir);
      // An adapter whose base is gone (removed by hand) is listed by its files alone, with no base check.
      if (!info || !this.models.list().some((m) => m.name === info.base)) continue;
      out.push(describeAdapter(folder, info, await loadAdapterFor(folder.dir, this.modelDir(info.base))));
    }
    return out;
  }

  async describeAdapter(name: string): Promise<Adapter> {
    const folder = this.adapters.get(name);
    const info = readAdapterInfo(folder.dir);
    if (!info) throw conflict(`Adapter ${name} does not say which base model it belongs to (its studio-adapter.json is missing); import it again with its base.`);
    return describeAdapter(folder, info, await loadAdapterFor(folder.dir, this.modelDir(info.base)));
  }

  /** An adapter's folder and its base's folder, for the engine. */
  adapterDirs(name: string): { adapter: string; base: string; baseName: string } {
    const folder = this.adapters.get(name);
    const info = readAdapterInfo(folder.dir);
    if (!info) throw conflict(`Adapter ${name} does not say which base model it belongs to; import it again with its base.`);
    return { adapter: folder.dir, base: this.modelDir(info.base), baseName: info.base };
  }

  /** Copies a PEFT folder in, after checking it fits the base model exactly (modules, shapes). */
  async importAdapter(from: string, base: string, name = path.basename(path.resolve(from))): Promise<Adapter> {
    const baseDir = this.modelDir(base);
    await this.adapters.importFolder(from, name, async (staging) => {
      await loadAdapterFor(staging, baseDir, 'path', path.resolve(from));
      writeAdapterInfo(staging, { base, lineage: readAdapterInfo(staging)?.lineage ?? null });
    });
    return this.describeAdapter(name);
  }

  /**
   * Installs a folder the trainer wrote (PEFT files), with its lineage and the TracIn snapshots
   * its run folder `runDir` kept (adapter-checkpoints.ts).
   */
  async installTrained(dir: string, name: string, base: string, lineage: AdapterLineage, runDir?: string): Promise<Adapter> {
    await this.adapters.importFolder(dir, name, async (staging) => {
      await loadAdapterFor(staging, this.modelDir(base), 'path', dir);
      writeAdapterInfo(staging, { base, lineage });
      if (runDir) installTracinSnapshots(runDir, staging);
    });
    return this.describeAdapter(name);
  }

  /** Writes the adapter's PEFT folder (and our lineage file) to `to`, which must not exist yet or be empty. */
  exportAdapter(name: string, to: string): { path: string; files: string[] } {
    const folder = this.adapters.get(name);
    const target = path.resolve(to);
    if (fs.existsSync(target) && fs.readdirSync(target).length > 0) throw conflict(`${target} is not empty; export into a new or empty folder.`);
    try {
      makeFolder(target);
    } catch (error) {
      // About the path the caller typed: that field's error (the dialog shows it under the field).
      if (error instanceof MakeFolderError) throw new ApiFailure({ code: 'invalid_input', field: 'path', message: error.message });
      throw error;
    }
    // Files only: the kept checkpoints (a folder) are this app's, not PEFT's.
    const files = fs.readdirSync(folder.dir, { withFileTypes: true }).flatMap((e) => (e.isFile() && !e.name.startsWith('.') ? [e.name] : []));
    for (const f of files) fs.copyFileSync(path.join(folder.dir, f), path.join(target, f));
    return { path: target, files };
  }

  /** Which method attributes the adapter's answers when a call names none. */
  async setAttributionMethod(name: string, method: AttributionMethod): Promise<Adapter> {
    const folder = this.adapters.get(name);
    const info = readAdapterInfo(folder.dir);
    if (!info) throw conflict(`Adapter ${name} does not say which base model it belongs to (its studio-adapter.json is missing); import it again with its base.`);
    writeAdapterInfo(folder.dir, { ...info, attributionMethod: method });
    return this.describeAdapter(name);
  }

  async removeAdapter(name: string): Promise<Adapter[]> {
    this.adapters.remove(name);
    return this.listAdapters();
  }
}
