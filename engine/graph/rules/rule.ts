import type { GraphBuilder, OpNode, Value } from '../builder';
import { broadcastAxes, type Shape } from '../shape';

/**
 * A gradient rule: given the node and the cotangent of each of its outputs (undefined where an
 * output does not reach the loss), emit nodes computing the cotangent of each input that needs
 * one (need[i]); the rest may be undefined. Every result has its input's exact shape.
 */
export type GradRule = (g: GraphBuilder, node: OpNode, dys: readonly (Value | undefined)[], need: readonly boolean[]) => (Value | undefined)[];

/** Sums a broadcast gradient back to the operand's shape: ReduceSum over broadcast axes, then drop the leading ones. */
export function unbroadcast(g: GraphBuilder, dy: Value, shape: Shape): Value {
  const { leading, axes } = broadcastAxes(shape, dy.shape);
  if (axes.length === 0) return dy;
  const summed = g.reduceSum(dy, axes, true);
  return leading > 0 ? g.squeeze(summed, Array.from({ length: leading }, (_, i) => i)) : summed;
}

/** The single cotangent of a one-output op (the walk only calls a rule when some output has one). */
export function only(dys: readonly (Value | undefined)[]): Value {
  return dys[0]!;
}

/** Inputs and output of a one-output node, typed. */
export function io(node: OpNode): { x: Value; b: Value; y: Value } {
  return { x: node.inputs[0]!, b: node.inputs[1]!, y: node.outputs[0]! };
}
