/**
 * End to end: a 2-layer MLP with cross-entropy (an ignored target included), its parameters'
 * gradients from the emitted backward graph checked against finite differences, its loss against
 * a plain TypeScript forward pass, and a few SGD steps on those gradients lowering the loss.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { crossEntropy, grad, GraphBuilder, linear, type Value } from '../../engine/graph/index';
import { gradCheck, rng } from '../unit/graph-gradcheck';

const N = 5, D = 4, H = 6, C = 3;
const TARGETS = [0, 2, -100, 1, 2];

function mlp(g: GraphBuilder, p: Record<string, Value>): Value {
  const hidden = g.tanh(linear(g, p.x!, p.w1!, p.b1));
  return crossEntropy(g, linear(g, hidden, p.w2!, p.b2), p.t!);
}

const shapes: Record<string, number[]> = { x: [N, D], w1: [D, H], b1: [H], w2: [H, C], b2: [C] };

function referenceLoss(p: Record<string, Float32Array>): number {
  let total = 0, count = 0;
  for (let n = 0; n < N; n++) {
    const hidden = Array.from({ length: H }, (_, j) => {
      let s = p.b1![j]!;
      for (let d = 0; d < D; d++) s += p.x![n * D + d]! * p.w1![d * H + j]!;
      return Math.tanh(s);
    });
    const logits = Array.from({ length: C }, (_, c) => hidden.reduce((s, h, j) => s + h * p.w2![j * C + c]!, p.b2![c]!));
    const t = TARGETS[n]!;
    if (t === -100) continue;
    total += Math.log(logits.reduce((s, l) => s + Math.exp(l), 0)) - logits[t]!;
    count++;
  }
  return total / count;
}

describe('autodiff end to end: 2-layer MLP + cross-entropy', () => {
  it('gives every parameter the finite-difference gradient', async () => {
    const result = await gradCheck(mlp, [
      ...Object.entries(shapes).map(([name, shape]) => ({ name, shape, diff: name !== 'x' })),
      { name: 't', shape: [N], dtype: 'int64' as const, data: TARGETS },
    ]);
    expect(result.failures, result.worst).toEqual([]);
  });

  it('matches a TypeScript forward pass and lowers the loss with SGD on its gradients', async () => {
    const g = new GraphBuilder('mlp');
    const p: Record<string, Value> = Object.fromEntries(Object.entries(shapes).map(([name, shape]) => [name, g.input(name, 'float', name === 'x' ? ['N', D] : shape)]));
    p.t = g.input('t', 'int64', ['N']);
    const loss = g.output(mlp(g, p), 'loss');
    const params = ['w1', 'b1', 'w2', 'b2'];
    grad(g, loss, params.map((k) => p[k]!));
    const session = await ort.InferenceSession.create(g.encode());

    const random = rng(7);
    const values: Record<string, Float32Array> = Object.fromEntries(
      Object.entries(shapes).map(([name, shape]) => [name, Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * random() - 1)]),
    );
    const step = async () => {
      const feeds: Record<string, ort.Tensor> = { t: new ort.Tensor('int64', BigInt64Array.from(TARGETS, BigInt), [N]) };
      for (const [name, shape] of Object.entries(shapes)) feeds[name] = new ort.Tensor('float32', values[name]!, shape);
      return session.run(feeds);
    };

    const first = await step();
    const firstLoss = (first.loss!.data as Float32Array)[0]!;
    expect(firstLoss).toBeCloseTo(referenceLoss(values), 5);
    let out = first;
    for (let i = 0; i < 50; i++) {
      for (const k of params) {
        const dw = out[`grad.${k}`]!.data as Float32Array;
        values[k] = values[k]!.map((v, j) => v - 0.5 * dw[j]!);
      }
      out = await step();
    }
    const lastLoss = (out.loss!.data as Float32Array)[0]!;
    expect(lastLoss).toBeCloseTo(referenceLoss(values), 5);
    expect(lastLoss).toBeLessThan(firstLoss * 0.2);
  });
});
