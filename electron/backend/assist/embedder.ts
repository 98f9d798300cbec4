import path from 'node:path';
import type { FeatureExtractionPipeline } from '@huggingface/transformers';

/** Turns texts into L2-normalized vectors, one model, loaded once. */
export interface Embedder {
  readonly dim: number;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

// transformers.js reads its settings from one global `env` when it resolves a model's files, so
// loads are queued one at a time and each sets the folder it loads from just before it starts.
let queue: Promise<unknown> = Promise.resolve();

function serialized<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work, work);
  queue = run.catch(() => undefined);
  return run;
}

/**
 * Loads the model folder `dir` (config.json, tokenizer.json, tokenizer_config.json,
 * onnx/model.onnx) with the feature-extraction pipeline on onnxruntime-node. Remote loading is
 * off: a missing file is an error here, never a download.
 */
export function loadEmbedder(dir: string): Promise<Embedder> {
  // The library looks a model id up under localModelPath; an id that starts with "." or "/" it
  // would take as a path of its own, so the folder's parent is the root and its name the id.
  const root = path.dirname(path.resolve(dir));
  const name = path.basename(dir);
  return serialized(async () => {
    // Imported on first use: the library takes most of a second to load, which app start need not pay.
    const { env, pipeline } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = root + path.sep;
    // Local files are read in place; nothing is copied into a cache beside the library.
    env.useFSCache = false;
    const extractor: FeatureExtractionPipeline = await pipeline('feature-extraction', name, { dtype: 'fp32', device: 'cpu' });
    const [probe] = await embedWith(extractor, ['dimension probe']);
    if (!probe || probe.length === 0) throw new Error('the model returned no vector');
    return {
      dim: probe.length,
      embed: (texts) => embedWith(extractor, texts),
      dispose: () => extractor.dispose(),
    };
  });
}

async function embedWith(extractor: FeatureExtractionPipeline, texts: readonly string[]): Promise<Float32Array[]> {
  if (texts.length === 0) return [];
  const output = await extractor([...texts], { pooling: 'mean', normalize: true });
  const [rows, dim] = output.dims as [number, number];
  const data = output.data as Float32Array;
  const vectors: Float32Array[] = [];
  // Copies: the tensor's buffer is reused by the next run.
  for (let r = 0; r < rows; r++) vectors.push(data.slice(r * dim, (r + 1) * dim));
  return vectors;
}
