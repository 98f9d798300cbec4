/**
 * Static shape inference for the builder's ops. A dimension is a number or a symbolic name; a
 * symbolic product is written "B*T" so that a later Reshape can cancel its factors. Every failure
 * names the op and the shapes involved, so a wrong model fails when it is built, not when it runs.
 */
import type { Dim } from '../onnx/model';

export type Shape = readonly Dim[];

export const fmt = (s: Shape): string => `[${s.join(', ')}]`;

export class ShapeError extends Error {
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = 'ShapeError';
  }
}

/** An axis in [-rank, rank) made non-negative. */
export function normAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError(op, `axis ${axis} is out of range for rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

export function normAxes(op: string, axes: readonly number[], rank: number): number[] {
  const out = axes.map((a) => normAxis(op, a, rank));
  if (new Set(out).size !== out.length) throw new ShapeError(op, `axes ${fmt(axes)} repeat an axis`);
  return out;
}

/**
 * Numpy broadcasting. Two different symbolic names are refused rather than guessed: the model
 * builders name equal dimensions equally, and autodiff relies on knowing which axes broadcast.
 */
export function broadcast(op: string, ...shapes: Shape[]): Dim[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let d: Dim = 1;
    for (const s of shapes) {
      const e = s[s.length - rank + i] ?? 1;
      if (e === 1 || e === d) continue;
      if (d === 1) d = e;
      else throw new ShapeError(op, `shapes ${shapes.map(fmt).join(' and ')} do not broadcast (${d} vs ${e})`);
    }
    out.push(d);
  }
  return out;
}

/** Axes of `to` that `from` was broadcast along: leading extra axes, and axes where `from` has 1. */
export function broadcastAxes(from: Shape, to: Shape): { leading: number; axes: number[] } {
  const leading = to.length - from.length;
  const axes: number[] = [];
  for (let i = 0; i < to.length; i++) {
    if (i < leading) axes.push(i);
    else if (from[i - leading] === 1 && to[i] !== 1) axes.push(i);
  }
  return { leading, axes };
}

interface Factors {
  n: number;
  syms: string[];
}

function factorsOf(shape: Shape): Factors {
  const f: Factors = { n: 1, syms: [] };
  for (const d of shape) {
    if (typeof d === 'number') f.n *= d;
    else for (const part of d.split('*')) f.syms.push(part);
  }
  return f;
}

/** Reshape's output shape: 0 copies the input's dimension, -1 takes what is left (ONNX semantics, allowzero=0). */
export function reshapeShape(op: string, input: Shape, target: readonly number[]): Dim[] {
  const bad = () => new ShapeError(op, `cannot reshape ${fmt(input)} to ${fmt(target)}`);
  let infer = -1;
  const out: Dim[] = target.map((t, i) => {
    if (t === -1) {
      if (infer >= 0) throw new ShapeError(op, `target ${fmt(target)} has more than one -1`);
      infer = i;
      return -1;
    }
    if (t === 0) {
      const d = input[i];
      if (d === undefined) throw new ShapeError(op, `target ${fmt(target)} copies axis ${i} that ${fmt(input)} lacks`);
      return d;
    }
    if (!Number.isInteger(t) || t < 0) throw new ShapeError(op, `target ${fmt(target)} has an invalid size ${t}`);
    return t;
  });
  const have = factorsOf(input);
  const want = factorsOf(out.filter((_, i) => i !== infer));
  const left = [...have.syms];
  for (const s of want.syms) {
    const k = left.indexOf(s);
    if (k < 0) throw bad();
    left.splice(k, 1);
  }
  if (infer < 0) {
    if (left.length > 0 || have.n !== want.n) throw bad();
    return out;
  }
  if (want.n === 0 || have.n % want.n !== 0) throw bad();
  const n = have.n / want.n;
  out[infer] = left.length === 0 ? n : [...(n === 1 ? [] : [String(n)]), ...left].join('*');
  return out;
}

/** Sum of dimensions along a concatenated axis; symbolic parts are kept as "A+B". */
export function addDims(dims: readonly Dim[]): Dim {
  if (dims.every((d) => typeof d === 'number')) return dims.reduce<number>((a, d) => a + (d), 0);
  return dims.filter((d) => d !== 0).join('+');
}

/** Output size of one sliced axis; a symbolic axis gets a derived name unless the slice keeps all of it. */
export function sliceDim(dim: Dim, start: number, end: number, step: number): Dim {
  if (typeof dim === 'number') {
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    const s = step > 0 ? clamp(start < 0 ? start + dim : start, 0, dim) : clamp(start < 0 ? start + dim : start, -1, dim - 1);
    const e = step > 0 ? clamp(end < 0 ? end + dim : end, 0, dim) : clamp(end < 0 ? end + dim : end, -1, dim - 1);
    return Math.max(0, Math.ceil((e - s) / step));
  }
  if (start === 0 && step === 1 && end >= 2 ** 31 - 1) return dim;
  return `${dim}[${start}:${end}${step === 1 ? '' : `:${step}`}]`;
}
