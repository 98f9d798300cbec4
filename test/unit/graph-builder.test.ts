import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, grad, toHalf } from '../../engine/graph/index';

const f32 = (values: number[], dims: number[]) => new ort.Tensor('float32', Float32Array.from(values), dims);

async function run(g: GraphBuilder, feeds: Record<string, ort.Tensor>): Promise<Record<string, number[]>> {
  const session = await ort.InferenceSession.create(g.encode());
  const out = await session.run(feeds);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Array.from(v.data as Float32Array)]));
}

describe('GraphBuilder shape inference', () => {
  it('names the op and the shapes when a build is wrong', () => {
    const g = new GraphBuilder();
    const a = g.input('a', 'float', [2, 3]);
    const b = g.input('b', 'float', [4, 5]);
    const s = g.input('s', 'float', ['B', 'T']);
    const t = g.input('t', 'float', ['T', 'B']);
    expect(() => g.matmul(a, b)).toThrow('MatMul: inner dimensions differ: [2, 3] x [4, 5]');
    expect(() => g.add(a, b)).toThrow('Add: shapes [2, 3] and [4, 5] do not broadcast (2 vs 4)');
    expect(() => g.add(s, t)).toThrow('Add: shapes [B, T] and [T, B] do not broadcast (B vs T)');
    expect(() => g.reshape(a, [4, -1])).toThrow('Reshape: cannot reshape [2, 3] to [4, -1]');
    expect(() => g.reshape(s, [6, 0])).toThrow('Reshape: cannot reshape [B, T] to [6, 0]');
    expect(() => g.squeeze(a, [0])).toThrow('Squeeze: axis 0 of [2, 3] is not 1');
    expect(() => g.concat([a, b], 0)).toThrow('Concat: shapes [2, 3], [4, 5] differ off axis 0');
    expect(() => g.softmax(a, 2)).toThrow('Softmax: axis 2 is out of range for rank 2');
    expect(() => g.transpose(a, [0, 0])).toThrow('Transpose');
    expect(() => g.input('a', 'float', [1])).toThrow('the name a is already used');
    expect(() => g.initializer('w', new Float32Array(5), [2, 3])).toThrow('initializer w: 5 values do not fill shape [2, 3]');
    expect(() => g.gather(a, b)).toThrow('Gather: indices b are float');
    expect(() => g.mul(a, g.input('i', 'int64', [2, 3]))).toThrow('Mul: operand types differ: a: float, i: int64');
  });

  it('infers shapes through symbolic dimensions', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float', ['B', 'T', 8]);
    const flat = g.reshape(x, [-1, 8]);
    expect(flat.shape).toEqual(['B*T', 8]);
    expect(g.reshape(x, [0, 0, 2, 4]).shape).toEqual(['B', 'T', 2, 4]);
    expect(g.reshape(g.reshape(x, [0, 0, 2, 4]), [0, 0, -1]).shape).toEqual(['B', 'T', 8]);
    expect(g.matmul(x, g.initializer('w', new Float32Array(24), [8, 3])).shape).toEqual(['B', 'T', 3]);
    expect(g.transpose(g.reshape(x, [0, 0, 2, 4]), [0, 2, 1, 3]).shape).toEqual(['B', 2, 'T', 4]);
    expect(g.concat([x, x], 1).shape).toEqual(['B', 'T+T', 8]);
    expect(g.slice(x, [0], [2 ** 53], [1]).shape).toEqual(['B', 'T', 8]);
    expect(g.slice(x, [2], [6], [2]).shape).toEqual(['B', 'T', 4]);
    expect(g.reduceMean(x, [-1]).shape).toEqual(['B', 'T', 1]);
    expect(g.reduceSum(x, [0, 1], false).shape).toEqual([8]);
    expect(g.gather(g.initializer('emb', new Float32Array(40), [10, 4]), g.input('ids', 'int64', ['B', 'T'])).shape).toEqual(['B', 'T', 4]);
  });

  it('builds a graph with a dynamic batch that ONNX Runtime runs at two batch sizes', async () => {
    const g = new GraphBuilder('linear');
    const x = g.input('x', 'float', ['batch', 3]);
    const w = g.initializer('w', Float32Array.from([1, 2, 3, 4, 5, 6]), [3, 2]);
    const b = g.initializer('b', Float32Array.from([0.5, -0.5]), [2]);
    g.output(g.relu(g.add(g.matmul(x, w), b)), 'y');
    const session = await ort.InferenceSession.create(g.encode());
    const one = await session.run({ x: f32([1, 0, -1], [1, 3]) });
    expect(Array.from(one.y!.data as Float32Array)).toEqual([0, 0]); // [1-5+0.5, 2-6-0.5] -> relu
    const two = await session.run({ x: f32([1, 1, 1, 0, 1, 0], [2, 3]) });
    expect(Array.from(two.y!.data as Float32Array)).toEqual([9.5, 11.5, 3.5, 3.5]);
  });

  it('stores fp16 initializers as half-precision bits', async () => {
    const g = new GraphBuilder('half');
    const w = g.initializer('w', Uint16Array.from([1, -2, 0.1, 65504], toHalf), [4], 'float16');
    g.output(g.cast(w, 'float'), 'y');
    const { y } = await run(g, {});
    expect(y).toEqual([1, -2, Math.fround(0.0999755859375), 65504]);
  });

  it('converts numbers to half precision with round-to-nearest-even', () => {
    expect([1, -2, 0.1, 65504, 65520, 2 ** -24, 2 ** -26, 1 + 2 ** -11, NaN].map(toHalf)).toEqual([
      0x3c00, 0xc000, 0x2e66, 0x7bff, 0x7c00, 0x0001, 0x0000, 0x3c00, 0x7e00,
    ]);
  });
});

describe('grad', () => {
  it('accumulates the gradient of a value used twice and names the outputs grad.<name>', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float', [3]);
    const loss = g.reduceSum(g.add(g.mul(x, x), x), undefined, false); // d/dx = 2x + 1
    const [dx] = grad(g, loss, [x]);
    expect(dx!.name).toBe('grad.x');
    const out = await run(g, { x: f32([1, -2, 0.5], [3]) });
    expect(out['grad.x']).toEqual([3, -3, 2]);
  });

  it('gives a zero gradient to a parameter the loss does not reach', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float', [2]);
    const unused = g.input('unused', 'float', [2, 2]);
    grad(g, g.reduceSum(g.exp(x), undefined, false), [x, unused]);
    const out = await run(g, { x: f32([0, 0], [2]), unused: f32([1, 2, 3, 4], [2, 2]) });
    expect(out['grad.x']).toEqual([1, 1]);
    expect(out['grad.unused']).toEqual([0, 0, 0, 0]);
  });

  it('does not differentiate through integer inputs and refuses one as wrt', async () => {
    const g = new GraphBuilder();
    const w = g.input('w', 'float', [4, 2]);
    const ids = g.input('ids', 'int64', [3]);
    const loss = g.reduceSum(g.mul(g.gather(w, ids), g.cast(g.unsqueeze(ids, [1]), 'float')), undefined, false);
    expect(() => grad(g, loss, [ids])).toThrow('grad: cannot differentiate with respect to ids, it is int64');
    grad(g, loss, [w]);
    const ids64 = new ort.Tensor('int64', BigInt64Array.from([1n, 3n, 1n]), [3]);
    const out = await run(g, { w: f32(new Array<number>(8).fill(0), [4, 2]), ids: ids64 });
    // Row 1 is picked twice with weight 1, row 3 once with weight 3.
    expect(out['grad.w']).toEqual([0, 0, 2, 2, 0, 0, 3, 3]);
  });

  it('names the op when it has no gradient rule, and refuses a non-scalar loss', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float', [2]);
    const padded = g.pad(x, [1, 0]);
    expect(() => grad(g, g.reduceSum(padded, undefined, false), [x])).toThrow(/grad: no gradient rule for Pad \(computing pad_\d+ from x, .*\), which lies between reducesum_\d+ and x/);
    expect(() => grad(g, padded, [x])).toThrow('grad: the loss pad_');
    expect(() => grad(g, padded, [x])).toThrow('must be a scalar, its shape is [3]');
  });
});
