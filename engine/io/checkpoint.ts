import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import type { NativeArray } from './dtypes';
import { SafetensorsFile, type ReadAs } from './safetensors-file';
import type { TensorInfo } from './safetensors-header';

export const SINGLE_FILE = 'model.safetensors';
export const INDEX_FILE = 'model.safetensors.index.json';

export interface CheckpointTensor extends TensorInfo {
  /** The .safetensors file that holds it. */
  file: string;
}

/** The weights of a Hugging Face folder, one file or sharded, behind one interface. */
export interface Checkpoint {
  /** Tensor names, sorted. */
  readonly names: readonly string[];
  has(name: string): boolean;
  info(name: string): CheckpointTensor;
  read(name: string, as: 'f32'): Promise<Float32Array>;
  read(name: string, as: 'raw'): Promise<Uint8Array>;
  read(name: string, as: 'native'): Promise<NativeArray>;
  read(name: string, as: ReadAs): Promise<Float32Array | Uint8Array | NativeArray>;
  /** The file's __metadata__, or the index's "metadata" for a sharded checkpoint (values as strings). */
  readonly metadata: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

class FilesCheckpoint implements Checkpoint {
  readonly names: readonly string[];

  constructor(
    private readonly where: string,
    private readonly owner: Map<string, SafetensorsFile>,
    private readonly files: SafetensorsFile[],
    readonly metadata: Readonly<Record<string, string>>,
  ) {
    this.names = [...owner.keys()].sort();
  }

  has(name: string): boolean {
    return this.owner.has(name);
  }

  private fileOf(name: string): SafetensorsFile {
    const f = this.owner.get(name);
    if (!f) throw new Error(`${this.where}: no tensor named ${JSON.stringify(name)}`);
    return f;
  }

  info(name: string): CheckpointTensor {
    const f = this.fileOf(name);
    return { ...f.info(name), file: f.path };
  }

  read(name: string, as: 'f32'): Promise<Float32Array>;
  read(name: string, as: 'raw'): Promise<Uint8Array>;
  read(name: string, as: 'native'): Promise<NativeArray>;
  read(name: string, as: ReadAs): Promise<Float32Array | Uint8Array | NativeArray>;
  read(name: string, as: ReadAs): Promise<Float32Array | Uint8Array | NativeArray> {
    return this.fileOf(name).read(name, as);
  }

  async close(): Promise<void> {
    await Promise.all(this.files.map((f) => f.close()));
  }
}

async function openSingle(path: string): Promise<Checkpoint> {
  const file = await SafetensorsFile.open(path);
  return new FilesCheckpoint(path, new Map(file.names.map((n) => [n, file])), [file], file.metadata);
}

/** A shard name must stay inside the folder: an index is data, not a licence to read any file. */
function shardPath(dir: string, index: string, name: unknown, tensor: string): string {
  if (typeof name !== 'string' || name === '' || isAbsolute(name) || normalize(name).split(sep).includes('..')) {
    throw new Error(`${index}: weight_map[${JSON.stringify(tensor)}] is ${JSON.stringify(name)}, not a file name inside the folder`);
  }
  return join(dir, name);
}

async function openSharded(dir: string): Promise<Checkpoint> {
  const index = join(dir, INDEX_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(index, 'utf8'));
  } catch (e) {
    throw new Error(`${index}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  const weightMap = (parsed as { weight_map?: unknown } | null)?.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw new Error(`${index}: no "weight_map" object`);
  }
  const rawMeta = (parsed as { metadata?: unknown }).metadata;
  const metadata: Record<string, string> = {};
  if (typeof rawMeta === 'object' && rawMeta !== null) {
    for (const [k, v] of Object.entries(rawMeta)) metadata[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }

  const wanted = Object.entries(weightMap as Record<string, unknown>).map(([tensor, shard]) => ({
    tensor,
    path: shardPath(dir, index, shard, tensor),
  }));
  const files = new Map<string, SafetensorsFile>();
  const owner = new Map<string, SafetensorsFile>();
  try {
    for (const { tensor, path } of wanted) {
      let file = files.get(path);
      if (!file) {
        file = await SafetensorsFile.open(path);
        files.set(path, file);
      }
      if (!file.has(tensor)) {
        throw new Error(`${index}: weight_map puts ${JSON.stringify(tensor)} in ${path}, which has no such tensor`);
      }
      owner.set(tensor, file);
    }
  } catch (e) {
    await Promise.all([...files.values()].map((f) => f.close()));
    throw e;
  }
  return new FilesCheckpoint(index, owner, [...files.values()], metadata);
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/**
 * Opens a checkpoint: a .safetensors file, or a folder with model.safetensors or (sharded)
 * model.safetensors.index.json, the single file first when both exist, as transformers does.
 * Only headers are read.
 */
export async function openCheckpoint(path: string): Promise<Checkpoint> {
  if (await isFile(path)) return openSingle(path);
  if (await isFile(join(path, SINGLE_FILE))) return openSingle(join(path, SINGLE_FILE));
  if (await isFile(join(path, INDEX_FILE))) return openSharded(path);
  throw new Error(`${path}: neither a .safetensors file nor a folder with ${SINGLE_FILE} or ${INDEX_FILE}`);
}
