/**
 * Finite-difference gradient check through a real onnxruntime-node session (shared by the
 * graph-*.test.ts files and the autodiff integration tests).
 *
 * For f(x) = Σ op(x)·r with a fixed random r, the analytic gradient comes from the backward graph
 * that grad() emits; the numeric one from central differences (f(x+h) − f(x−h)) / (x₊ − x₋), where
 * op(x±h) is run by ORT in float32 and Σ·r is summed in float64 here. The step is applied in float32
 * and the actual step x₊ − x₋ is used, so what remains is ORT's float32 rounding of op(x)
 * (~6e-8·|op(x)|/h) and the O(h²) truncation (h²/6·f‴). h = 3e-3 balances the two: over every
 * case in graph-grad-rules.test.ts the largest |analytic − numeric| is 6.5e-5 (Reciprocal at
 * x = 0.5; run it with GRADCHECK_REPORT=1 to see each). The default tolerance
 * |analytic − numeric| ≤ 5e-4 + 1e-3·|numeric| leaves ~8× margin, while a wrong rule (a factor,
 * a sign, a transposition, a missed broadcast) misses by orders of magnitude; a sigmoid rule off by
 * 1% (σ(1.01 − σ)) already fails.
 */
import * as ort from 'onnxruntime-node';
import type { Dim } from '../../engine/onnx/model';
import { GraphBuilder, grad, type Value } from '../../engine/graph/index';

export interface CheckInput {
  name: string;
  /** The run-time shape fed to ORT. */
  shape: number[];
  /** The shape declared in the graph (symbolic names allowed); defaults to shape. */
  dims?: Dim[];
  dtype?: 'float' | 'int64';
  /** Fixed values; otherwise uniform in range (default [-1, 1]). */
  data?: number[];
  range?: [number, number];
  /** Differentiate with respect to this input (default: every float input). */
  diff?: boolean;
}

export interface CheckOptions {
  h?: number;
  atol?: number;
  rtol?: number;
  seed?: number;
}

export interface CheckResult {
  /** Largest |analytic − numeric| over every element of every checked input. */
  maxAbsError: number;
  worst: string;
  failures: string[];
}

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    // mulberry32: small, fast, and the same sequence everywhere.
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const size = (s: readonly number[]) => s.reduce((a, d) => a * d, 1);

function feedsFor(inputs: readonly CheckInput[], values: Map<string, Float64Array>): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const inp of inputs) {
    const v = values.get(inp.name)!;
    feeds[inp.name] = inp.dtype === 'int64' ? new ort.Tensor('int64', BigInt64Array.from(v, (x) => BigInt(x)), inp.shape) : new ort.Tensor('float32', Float32Array.from(v), inp.shape);
  }
  return feeds;
}

export async function gradCheck(
  build: (g: GraphBuilder, xs: Record<string, Value>) => Value,
  inputs: readonly CheckInput[],
  options: CheckOptions = {},
): Promise<CheckResult> {
  const { h = 3e-3, atol = 5e-4, rtol = 1e-3, seed = 1 } = options;
  const random = rng(seed);
  const values = new Map<string, Float64Array>();
  for (const inp of inputs) {
    const [lo, hi] = inp.range ?? [-1, 1];
    const data = inp.data ?? Array.from({ length: size(inp.shape) }, () => lo + (hi - lo) * random());
    if (data.length !== size(inp.shape)) throw new Error(`gradCheck: ${inp.name} has ${data.length} values for shape [${inp.shape.join(', ')}]`);
    values.set(inp.name, Float64Array.from(data, (x) => (inp.dtype === 'int64' ? x : Math.fround(x))));
  }
  const declare = (g: GraphBuilder) => Object.fromEntries(inputs.map((i) => [i.name, g.input(i.name, i.dtype ?? 'float', i.dims ?? i.shape)]));

  // Forward only first, to learn y's run-time shape (it may be symbolic in the graph).
  const fg = new GraphBuilder('forward');
  fg.output(build(fg, declare(fg)), 'y');
  const forward = await ort.InferenceSession.create(fg.encode());
  const y0 = (await forward.run(feedsFor(inputs, values))).y!;
  const rData = Float32Array.from({ length: y0.size }, () => 2 * random() - 1);

  const g = new GraphBuilder('gradcheck');
  const xs = declare(g);
  const y = build(g, xs);
  const r = g.input('r', 'float', y.shape);
  const f = g.reduceSum(g.mul(y, r), undefined, false);
  const wrt = inputs.filter((i) => (i.diff ?? (i.dtype ?? 'float') === 'float')).map((i) => xs[i.name]!);
  g.output(y, 'y');
  grad(g, f, wrt);
  const session = await ort.InferenceSession.create(g.encode());
  const rTensor = new ort.Tensor('float32', rData, y0.dims);
  const analytic = await session.run({ ...feedsFor(inputs, values), r: rTensor });

  const fAt = async (): Promise<number> => {
    const out = (await forward.run(feedsFor(inputs, values))).y!.data as Float32Array;
    let s = 0;
    for (let i = 0; i < out.length; i++) s += out[i]! * rData[i]!;
    return s;
  };

  const result: CheckResult = { maxAbsError: 0, worst: '', failures: [] };
  for (const w of wrt) {
    const x = values.get(w.name)!;
    const dx = analytic[`grad.${w.name}`]!.data as Float32Array;
    for (let i = 0; i < x.length; i++) {
      const orig = x[i]!;
      const plus = Math.fround(orig + h);
      const minus = Math.fround(orig - h);
      x[i] = plus;
      const fp = await fAt();
      x[i] = minus;
      const fm = await fAt();
      x[i] = orig;
      const numeric = (fp - fm) / (plus - minus);
      const err = Math.abs(dx[i]! - numeric);
      if (err > result.maxAbsError) {
        result.maxAbsError = err;
        result.worst = `${w.name}[${i}]: analytic ${dx[i]}, numeric ${numeric}`;
      }
      if (!(err <= atol + rtol * Math.abs(numeric))) result.failures.push(`${w.name}[${i}]: analytic ${dx[i]}, numeric ${numeric}`);
    }
  }
  return result;
}
