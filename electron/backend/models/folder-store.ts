import fs from 'node:fs';
import path from 'node:path';
import { ApiFailure, conflict, notFound } from '../../../shared/api/errors';
import { ModelName } from '../../../shared/api/schemas/assist';

/**
 * Installed model folders of one kind (embedding models, language models, adapters) under one
 * root: `<root>/<name>/`, each copied in whole through a staging folder under `<root>/.partial/`
 * and renamed into place, so a folder that is listed is complete.
 */

/**
 * A folder's files as a kind sees them: a folder on disk, or a hub repository's listing (whose
 * small files, such as a sharded checkpoint's index, are readable once downloaded).
 */
export interface FolderView {
  has(relative: string): boolean;
  /** The file's text, or null when it is not there (yet). */
  read(relative: string): string | null;
}

/** What tells a folder of this kind from any other. */
export interface FolderKind {
  /** For messages: "embedding model", "language model", "adapter". */
  noun: string;
  /** The files to copy from a folder (relative paths), and the required ones it lacks. */
  files(view: FolderView): { copy: string[]; missing: string[] };
  /** The error text for a folder that lacks files: what such a folder holds. */
  expected: string;
  /** Subfolders whose files `files` may name (a hub download lists these besides the top level). */
  folders?: readonly string[];
}

export interface InstalledFolder {
  name: string;
  dir: string;
  source: string | null;
  bytes: number;
}

/** Written into each installed folder: where it came from. */
const SOURCE_FILE = '.studio-source';
/** Folders that start with a dot are work in progress (downloads, imports), never installed ones. */
export const PARTIAL_DIR = '.partial';

const invalid = (field: string, message: string) => new ApiFailure({ code: 'invalid_input', field, message });

export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

/** Whether a relative path is a regular file inside dir. */
export const hasFile = (dir: string, relative: string) => fs.statSync(path.join(dir, relative), { throwIfNoEntry: false })?.isFile() ?? false;

/** A folder on disk as a FolderView. */
export function localView(dir: string): FolderView {
  return {
    has: (relative) => hasFile(dir, relative),
    read: (relative) => (hasFile(dir, relative) ? fs.readFileSync(path.join(dir, relative), 'utf8') : null),
  };
}

export class FolderStore {
  constructor(
    readonly root: string,
    readonly kind: FolderKind,
  ) {}

  get partialDir(): string {
    return path.join(this.root, PARTIAL_DIR);
  }

  /** The installed folders, by name; one that lacks a required file is not installed. */
  list(): InstalledFolder[] {
    if (!fs.existsSync(this.root)) return [];
    return fs
      .readdirSync(this.root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && ModelName.safeParse(e.name).success)
      .map((e) => path.join(this.root, e.name))
      .filter((dir) => this.kind.files(localView(dir)).missing.length === 0)
      .map((dir) => ({
        name: path.basename(dir),
        dir,
        source: fs.existsSync(path.join(dir, SOURCE_FILE)) ? fs.readFileSync(path.join(dir, SOURCE_FILE), 'utf8').trim() : null,
        bytes: folderBytes(dir),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): InstalledFolder {
    const found = this.list().find((m) => m.name === name);
    if (!found) throw notFound(`No ${this.kind.noun} named ${name} is installed.`);
    return found;
  }

  /** Refuses a folder that lacks a required file, saying which and what such a folder holds. */
  check(dir: string, field = 'path'): void {
    const stat = fs.statSync(dir, { throwIfNoEntry: false });
    if (!stat?.isDirectory()) throw invalid(field, `${dir} is not a folder on this machine.`);
    const { copy, missing } = this.kind.files(localView(dir));
    if (missing.length === 0) return;
    // A folder with none of the kind's files is another thing altogether: say what one holds.
    const lacks = copy.length === 0 ? '' : ` it has no ${missing.join(', ')}.`;
    throw invalid(field, `${dir} is not ${aNoun(this.kind.noun)} folder:${lacks} ${this.kind.expected}`);
  }

  /** The target folder of a name that is free and valid. */
  claim(name: string, field = 'name'): string {
    if (!ModelName.safeParse(name).success) throw invalid(field, `name ${JSON.stringify(name)} cannot be a folder name; give one of letters, digits, ".", "_" and "-"`);
    const target = path.join(this.root, name);
    if (fs.existsSync(target)) throw conflict(`${capitalized(aNoun(this.kind.noun))} named ${name} is already installed; remove it first, or import this one under another name.`);
    return target;
  }

  /** Copies the files the kind needs (only those) from `from` into a new staging folder; returns it. */
  stage(from: string, name: string): string {
    const staging = path.join(this.partialDir, `import-${name}-${process.pid}-${Date.now()}`);
    for (const relative of this.kind.files(localView(from)).copy) {
      fs.mkdirSync(path.dirname(path.join(staging, relative)), { recursive: true });
      fs.copyFileSync(path.join(from, relative), path.join(staging, relative));
    }
    return staging;
  }

  /** Moves a staged, checked folder into place under its name, recording its source. */
  install(staging: string, name: string, source: string): InstalledFolder {
    const target = this.claim(name);
    fs.writeFileSync(path.join(staging, SOURCE_FILE), `${source}\n`);
    fs.mkdirSync(this.root, { recursive: true });
    fs.renameSync(staging, target);
    return this.get(name);
  }

  /** check + claim + stage + `verify` (e.g. that it loads) + install; the staging folder never stays. */
  async importFolder(from: string, name: string, verify: (staging: string) => Promise<void> | void = () => {}): Promise<InstalledFolder> {
    const source = path.resolve(from);
    this.check(source);
    this.claim(name);
    const staging = this.stage(source, name);
    try {
      await verify(staging);
      return this.install(staging, name, source);
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }

  remove(name: string): void {
    fs.rmSync(this.get(name).dir, { recursive: true, force: true });
  }

  /** Drops the leftovers of imports cut short (downloads keep theirs, to resume). */
  clearInterruptedImports(): void {
    if (!fs.existsSync(this.partialDir)) return;
    for (const name of fs.readdirSync(this.partialDir)) if (name.startsWith('import-')) fs.rmSync(path.join(this.partialDir, name), { recursive: true, force: true });
  }
}

/** "an embedding model", "a model": the article a noun takes. */
function aNoun(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
