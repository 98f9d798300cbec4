/** Gradient rules of MatMul, the softmaxes and the reductions. */
import type { GraphBuilder, OpNode, Value } from '../builder';
import type { GradRule } from './rule';
import { io, only, unbroadcast } from './rule';

function swapLast(g: GraphBuilder, v: Value): Value {
  const r = v.shape.length;
  return g.transpose(v, [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2]);
}

/** Cotangent of a reduction's input: the output's cotangent broadcast back over the reduced axes. */
function spread(g: GraphBuilder, dy: Value, x: Value, axes: number[], keepdims: boolean): Value {
  return g.expandLike(keepdims || axes.length === 0 ? dy : g.unsqueeze(dy, axes), x);
}

/** The node that computed `v`, searched from the newest (a cotangent is usually moments old). */
function producer(g: GraphBuilder, v: Value): OpNode | undefined {
  for (let i = g.nodes.length - 1; i >= 0; i--) if (g.nodes[i]!.outputs.some((o) => o.name === v.name)) return g.nodes[i];
  return undefined;
}

/**
 * The indices and updates of `dy` when it is updates scatter-added into zeros along `axis`: the
 * cotangent GatherElements gives its input, as in a cross-entropy picking each row's target.
 */
function scatteredIntoZeros(g: GraphBuilder, dy: Value, axis: number): { indices: Value; updates: Value } | undefined {
  const scatter = producer(g, dy);
  if (scatter?.op !== 'ScatterElements' || scatter.attributes.reduction !== 'add' || scatter.attributes.axis !== axis) return undefined;
  const [data, indices, updates] = scatter.inputs as [Value, Value, Value];
  const zeros = producer(g, data);
  if (zeros?.op !== 'Expand' || zeros.inputs[0]!.name !== g.scalar(0, data.dtype).name) return undefined;
  return { indices, updates };
}

export const linalgRules: Record<string, GradRule> = {
  MatMul: (g, n, dys, need) => {
    const { x: a, b } = io(n);
    const dy = only(dys);
    const da = need[0] ? unbroadcast(g, g.matmul(dy, swapLast(g, b)), a.shape) : undefined;
    let db: Value | undefined;
    if (need[1]) {
      const [k, m] = b.shape;
      if (b.shape.length === 2 && a.shape.length > 2 && typeof k === 'number' && typeof m === 'number') {
        // A weight shared across the batch: one [K, B·T]×[B·T, N] product instead of a batched
        // product followed by a sum over the batch.
        db = g.matmul(g.transpose(g.reshape(a, [-1, k])), g.reshape(dy, [-1, m]));
      } else {
        db = unbroadcast(g, g.matmul(swapLast(g, a), dy), b.shape);
      }
    }
    return [da, db];
  },
  Softmax: (g, n, dys) => {
    const { y } = io(n);
    const dy = only(dys);
    const axis = n.attributes.axis as number;
    return [g.mul(y, g.sub(dy, g.reduceSum(g.mul(dy, y), [axis], true)))];
  },
  LogSoftmax: (g, n, dys) => {
    const { y } = io(n);
    const dy = only(dys);
    const axis = n.attributes.axis as number;
    const sparse = scatteredIntoZeros(g, dy, axis);
    if (sparse) {
      // dy − exp(y)·Σdy with dy zero but at the scattered entries: Σdy is the sum of the updates, and
      // the result is one scatter-add onto −exp(y)·Σdy. Over a cross-entropy's [B, T, vocabulary]
      // that is three passes instead of seven; the dense scatter left unused is pruned by build().
      const sum = g.reduceSum(sparse.updates, [axis], true);
      return [g.scatterElementsAdd(g.mul(g.exp(y), g.neg(sum)), sparse.indices, sparse.updates, axis)];
    }
    return [g.sub(dy, g.mul(g.exp(y), g.reduceSum(dy, [axis], true)))];
  },
  ReduceSum: (g, n, dys) => {
    const { axes, keepdims } = n.meta as { axes: number[]; keepdims: boolean };
    return [spread(g, only(dys), io(n).x, axes, keepdims), undefined];
  },
  ReduceMean: (g, n, dys) => {
    const { x, y } = io(n);
    const { axes, keepdims } = n.meta as { axes: number[]; keepdims: boolean };
    const dims = axes.map((a) => x.shape[a]!);
    const spreadDy = spread(g, only(dys), x, axes, keepdims);
    if (dims.every((d) => typeof d === 'number')) {
      return [g.mul(spreadDy, 1 / dims.reduce<number>((p, d) => p * (d), 1)), undefined];
    }
    // Symbolic reduced axes: the count is size(x) / size(y), read at run time.
    const ratio = g.div(g.cast(g.sizeOf(y), x.dtype), g.cast(g.sizeOf(x), x.dtype));
    return [g.mul(spreadDy, ratio), undefined];
  },
};
