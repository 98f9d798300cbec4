/** Gradient rules of the ops that move elements without arithmetic: each routes the cotangent back. */
import { fmt } from '../shape';
import type { GradRule } from './rule';
import { io, only, unbroadcast } from './rule';

function numericAlong(op: string, dims: readonly (number | string)[], what: string): number[] {
  return dims.map((d) => {
    if (typeof d !== 'number') throw new Error(`grad: ${op} needs a numeric size along its axis (${what} has ${d})`);
    return d;
  });
}

export const shapeRules: Record<string, GradRule> = {
  Reshape: (g, n, dys) => [g.reshapeLike(only(dys), io(n).x)],
  Transpose: (g, n, dys) => {
    const perm = n.attributes.perm as readonly number[];
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return [g.transpose(only(dys), inverse)];
  },
  Concat: (g, n, dys) => {
    const axis = n.meta.axis as number;
    const sizes = numericAlong('Concat', n.inputs.map((v) => v.shape[axis]!), `inputs ${n.inputs.map((v) => fmt(v.shape)).join(', ')}`);
    return g.split(only(dys), sizes, axis);
  },
  Split: (g, n, dys) => {
    const axis = n.attributes.axis as number;
    return [g.concat(n.outputs.map((o, i) => dys[i] ?? g.zerosLike(o)), axis)];
  },
  Slice: (g, n, dys) => {
    const { x } = io(n);
    const { starts, ends, axes, steps } = n.meta as { starts: number[]; ends: number[]; axes: number[]; steps: number[] };
    const rank = x.shape.length;
    const pads = new Array<number>(2 * rank).fill(0);
    axes.forEach((a, i) => {
      if (steps[i] !== 1) throw new Error(`grad: Slice of ${x.name} with step ${steps[i]} has no gradient rule (only step 1)`);
      const [d] = numericAlong('Slice', [x.shape[a]!], `axis ${a} of ${fmt(x.shape)}`);
      const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + d! : v, 0), d!);
      const s = clamp(starts[i]!);
      const e = Math.max(clamp(ends[i]!), s);
      pads[a] = s;
      pads[a + rank] = d! - e;
    });
    return [g.pad(only(dys), pads)];
  },
  Unsqueeze: (g, n, dys) => [g.squeeze(only(dys), n.meta.axes as number[])],
  Squeeze: (g, n, dys) => [g.unsqueeze(only(dys), n.meta.axes as number[])],
  Expand: (g, n, dys) => [unbroadcast(g, only(dys), io(n).x.shape)],
  Gather: (g, n, dys) => {
    const { x: data, b: indices } = io(n);
    if (n.meta.axis !== 0) throw new Error(`grad: Gather of ${data.name} along axis ${String(n.meta.axis)} has no gradient rule (only axis 0)`);
    // Repeated indices (a token seen twice) accumulate: reduction="add".
    return [g.scatterNDAdd(g.zerosLike(data), g.unsqueeze(indices, [-1]), only(dys)), undefined];
  },
  GatherElements: (g, n, dys) => {
    const { x: data, b: indices } = io(n);
    return [g.scatterElementsAdd(g.zerosLike(data), indices, only(dys), n.meta.axis as number), undefined];
  },
};
