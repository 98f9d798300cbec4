/**
 * The composite layers (built from primitive ops): forward values against plain TypeScript
 * references, and gradients against finite differences (tolerance: see graph-gradcheck.ts).
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { causalMask, crossEntropy, gelu, GraphBuilder, layerNorm, ropeTables, rmsNorm, rotary, silu } from '../../engine/graph/index';
import type { Value } from '../../engine/graph/index';
import { gradCheck } from './graph-gradcheck';

async function forward(build: (g: GraphBuilder) => void, feeds: Record<string, ort.Tensor> = {}): Promise<number[]> {
  const g = new GraphBuilder();
  build(g);
  const session = await ort.InferenceSession.create(g.encode());
  return Array.from((await session.run(feeds)).y!.data as Float32Array);
}

const xs = [-3, -1, -0.25, 0, 0.5, 2];

describe('composite layers: forward values', () => {
  it('gelu is GPT-2 gelu_new and silu is x·sigmoid(x)', async () => {
    const geluRef = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
    const y = await forward((g) => g.output(gelu(g, g.constant(Float32Array.from(xs), [6])), 'y'));
    y.forEach((v, i) => expect(v).toBeCloseTo(geluRef(xs[i]!), 6));
    const s = await forward((g) => g.output(silu(g, g.constant(Float32Array.from(xs), [6])), 'y'));
    s.forEach((v, i) => expect(v).toBeCloseTo(xs[i]! / (1 + Math.exp(-xs[i]!)), 6));
  });

  it('causalMask lets each query see itself and earlier keys only', async () => {
    const y = await forward(
      (g) => g.output(g.softmax(causalMask(g, g.input('s', 'float', ['T', 'T']))), 'y'),
      { s: new ort.Tensor('float32', new Float32Array(9), [3, 3]) },
    );
    const third = 1 / 3;
    expect(y.map((v) => Number(v.toFixed(6)))).toEqual([1, 0, 0, 0.5, 0.5, 0, third, third, third].map((v) => Number(v.toFixed(6))));
  });

  it('causalMask with a KV cache: 2 new queries over 3 keys see the past key and themselves', async () => {
    const y = await forward(
      (g) => g.output(g.softmax(causalMask(g, g.input('s', 'float', ['T', 'P+T']))), 'y'),
      { s: new ort.Tensor('float32', new Float32Array(6), [2, 3]) },
    );
    expect(y.map((v) => Number(v.toFixed(6)))).toEqual([0.5, 0.5, 0, 1 / 3, 1 / 3, 1 / 3].map((v) => Number(v.toFixed(6))));
  });

  it('crossEntropy is the mean negative log-likelihood over targets that are not ignored', async () => {
    const logits = [1, 2, 3, 0, 0, 0, -1, 0.5, 2];
    const targets = [2, -100, 0];
    const y = await forward(
      (g) => g.output(crossEntropy(g, g.input('l', 'float', [3, 3]), g.input('t', 'int64', [3])), 'y'),
      { l: new ort.Tensor('float32', Float32Array.from(logits), [3, 3]), t: new ort.Tensor('int64', BigInt64Array.from(targets, BigInt), [3]) },
    );
    const nll = (row: number[], t: number) => Math.log(row.reduce((a, v) => a + Math.exp(v), 0)) - row[t]!;
    expect(y[0]).toBeCloseTo((nll(logits.slice(0, 3), 2) + nll(logits.slice(6), 0)) / 2, 5);
  });

  it('ropeTables follows Hugging Face: cos/sin of position · theta^(-2i/d), the halves repeated', () => {
    const { cos, sin } = ropeTables(4, 3, 10000);
    // Position 2, pair i = 1: angle 2 · 10000^(-1/2) = 0.02.
    expect(cos[2 * 4 + 1]).toBeCloseTo(Math.cos(0.02), 7);
    expect(cos[2 * 4 + 3]).toBe(cos[2 * 4 + 1]);
    expect(sin[2 * 4 + 0]).toBeCloseTo(Math.sin(2), 6);
    expect(Array.from(cos.slice(0, 4))).toEqual([1, 1, 1, 1]);
  });
});

describe('composite layers: gradients against finite differences', () => {
  it('gelu', async () => {
    expect((await gradCheck((g, x) => gelu(g, x.x!), [{ name: 'x', shape: [2, 4], range: [-3, 3] }])).failures).toEqual([]);
  });

  it('silu', async () => {
    expect((await gradCheck((g, x) => silu(g, x.x!), [{ name: 'x', shape: [2, 4], range: [-3, 3] }])).failures).toEqual([]);
  });

  it('layerNorm (input, weight, bias)', async () => {
    const r = await gradCheck((g, x) => layerNorm(g, x.x!, x.w!, x.b!), [
      { name: 'x', shape: [2, 3, 5], range: [-2, 2] },
      { name: 'w', shape: [5] },
      { name: 'b', shape: [5] },
    ]);
    expect(r.failures, r.worst).toEqual([]);
  });

  it('rmsNorm (input, weight)', async () => {
    const r = await gradCheck((g, x) => rmsNorm(g, x.x!, x.w!), [
      { name: 'x', shape: [2, 3, 4], range: [-2, 2] },
      { name: 'w', shape: [4] },
    ]);
    expect(r.failures, r.worst).toEqual([]);
  });

  it('rotary on [B, H, T, D] with [T, D] tables', async () => {
    const { cos, sin } = ropeTables(4, 3);
    const r = await gradCheck((g, x) => rotary(g, x.x!, g.constant(cos, [3, 4]), g.constant(sin, [3, 4])), [{ name: 'x', shape: [1, 2, 3, 4] }]);
    expect(r.failures, r.worst).toEqual([]);
  });

  it('causal attention weights: softmax(mask(q·kᵀ))', async () => {
    const r = await gradCheck((g, x) => g.softmax(causalMask(g, g.matmul(x.q!, g.transpose(x.k!, [0, 2, 1])))), [
      { name: 'q', shape: [2, 3, 4] },
      { name: 'k', shape: [2, 3, 4] },
    ]);
    expect(r.failures, r.worst).toEqual([]);
  });

  it('a causal attention block with rotary embeddings and two heads (q, k, v projections)', async () => {
    const [T, D, H] = [3, 4, 2];
    const { cos, sin } = ropeTables(D / H, T);
    const r = await gradCheck(
      (g, x) => {
        const heads = (w: Value) => g.transpose(g.reshape(g.matmul(x.x!, w), [0, 0, H, D / H]), [0, 2, 1, 3]);
        const rope = (v: Value) => rotary(g, v, g.constant(cos, [T, D / H]), g.constant(sin, [T, D / H]));
        const scores = g.mul(g.matmul(rope(heads(x.wq!)), g.transpose(rope(heads(x.wk!)), [0, 1, 3, 2])), 1 / Math.sqrt(D / H));
        const attended = g.matmul(g.softmax(causalMask(g, scores)), heads(x.wv!));
        return g.reshape(g.transpose(attended, [0, 2, 1, 3]), [0, 0, D]);
      },
      [
        { name: 'x', shape: [2, T, D] },
        { name: 'wq', shape: [D, D] },
        { name: 'wk', shape: [D, D] },
        { name: 'wv', shape: [D, D] },
      ],
    );
    expect(r.failures, r.worst).toEqual([]);
  });

  it('crossEntropy with an ignored target, on [B, T, V] logits', async () => {
    const r = await gradCheck((g, x) => crossEntropy(g, x.l!, x.t!), [
      { name: 'l', shape: [2, 3, 5], range: [-2, 2] },
      { name: 't', shape: [2, 3], dtype: 'int64', data: [4, 0, -100, 2, 2, 1] },
    ]);
    expect(r.failures, r.worst).toEqual([]);
  });
});
