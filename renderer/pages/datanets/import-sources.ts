/**
 * What the user chose to import. The desktop app knows where files are on disk and the backend
 * reads them in place; a browser only holds File objects, which are uploaded first, each at its
 * path relative to what was dropped or picked (so a folder keeps its layout).
 */
export interface PickedFile {
  readonly file: File;
  /** Relative, `/`-separated: `photos/cat.jpg`. */
  readonly path: string;
}

export type ImportSelection =
  | { readonly kind: 'paths'; readonly paths: readonly string[] }
  | { readonly kind: 'files'; readonly files: readonly PickedFile[]; readonly skipped: number };

export const EMPTY_SELECTION: ImportSelection = { kind: 'files', files: [], skipped: 0 };

export function selectionSize(s: ImportSelection): number {
  return s.kind === 'paths' ? s.paths.length : s.files.length;
}

/** Hidden files (`.DS_Store`, `.git/…`): the import skips them inside folders, so they are not sent either. */
const hidden = (relative: string) => relative.split('/').some((part) => part.startsWith('.'));

/** Adds files to a selection; a path already taken gets " (2)" before its extension rather than replacing the first. */
export function addFiles(selection: ImportSelection, incoming: readonly PickedFile[]): ImportSelection {
  const base = selection.kind === 'files' ? selection : EMPTY_SELECTION;
  if (base.kind !== 'files') return base;
  const taken = new Set(base.files.map((f) => f.path));
  const files = [...base.files];
  let skipped = base.skipped;
  for (const picked of incoming) {
    if (hidden(picked.path)) {
      skipped++;
      continue;
    }
    let p = picked.path;
    for (let n = 2; taken.has(p); n++) p = picked.path.replace(/(\.[^./]*)?$/, (ext) => ` (${n})${ext}`);
    taken.add(p);
    files.push(p === picked.path ? picked : { file: picked.file, path: p });
  }
  return { kind: 'files', files, skipped };
}

export function addPaths(selection: ImportSelection, paths: readonly string[]): ImportSelection {
  const before = selection.kind === 'paths' ? selection.paths : [];
  return { kind: 'paths', paths: [...new Set([...before, ...paths])] };
}

/** `<input type=file>`: plain files by name, or with `webkitdirectory` by their path inside the picked folder. */
export function filesFromInput(list: FileList): PickedFile[] {
  return [...list].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
}

function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries hands out a folder's entries in batches (about 100) until it returns none.
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

async function* walkEntry(entry: FileSystemEntry): AsyncGenerator<PickedFile> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    yield { file, path: entry.fullPath.replace(/^\/+/, '') };
  } else if (entry.isDirectory) {
    for (const child of await readAllEntries((entry as FileSystemDirectoryEntry).createReader())) yield* walkEntry(child);
  }
}

/**
 * The files of a drop, folders walked to the bottom. The entries must be taken while the drop
 * event runs (the DataTransfer empties after it), so this is called synchronously from the
 * handler and only the walking is awaited.
 */
export function filesFromDrop(data: DataTransfer): Promise<PickedFile[]> {
  const entries: FileSystemEntry[] = [];
  const plain: File[] = [];
  for (const item of [...data.items]) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry();
    if (entry) entries.push(entry);
    else {
      // No entry (a DataTransfer built in script, some browsers): the file itself, without folders.
      const file = item.getAsFile();
      if (file) plain.push(file);
    }
  }
  return (async () => {
    const out: PickedFile[] = plain.map((file) => ({ file, path: file.name }));
    for (const entry of entries) for await (const picked of walkEntry(entry)) out.push(picked);
    return out;
  })();
}
