/**
 * Every gradient rule in GRAD_RULES against central finite differences, through a real ONNX
 * Runtime session, on shapes that exercise broadcasting (tolerance: see graph-gradcheck.ts).
 */
import { describe, expect, it } from 'vitest';
import { GRAD_RULES } from '../../engine/graph/index';
import { gradCheck, type CheckInput, type CheckOptions } from './graph-gradcheck';
import type { GraphBuilder, Value } from '../../engine/graph/index';

interface Case {
  op: string;
  label: string;
  build: (g: GraphBuilder, x: Record<string, Value>) => Value;
  inputs: CheckInput[];
  options?: CheckOptions;
}

const f = (name: string, shape: number[], extra: Partial<CheckInput> = {}): CheckInput => ({ name, shape, ...extra });
const positive: Partial<CheckInput> = { range: [0.5, 2] };
// Values at least 0.2 away from 0, where Relu's kink would spoil a finite difference.
const awayFromZero = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? 1 : -1) * (0.2 + ((i * 7) % 11) / 10));
// Multiples of 1/16: x and x ± 1/16 are exact in float16, so a float16 round trip is the identity there.
const sixteenths = (n: number) => Array.from({ length: n }, (_, i) => ((i * 5) % 17) / 16 - 0.5);

const cases: Case[] = [
  { op: 'Add', label: '[2,3,4] + [3,1]', build: (g, x) => g.add(x.a!, x.b!), inputs: [f('a', [2, 3, 4]), f('b', [3, 1])] },
  { op: 'Sub', label: '[2,1,4] - [3,4]', build: (g, x) => g.sub(x.a!, x.b!), inputs: [f('a', [2, 1, 4]), f('b', [3, 4])] },
  { op: 'Mul', label: '[2,3,4] * [4]', build: (g, x) => g.mul(x.a!, x.b!), inputs: [f('a', [2, 3, 4]), f('b', [4])] },
  { op: 'Div', label: '[3,4] / [2,1,4]', build: (g, x) => g.div(x.a!, x.b!), inputs: [f('a', [3, 4]), f('b', [2, 1, 4], positive)] },
  { op: 'Pow', label: 'x^3', build: (g, x) => g.pow(x.x!, 3), inputs: [f('x', [2, 3], positive)] },
  { op: 'Pow', label: 'x^2', build: (g, x) => g.pow(x.x!, 2), inputs: [f('x', [2, 3])] },
  { op: 'Pow', label: 'x^-0.5', build: (g, x) => g.pow(x.x!, -0.5), inputs: [f('x', [2, 3], positive)] },
  { op: 'Neg', label: 'neg', build: (g, x) => g.neg(x.x!), inputs: [f('x', [2, 3])] },
  { op: 'Identity', label: 'identity', build: (g, x) => g.identity(x.x!), inputs: [f('x', [2, 3])] },
  { op: 'Sqrt', label: 'sqrt', build: (g, x) => g.sqrt(x.x!), inputs: [f('x', [2, 3], positive)] },
  { op: 'Reciprocal', label: '1/x', build: (g, x) => g.reciprocal(x.x!), inputs: [f('x', [2, 3], positive)] },
  { op: 'Exp', label: 'exp', build: (g, x) => g.exp(x.x!), inputs: [f('x', [2, 3])] },
  { op: 'Log', label: 'log', build: (g, x) => g.log(x.x!), inputs: [f('x', [2, 3], positive)] },
  { op: 'Tanh', label: 'tanh', build: (g, x) => g.tanh(x.x!), inputs: [f('x', [2, 3], { range: [-2, 2] })] },
  { op: 'Sigmoid', label: 'sigmoid', build: (g, x) => g.sigmoid(x.x!), inputs: [f('x', [2, 3], { range: [-3, 3] })] },
  { op: 'Relu', label: 'relu', build: (g, x) => g.relu(x.x!), inputs: [f('x', [3, 4], { data: awayFromZero(12) })] },
  {
    op: 'Where',
    label: 'where([3,1], [3,4], [4])',
    build: (g, x) => g.where(g.greater(x.c!, 0), x.a!, x.b!),
    inputs: [f('c', [3, 1], { data: [1, -1, 1], diff: false }), f('a', [3, 4]), f('b', [4])],
  },
  {
    op: 'Cast',
    label: 'float -> float16 -> float',
    build: (g, x) => g.cast(g.mul(g.cast(x.x!, 'float16'), g.scalar(2, 'float16')), 'float'),
    inputs: [f('x', [2, 3], { data: sixteenths(6) })],
    options: { h: 1 / 16 },
  },
  { op: 'MatMul', label: '[2,3,4] x [4,5] (shared weight)', build: (g, x) => g.matmul(x.a!, x.b!), inputs: [f('a', [2, 3, 4]), f('b', [4, 5])] },
  { op: 'MatMul', label: '[2,1,3,4] x [3,4,2] (batch broadcast)', build: (g, x) => g.matmul(x.a!, x.b!), inputs: [f('a', [2, 1, 3, 4]), f('b', [3, 4, 2])] },
  { op: 'MatMul', label: '[3,4] x [2,4,5]', build: (g, x) => g.matmul(x.a!, x.b!), inputs: [f('a', [3, 4]), f('b', [2, 4, 5])] },
  { op: 'Softmax', label: 'last axis', build: (g, x) => g.softmax(x.x!), inputs: [f('x', [2, 5], { range: [-2, 2] })] },
  { op: 'Softmax', label: 'axis 0', build: (g, x) => g.softmax(x.x!, 0), inputs: [f('x', [3, 2], { range: [-2, 2] })] },
  { op: 'LogSoftmax', label: 'last axis', build: (g, x) => g.logSoftmax(x.x!), inputs: [f('x', [2, 5], { range: [-2, 2] })] },
  {
    op: 'LogSoftmax',
    label: 'picked by GatherElements (its cotangent a scatter-add into zeros), repeats',
    build: (g, x) => g.gatherElements(g.logSoftmax(x.x!, 1), x.idx!, 1),
    inputs: [f('x', [3, 5], { range: [-2, 2] }), f('idx', [3, 2], { dtype: 'int64', data: [1, 1, 0, 4, 2, 3] })],
  },
  { op: 'ReduceSum', label: 'axis 1, keepdims 0', build: (g, x) => g.reduceSum(x.x!, [1], false), inputs: [f('x', [2, 3, 4])] },
  { op: 'ReduceSum', label: 'all axes', build: (g, x) => g.reduceSum(x.x!, undefined, false), inputs: [f('x', [2, 3])] },
  { op: 'ReduceMean', label: 'axis -1, keepdims 1', build: (g, x) => g.reduceMean(x.x!, [-1]), inputs: [f('x', [2, 3, 4])] },
  {
    op: 'ReduceMean',
    label: 'symbolic axis B (count read at run time)',
    build: (g, x) => g.reduceMean(x.x!, [0], false),
    inputs: [f('x', [3, 4], { dims: ['B', 4] })],
  },
  { op: 'Reshape', label: '[2,3,4] -> [0,-1]', build: (g, x) => g.reshape(x.x!, [0, -1]), inputs: [f('x', [2, 3, 4])] },
  { op: 'Reshape', label: '[B,3,4] -> [-1,4]', build: (g, x) => g.reshape(x.x!, [-1, 4]), inputs: [f('x', [2, 3, 4], { dims: ['B', 3, 4] })] },
  { op: 'Transpose', label: 'perm [2,0,1]', build: (g, x) => g.transpose(x.x!, [2, 0, 1]), inputs: [f('x', [2, 3, 4])] },
  { op: 'Concat', label: '[2,3] ++ [2,2] on axis 1', build: (g, x) => g.concat([x.a!, x.b!], 1), inputs: [f('a', [2, 3]), f('b', [2, 2])] },
  { op: 'Split', label: '[2,5] -> [2,2],[2,3], second used', build: (g, x) => g.split(x.x!, [2, 3], 1)[1]!, inputs: [f('x', [2, 5])] },
  {
    op: 'Slice',
    label: 'rows 1:3, columns -4:end',
    build: (g, x) => g.slice(x.x!, [1, -4], [3, 1000], [0, 1]),
    inputs: [f('x', [3, 6])],
  },
  { op: 'Unsqueeze', label: 'axes [0,2]', build: (g, x) => g.unsqueeze(x.x!, [0, 2]), inputs: [f('x', [2, 3])] },
  { op: 'Squeeze', label: 'axis 1', build: (g, x) => g.squeeze(x.x!, [1]), inputs: [f('x', [2, 1, 3])] },
  { op: 'Expand', label: '[3,1] -> [2,3,4]', build: (g, x) => g.expand(x.x!, [2, 3, 4]), inputs: [f('x', [3, 1])] },
  {
    op: 'Gather',
    label: 'embedding [5,3] at [2,3] ids with repeats',
    build: (g, x) => g.gather(x.w!, x.ids!),
    inputs: [f('w', [5, 3]), f('ids', [2, 3], { dtype: 'int64', data: [0, 4, 4, 2, 0, 4] })],
  },
  {
    op: 'GatherElements',
    label: '[3,4] along axis 1 with repeats',
    build: (g, x) => g.gatherElements(x.x!, x.idx!, 1),
    inputs: [f('x', [3, 4]), f('idx', [3, 2], { dtype: 'int64', data: [1, 1, 0, 3, 2, 2] })],
  },
];

describe('gradient rules against finite differences (ONNX Runtime, float32)', () => {
  it.each(cases.map((c) => [`${c.op}: ${c.label}`, c] as const))('%s', async (_name, c) => {
    const result = await gradCheck(c.build, c.inputs, c.options);
    if (process.env.GRADCHECK_REPORT) console.log(`${c.op} ${c.label}: max abs error ${result.maxAbsError.toExponential(2)}`);
    expect(result.failures, `${c.op} (${c.label}) worst: ${result.worst}`).toEqual([]);
  });

  it('checks every op that has a gradient rule', () => {
    const tested = new Set(cases.map((c) => c.op));
    expect(Object.keys(GRAD_RULES).filter((op) => !tested.has(op))).toEqual([]);
  });
});
