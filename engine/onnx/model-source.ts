import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPSET, type GraphBuilder } from '../graph/builder';
import { saveModel } from './external-data';
import { PROTOBUF_LIMIT } from './model';

/**
 * What InferenceSession.create takes for a graph: its bytes when the ModelProto fits protobuf's
 * 2 GiB limit, else a model file with its weights in an external data file beside it (ORT finds
 * that file relative to the model's path, so such a model must be opened from its path). A 1–3B
 * model in float32 takes the second path; the tiny and benchmark models the first.
 */
export type ModelSource = { kind: 'bytes'; bytes: Uint8Array } | { kind: 'file'; path: string; dataBytes: number; dispose(): void };

/** Room left under the limit for the nodes and value infos that are not weights. */
const MARGIN = 64 * 2 ** 20;

export function initializerBytes(graph: GraphBuilder): number {
  return (graph.build().initializers ?? []).reduce((n, t) => n + t.raw.length, 0);
}

/**
 * Encodes `graph` in memory, or past `limit` bytes of weights saves it under `dir` (a new temp
 * folder by default; `dispose` removes what was written). Either way the weights are the
 * builder's arrays, written once, never joined into a second copy in memory.
 */
export async function modelSource(graph: GraphBuilder, options: { dir?: string; limit?: number } = {}): Promise<ModelSource> {
  const limit = options.limit ?? PROTOBUF_LIMIT - MARGIN;
  if (initializerBytes(graph) <= limit) return { kind: 'bytes', bytes: graph.encode() };
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'studio-model-'));
  const modelPath = join(dir, `${graph.name}.onnx`);
  const saved = await saveModel(graph.build(), modelPath, [], { opset: OPSET });
  return {
    kind: 'file',
    path: modelPath,
    dataBytes: saved.dataBytes,
    dispose: () => {
      if (options.dir) {
        rmSync(modelPath, { force: true });
        if (saved.dataPath) rmSync(saved.dataPath, { force: true });
      } else {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
