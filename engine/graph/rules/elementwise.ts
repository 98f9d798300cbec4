/** Gradient rules of the elementwise ops: broadcasting binary arithmetic, unary math, Where, Cast. */
import type { Value } from '../builder';
import type { GradRule } from './rule';
import { io, only, unbroadcast } from './rule';

export const elementwiseRules: Record<string, GradRule> = {
  Add: (g, n, dys, need) => {
    const { x: a, b } = io(n);
    const dy = only(dys);
    return [need[0] ? unbroadcast(g, dy, a.shape) : undefined, need[1] ? unbroadcast(g, dy, b.shape) : undefined];
  },
  Sub: (g, n, dys, need) => {
    const { x: a, b } = io(n);
    const dy = only(dys);
    return [need[0] ? unbroadcast(g, dy, a.shape) : undefined, need[1] ? unbroadcast(g, g.neg(dy), b.shape) : undefined];
  },
  Mul: (g, n, dys, need) => {
    const { x: a, b } = io(n);
    const dy = only(dys);
    return [need[0] ? unbroadcast(g, g.mul(dy, b), a.shape) : undefined, need[1] ? unbroadcast(g, g.mul(dy, a), b.shape) : undefined];
  },
  Div: (g, n, dys, need) => {
    // d(a/b)/db = -a/b² = -y/b: reuses the forward's quotient instead of squaring b.
    const { x: a, b, y } = io(n);
    const dy = only(dys);
    return [
      need[0] ? unbroadcast(g, g.div(dy, b), a.shape) : undefined,
      need[1] ? unbroadcast(g, g.neg(g.mul(dy, g.div(y, b))), b.shape) : undefined,
    ];
  },
  Pow: (g, n, dys) => {
    const { x } = io(n);
    const dy = only(dys);
    const p = n.meta.exponent;
    if (typeof p !== 'number') throw new Error(`grad: Pow ${n.outputs[0]!.name} has a tensor exponent; only constant exponents (GraphBuilder.pow) have a gradient`);
    if (p === 1) return [dy];
    if (p === 2) return [g.mul(g.mul(dy, x), 2)];
    return [g.mul(dy, g.mul(g.pow(x, p - 1), p))];
  },
  Neg: (g, n, dys) => [g.neg(only(dys))],
  Identity: (_g, _n, dys) => [only(dys)],
  Sqrt: (g, n, dys) => [g.div(only(dys), g.mul(io(n).y, 2))],
  Reciprocal: (g, n, dys) => {
    const { y } = io(n);
    return [g.neg(g.mul(only(dys), g.mul(y, y)))];
  },
  Exp: (g, n, dys) => [g.mul(only(dys), io(n).y)],
  Log: (g, n, dys) => [g.div(only(dys), io(n).x)],
  Tanh: (g, n, dys) => {
    const { y } = io(n);
    return [g.mul(only(dys), g.sub(1, g.mul(y, y)))];
  },
  Sigmoid: (g, n, dys) => {
    const { y } = io(n);
    return [g.mul(only(dys), g.mul(y, g.sub(1, y)))];
  },
  Relu: (g, n, dys) => [g.where(g.greater(io(n).x, 0), only(dys), 0)],
  Where: (g, n, dys, need) => {
    const [cond, a, b] = n.inputs as readonly [Value, Value, Value];
    const dy = only(dys);
    return [
      undefined,
      need[1] ? unbroadcast(g, g.where(cond, dy, 0), a.shape) : undefined,
      need[2] ? unbroadcast(g, g.where(cond, 0, dy), b.shape) : undefined,
    ];
  },
  // The walk only asks for gradients of float inputs, so this is a cast between float types.
  Cast: (g, n, dys) => [g.cast(only(dys), io(n).x.dtype)],
};
