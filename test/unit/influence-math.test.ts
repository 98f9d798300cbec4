/**
 * The arithmetic of influence attribution on stores of random gradients written and read through
 * the real store format: DataInf against its formula term by term and against the exact inverse
 * where the two must agree, TracIn across checkpoints, the exact solver in both of its spaces, the
 * f16 store's error, top-k, and damaged stores.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { datainfLambdas, datainfScores, datainfSelfInfluence } from '../../engine/attribution/datainf';
import { exactInfluence, inverseFisherProduct } from '../../engine/attribution/influence-exact';
import { topIndices } from '../../engine/attribution/influence';
import { InfluenceKernel } from '../../engine/attribution/influence-kernel';
import type { BlockSpec } from '../../engine/attribution/projection';
import { GradientStore } from '../../engine/attribution/store';
import { GRADIENTS_FILE } from '../../engine/attribution/store-format';
import { StoreWriter } from '../../engine/attribution/store-write';
import { tracinScores, tracinSelfInfluence } from '../../engine/attribution/tracin';
import { Prng } from '../../engine/train/prng';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'influence-math-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function block(name: string, k: number): BlockSpec {
  return { name, module: name, kind: 'A', shape: [1, k], dim: k, sideDims: null, k };
}

function gaussian(rng: Prng, n: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => {
    const u = 1 - rng.nextFloat();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat()) * scale;
  });
}

let counter = 0;
/** A store of random gradients: values[c][l] is [n, k_l]; rows get different magnitudes. */
async function randomStore(n: number, blocks: BlockSpec[], checkpoints: number, dtype: 'f16' | 'f32', seed: number) {
  const rng = new Prng(seed);
  const values = Array.from({ length: checkpoints }, () =>
    blocks.map((b) => {
      const v = gaussian(rng, n * b.k);
      // Magnitudes spread over six orders, as gradients of well and badly fit examples are.
      for (let i = 0; i < n; i++) {
        const s = 10 ** (-6 + 6 * rng.nextFloat());
        for (let j = 0; j < b.k; j++) v[i * b.k + j]! *= s;
      }
      return v;
    }),
  );
  const dir = path.join(root, `store-${counter++}`);
  const writer = await StoreWriter.create(dir, { n, blocks, checkpoints, dtype });
  for (let c = 0; c < checkpoints; c++) {
    // Two batches, to cover writes at an offset.
    const half = Math.floor(n / 2);
    for (const [start, end] of [[0, half], [half, n]] as const) {
      await writer.write(
        c,
        start,
        blocks.map((b, l) => values[c]![l]!.slice(start * b.k, end * b.k)),
        blocks.map((b, l) => Float32Array.from({ length: end - start }, (_, i) => values[c]![l]!.subarray((start + i) * b.k, (start + i + 1) * b.k).reduce((s, x) => s + x * x, 0))),
      );
    }
  }
  await writer.finish({
    modelType: 'gpt2',
    lora: { r: 1, alpha: 1, targetModules: ['c_attn'] },
    projection: null,
    checkpoints: Array.from({ length: checkpoints }, (_, c) => ({ adapter: null, label: `c${c}`, step: c + 1, weight: 0.5 + c })),
    examples: Array.from({ length: n }, (_, i) => ({ id: `e${i}`, sourceIds: [`r${i % 3}`], targets: 1 })),
    meta: {},
  });
  return { dir, values, store: await GradientStore.open(dir) };
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
const row = (v: Float32Array, k: number, i: number) => v.subarray(i * k, (i + 1) * k);

describe('DataInf', () => {
  it('computes Kwon et al.’s closed form, term by term', async () => {
    const blocks = [block('a', 7), block('b', 12)];
    const { store } = await randomStore(9, blocks, 1, 'f32', 1);
    const rng = new Prng(2);
    const query = blocks.map((b) => gaussian(rng, b.k, 1e-3));
    const lambdas = datainfLambdas(store.final, blocks, { damping: 'entry', lambdaScale: 0.1 });
    const scores = datainfScores(store.final, blocks, lambdas, query);
    const n = store.size;
    for (let k = 0; k < n; k++) {
      let expected = 0;
      blocks.forEach((b, l) => {
        const g = store.final.values[l]!;
        const lam = lambdas[l]!;
        for (let i = 0; i < n; i++) {
          const gi = row(g, b.k, i);
          // −I = (1/(nλ)) Σ_i (vᵀg_k − (vᵀg_i)(g_iᵀg_k)/(λ + ‖g_i‖²))
          expected += (dot(query[l]!, row(g, b.k, k)) - (dot(query[l]!, gi) * dot(gi, row(g, b.k, k))) / (lam + dot(gi, gi))) / (n * lam);
        }
      });
      expect(Math.abs(scores[k]! - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected) + 1e-300);
    }
  });

  it('sets λ_l from the mean squared norm (norm) or the mean squared entry (entry, the paper’s)', async () => {
    const blocks = [block('a', 4), block('b', 10)];
    const { store } = await randomStore(5, blocks, 1, 'f32', 3);
    blocks.forEach((b, l) => {
      const mean = store.final.squaredNorms[l]!.reduce((s, x) => s + x, 0) / 5;
      expect(datainfLambdas(store.final, blocks)[l]).toBeCloseTo(mean, 15);
      expect(datainfLambdas(store.final, blocks, { damping: 'entry', lambdaScale: 0.1 })[l]).toBeCloseTo((0.1 * mean) / b.k, 18);
    });
    expect(() => datainfLambdas(store.final, blocks, { lambdaScale: 0 })).toThrow(/lambdaScale/);
  });

  it('equals the exact inverse when there is one training example (the swap is then exact)', async () => {
    const blocks = [block('a', 6), block('b', 3)];
    const { store } = await randomStore(1, blocks, 1, 'f32', 4);
    const rng = new Prng(5);
    const query = blocks.map((b) => gaussian(rng, b.k));
    const lambdas = datainfLambdas(store.final, blocks, { damping: 'entry', lambdaScale: 0.1 });
    const exact = exactInfluence({ values: store.final.values, dims: blocks.map((b) => b.k) }, 1, lambdas, query, true);
    const approx = datainfScores(store.final, blocks, lambdas, query);
    expect(Math.abs(approx[0]! - exact[0]!)).toBeLessThan(1e-8 * Math.abs(exact[0]!));
  });

  it('self-influence is each example’s own score as a query', async () => {
    const blocks = [block('a', 5), block('b', 8)];
    const { store } = await randomStore(6, blocks, 1, 'f32', 6);
    const lambdas = datainfLambdas(store.final, blocks);
    const self = datainfSelfInfluence(store.final, blocks, lambdas);
    for (let k = 0; k < 6; k++) {
      const asQuery = datainfScores(store.final, blocks, lambdas, blocks.map((b, l) => row(store.final.values[l]!, b.k, k)));
      expect(self[k]).toBeCloseTo(asQuery[k]!, 10);
    }
  });
});

describe('TracIn', () => {
  it('sums the learning-rate-weighted dot products over checkpoints', async () => {
    const blocks = [block('a', 5), block('b', 4)];
    const { store, values } = await randomStore(7, blocks, 2, 'f32', 7);
    const rng = new Prng(8);
    const query = [0, 1].map(() => blocks.map((b) => gaussian(rng, b.k)));
    const { scores } = tracinScores(store, query);
    const self = tracinSelfInfluence(store);
    for (let i = 0; i < 7; i++) {
      let expected = 0;
      let expectedSelf = 0;
      [0.5, 1.5].forEach((w, c) =>
        blocks.forEach((b, l) => {
          // The f32 store's values: the original divided by its RMS and multiplied back (±1 ulp).
          const g = row(store.checkpoints[c]!.values[l]!, b.k, i);
          expect(Math.abs(dot(g, g) / dot(row(values[c]![l]!, b.k, i), row(values[c]![l]!, b.k, i)) - 1)).toBeLessThan(1e-6);
          expected += w * dot(query[c]![l]!, g);
          expectedSelf += w * dot(row(values[c]![l]!, b.k, i), row(values[c]![l]!, b.k, i));
        }),
      );
      expect(scores[i]).toBeCloseTo(expected, 10);
      expect(self[i]! / expectedSelf).toBeCloseTo(1, 6);
    }
    expect(() => tracinScores(store, [query[0]!])).toThrow(/2 checkpoints/);
  });
});

describe('the ONNX Runtime kernel', () => {
  it('computes what datainf.ts and tracin.ts compute, to float32 rounding', async () => {
    const blocks = [block('a', 16), block('b', 40), block('c', 3)];
    const { store } = await randomStore(50, blocks, 2, 'f16', 14);
    const rng = new Prng(15);
    const query = [0, 1].map(() => blocks.map((b) => gaussian(rng, b.k)));
    const lambdas = datainfLambdas(store.final, blocks);
    const kernel = await InfluenceKernel.open({ threads: 1 });
    try {
      const got = await kernel.scores(store, lambdas, query);
      const tracin = tracinScores(store, query).scores;
      const datainf = datainfScores(store.final, blocks, lambdas, query[1]!);
      const close = (a: Float64Array, b: Float64Array) => {
        const scale = Math.max(...b.map(Math.abs));
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-5 * scale);
      };
      close(got.tracin, tracin);
      close(got.datainf, datainf);
      await expect(kernel.scores(store, lambdas, [query[0]!])).rejects.toThrow(/2 checkpoints/);
    } finally {
      await kernel.release();
    }
  });
});

describe('the gradient store', () => {
  it('keeps f16 values within 2^-11 of each row’s RMS, whatever the row’s magnitude', async () => {
    const blocks = [block('a', 16)];
    const { store, values } = await randomStore(20, blocks, 1, 'f16', 9);
    const got = store.final.values[0]!;
    const want = values[0]![0]!;
    for (let i = 0; i < 20; i++) {
      const r = row(want, 16, i);
      const rms = Math.sqrt(dot(r, r) / 16);
      for (let j = 0; j < 16; j++) expect(Math.abs(got[i * 16 + j]! - r[j]!)).toBeLessThanOrEqual(rms * 2 ** -11 * Math.max(1, Math.abs(r[j]!) / rms) + rms * 2 ** -24);
      // The exact norms are kept in f32.
      expect(store.final.exactSquaredNorms[0]![i]! / dot(r, r)).toBeCloseTo(1, 6);
    }
    // Store size: 20 × 16 f16 values, then 20 scales and 20 norms (8-byte aligned).
    expect(fs.statSync(path.join(store.dir, GRADIENTS_FILE)).size).toBe(640 + 80 + 80);
  });

  it('refuses a damaged store with a message that says so', async () => {
    const { dir } = await randomStore(4, [block('a', 3)], 1, 'f16', 10);
    fs.truncateSync(path.join(dir, GRADIENTS_FILE), 10);
    await expect(GradientStore.open(dir)).rejects.toThrow(/damaged/);
    await expect(GradientStore.open(path.join(root, 'nothing-here'))).rejects.toThrow(/no gradient store/);
  });

  it('does not overwrite a store unless asked', async () => {
    const { dir } = await randomStore(2, [block('a', 3)], 1, 'f32', 11);
    await expect(StoreWriter.create(dir, { n: 2, blocks: [block('a', 3)], checkpoints: 1, dtype: 'f32' })).rejects.toThrow(/already exists/);
  });
});

describe('the exact solver', () => {
  it('gives (XᵀX/n + Λ)⁻¹v in the parameters’ space and through Woodbury alike', () => {
    const rng = new Prng(12);
    for (const [n, d] of [[12, 5], [5, 12]] as const) {
      const x = Float64Array.from(gaussian(rng, n * d));
      const damping = Float64Array.from({ length: d }, () => 0.1 + rng.nextFloat());
      const v = Float64Array.from(gaussian(rng, d));
      const u = inverseFisherProduct(x, n, d, damping, v);
      // Check (XᵀX/n + Λ)u = v directly.
      for (let p = 0; p < d; p++) {
        let s = damping[p]! * u[p]!;
        for (let i = 0; i < n; i++) {
          let xi = 0;
          for (let q = 0; q < d; q++) xi += x[i * d + q]! * u[q]!;
          s += (x[i * d + p]! * xi) / n;
        }
        expect(s).toBeCloseTo(v[p]!, 9);
      }
    }
  });
});

describe('topIndices', () => {
  it('returns the k largest, largest first, ties by index, NaN left out', () => {
    expect(topIndices([1, 5, 3, 5, Number.NaN, 4], 3)).toEqual([1, 3, 5]);
    expect(topIndices([2, 1], 5)).toEqual([0, 1]);
    expect(topIndices([2, 1], 0)).toEqual([]);
    const rng = new Prng(13);
    const xs = Array.from({ length: 500 }, () => rng.nextInt(50));
    const sorted = xs.map((x, i) => ({ x, i })).sort((a, b) => b.x - a.x || a.i - b.i).map((e) => e.i);
    expect(topIndices(xs, 20)).toEqual(sorted.slice(0, 20));
  });
});
