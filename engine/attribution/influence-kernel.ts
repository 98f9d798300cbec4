/**
 * The query arithmetic over a warm store in ONNX Runtime: per block, MatMuls of the stored
 * gradients [n, k] against the query (MLAS's vectorized, threaded GEMV), instead of JavaScript
 * loops. The passes are datainf.ts's (the specification, which the tests hold this to):
 *
 *   a = G v                       (TracIn's dot products at each checkpoint; DataInf's first pass)
 *   c = a / (λ + ‖g_i‖²),  w = Gᵀc,  b = G w      (DataInf's second and third, final checkpoint)
 *
 * and the scores are summed in float64 in JavaScript: TracIn Σ_c η_c a, DataInf
 * Σ_l (n a − b) / (n λ_l). The stored arrays are handed to ONNX Runtime as they are (a tensor over
 * the same memory), so a query copies nothing of the store.
 * bench/attribution-influence.ts measures it against PyTorch on the same file.
 */
import type * as OrtModule from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { GraphBuilder } from '../graph/index';
import { createSession, type CreateSessionOptions } from '../runtime/providers';
import type { GradientStore } from './store';

type Ort = typeof OrtModule;

function dotsGraph(): Uint8Array {
  const g = new GraphBuilder('influence_dots');
  const grads = g.input('g', 'float', ['N', 'K']);
  const v = g.input('v', 'float', ['K', 1]);
  g.output(g.matmul(grads, v), 'a');
  return g.encode();
}

function datainfGraph(): Uint8Array {
  const g = new GraphBuilder('influence_datainf');
  const grads = g.input('g', 'float', ['N', 'K']);
  const v = g.input('v', 'float', ['K', 1]);
  const sq = g.input('sq', 'float', ['N', 1]);
  const lambda = g.input('lambda', 'float', []);
  const a = g.matmul(grads, v);
  const c = g.div(a, g.add(sq, lambda));
  const w = g.matmul(g.transpose(c), grads);
  g.output(a, 'a');
  g.output(g.matmul(grads, g.transpose(w)), 'b');
  return g.encode();
}

export interface KernelScores {
  tracin: Float64Array;
  datainf: Float64Array;
}

export class InfluenceKernel {
  /** Per checkpoint, per block: ‖g_i‖² as float32 [n, 1] (the graph's type). */
  private readonly sq32 = new WeakMap<Float64Array, Float32Array>();

  private constructor(
    private readonly ort: Ort,
    private readonly dots: InferenceSession,
    private readonly datainf: InferenceSession,
  ) {}

  /** Threads: ONNX Runtime's intra-op threads for the MatMuls (default: createSession's). */
  static async open(options: CreateSessionOptions = {}): Promise<InfluenceKernel> {
    // The store lives in host memory: CPU kernels whatever provider the model's session uses.
    const dots = await createSession(dotsGraph(), { ...options, provider: 'cpu' });
    const datainf = await createSession(datainfGraph(), { ...options, provider: 'cpu' });
    return new InfluenceKernel(await import('onnxruntime-node'), dots, datainf);
  }

  /** TracIn over every checkpoint and DataInf at the last, for `query[c][l]`. */
  async scores(store: GradientStore, lambdas: Float64Array, query: readonly (readonly Float32Array[])[]): Promise<KernelScores> {
    const { Tensor } = this.ort;
    const n = store.size;
    const blocks = store.blocks;
    if (query.length !== store.checkpoints.length) throw new Error(`influence: ${query.length} query gradients for ${store.checkpoints.length} checkpoints`);
    const tracin = new Float64Array(n);
    const datainf = new Float64Array(n);
    const last = store.checkpoints.length - 1;
    for (let c = 0; c <= last; c++) {
      const grads = store.checkpoints[c]!;
      const weight = store.index.checkpoints[c]!.weight;
      for (let l = 0; l < blocks.length; l++) {
        const k = blocks[l]!.k;
        const v = query[c]![l]!;
        if (v.length !== k) throw new Error(`influence: the query's block ${blocks[l]!.name} has ${v.length} values, the store's ${k}`);
        const feeds = { g: new Tensor('float32', grads.values[l]!, [n, k]), v: new Tensor('float32', v, [k, 1]) };
        const lambda = lambdas[l]!;
        if (c === last && lambda > 0) {
          const out = await this.datainf.run({ ...feeds, sq: new Tensor('float32', this.squares(grads.squaredNorms[l]!), [n, 1]), lambda: new Tensor('float32', Float32Array.of(lambda), []) });
          const a = out.a!.data as Float32Array;
          const b = out.b!.data as Float32Array;
          const f = 1 / (n * lambda);
          for (let i = 0; i < n; i++) {
            tracin[i]! += weight * a[i]!;
            datainf[i]! += f * (n * a[i]! - b[i]!);
          }
        } else {
          const a = (await this.dots.run(feeds)).a!.data as Float32Array;
          for (let i = 0; i < n; i++) tracin[i]! += weight * a[i]!;
        }
      }
    }
    return { tracin, datainf };
  }

  private squares(sq: Float64Array): Float32Array {
    let out = this.sq32.get(sq);
    if (!out) this.sq32.set(sq, (out = Float32Array.from(sq)));
    return out;
  }

  async release(): Promise<void> {
    await this.dots.release();
    await this.datainf.release();
  }
}
