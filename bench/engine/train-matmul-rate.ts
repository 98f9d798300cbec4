/**
 * The machine's float32 matrix-product rate as ONNX Runtime reaches it with the benchmark's thread
 * count: one MatMul of [n, n] × [n, n] run until `seconds` have passed, the best run giving the
 * rate. `bestMatmulRate` takes the best of 512, 1024 and 2048: which size runs fastest depends on
 * the caches (on the 2-core EPYC here 512³ did, ~5% above 1024³).
 */
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../../engine/graph/index';

export async function matmulRate(threads: number, n = 1024, seconds = 2): Promise<number> {
  const g = new GraphBuilder('matmul');
  const a = g.input('a', 'float', [n, n]);
  const b = g.input('b', 'float', [n, n]);
  g.output(g.matmul(a, b), 'c');
  const session = await ort.InferenceSession.create(g.encode(), { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
  const data = Float32Array.from({ length: n * n }, (_, i) => ((i * 2654435761) % 1000) / 1000 - 0.5);
  const feeds = { a: new ort.Tensor('float32', data, [n, n]), b: new ort.Tensor('float32', data, [n, n]) };
  await session.run(feeds);
  let best = Infinity;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const t = performance.now();
    await session.run(feeds);
    best = Math.min(best, performance.now() - t);
  }
  await session.release();
  return (2 * n * n * n) / (best / 1000);
}

export async function bestMatmulRate(threads: number, seconds = 1): Promise<number> {
  let best = 0;
  for (const n of [512, 1024, 2048]) best = Math.max(best, await matmulRate(threads, n, seconds));
  return best;
}
