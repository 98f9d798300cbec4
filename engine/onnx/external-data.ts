import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writeAll } from '../io/file-io';
import { DataTypeBytes, modelProto, type DataTypeName, type ExternalInitializer, type Graph, type Initializer, type ModelOptions } from './model';

/**
 * Saving a model whose weights may pass protobuf's 2 GiB limit: initializers of at least
 * `threshold` bytes go to one data file beside the model (ONNX external data), each at an
 * aligned offset; the rest stay inline. Weights are given as sources loaded one at a time and
 * written straight to the data file, so a large model is never held whole in memory, let alone
 * twice; the ModelProto itself is written piece by piece.
 *
 * ONNX Runtime finds the data file relative to the model file's folder, so such a model must be
 * opened from its path (InferenceSession.create(modelPath)); from bytes, ORT needs the
 * `externalData` session option (see test/integration/onnx-external-data.test.ts for what ORT
 * 1.30's Node binding does with each).
 */

/** A weight produced when the writer reaches it, e.g. read from a checkpoint and converted. */
export interface WeightSource {
  name: string;
  type: DataTypeName;
  dims: readonly number[];
  /** Little-endian bytes. Called once; the writer keeps no reference afterwards. */
  load(): Uint8Array | Promise<Uint8Array>;
}

export interface SaveModelOptions extends ModelOptions {
  /** The data file's name, in the model's folder (default: the model file's name + ".data"). */
  dataFile?: string;
  /** Initializers of at least this many bytes are external (default 1024, as onnx.save_model's size_threshold). */
  threshold?: number;
  /**
   * Offsets in the data file are multiples of this (default 4096, the page size onnx's own writer
   * aligns to, so a runtime may memory-map each tensor; Windows maps at 65536).
   */
  alignment?: number;
}

export interface SavedModel {
  modelPath: string;
  /** Absent when no initializer reached the threshold. */
  dataPath?: string;
  modelBytes: number;
  dataBytes: number;
  inlineCount: number;
  externalCount: number;
}

function checkSize(name: string, type: DataTypeName, dims: readonly number[], bytes: Uint8Array): void {
  const want = dims.reduce((a, d) => a * d, 1) * DataTypeBytes[type];
  if (bytes.length !== want) {
    throw new Error(`initializer ${name}: ${type} [${dims.join(', ')}] needs ${want} bytes, its source gave ${bytes.length}`);
  }
}

async function writeFileInPieces(path: string, pieces: readonly Uint8Array[]): Promise<void> {
  const fh = await open(path, 'w');
  try {
    for (const p of pieces) await writeAll(fh, p);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes `graph` (plus `weights`) to `modelPath` and, when needed, its external data file beside it. */
export async function saveModel(
  graph: Graph,
  modelPath: string,
  weights: readonly WeightSource[] = [],
  options: SaveModelOptions = {},
): Promise<SavedModel> {
  const threshold = options.threshold ?? 1024;
  const alignment = options.alignment ?? 4096;
  const dataFile = options.dataFile ?? `${basename(modelPath)}.data`;
  if (dataFile !== basename(dataFile) || dataFile === '.' || dataFile === '..') {
    // ORT refuses external data outside the model's folder, and onnx's checker does too.
    throw new Error(`saveModel: dataFile ${JSON.stringify(dataFile)} must be a plain file name in the model's folder`);
  }
  if (!Number.isInteger(alignment) || alignment < 1) throw new Error(`saveModel: alignment ${alignment} is not a positive integer`);
  const dataPath = join(dirname(modelPath), dataFile);
  const tmpData = `${dataPath}.${process.pid}.tmp`;
  const tmpModel = `${modelPath}.${process.pid}.tmp`;

  const inline: Initializer[] = [];
  const external: ExternalInitializer[] = [];
  let end = 0;
  const fh = await open(tmpData, 'w');
  try {
    const place = async (name: string, type: DataTypeName, dims: readonly number[], raw: Uint8Array) => {
      checkSize(name, type, dims, raw);
      if (raw.length < threshold) {
        inline.push({ name, type, dims, raw });
        return;
      }
      const offset = Math.ceil(end / alignment) * alignment;
      // The gap before an aligned offset is left as a hole: it reads back as zeros.
      await writeAll(fh, raw, offset);
      end = offset + raw.length;
      external.push({ name, type, dims, external: { location: dataFile, offset, length: raw.length } });
    };
    for (const t of graph.initializers ?? []) await place(t.name, t.type, t.dims, t.raw);
    for (const w of weights) await place(w.name, w.type, w.dims, await w.load());
    await fh.truncate(end);
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await rm(tmpData, { force: true });
    throw e;
  }
  await fh.close();

  try {
    const proto = modelProto(
      { ...graph, initializers: inline, externalInitializers: [...(graph.externalInitializers ?? []), ...external] },
      options,
    );
    await writeFileInPieces(tmpModel, proto.pieces());
    if (external.length > 0) await rename(tmpData, dataPath);
    else await rm(tmpData, { force: true });
    await rename(tmpModel, modelPath);
    return {
      modelPath,
      ...(external.length > 0 ? { dataPath } : {}),
      modelBytes: proto.byteLength,
      dataBytes: end,
      inlineCount: inline.length,
      externalCount: external.length,
    };
  } catch (e) {
    await rm(tmpData, { force: true });
    await rm(tmpModel, { force: true });
    throw e;
  }
}
