/**
 * Reverse-mode autodiff over the builder's recorded nodes: walks them backwards from a scalar
 * loss and emits the backward pass as ONNX nodes in the same graph. Cotangents flow only into
 * float values that depend on one of `wrt` (so never into token ids, masks or frozen branches);
 * a value used twice gets the sum of its cotangents.
 */
import type { GraphBuilder, Value } from './builder';
import { isFloat } from './dtype';
import { GRAD_RULES } from './rules/index';
import { fmt } from './shape';

export interface GradOptions {
  /** Add each gradient as a graph output named `grad.<name>` (default true). */
  outputs?: boolean;
}

const sameShape = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((d, i) => d === b[i]);

export function grad(g: GraphBuilder, loss: Value, wrt: readonly Value[], options: GradOptions = {}): Value[] {
  if (loss.shape.length !== 0) throw new Error(`grad: the loss ${loss.name} must be a scalar, its shape is ${fmt(loss.shape)}`);
  if (!isFloat(loss.dtype)) throw new Error(`grad: the loss ${loss.name} is ${loss.dtype}, a float type is needed`);
  const seen = new Set<string>();
  for (const w of wrt) {
    if (!isFloat(w.dtype)) throw new Error(`grad: cannot differentiate with respect to ${w.name}, it is ${w.dtype}`);
    if (seen.has(w.name)) throw new Error(`grad: ${w.name} is listed twice in wrt`);
    seen.add(w.name);
  }

  // The forward nodes as they are now; the backward nodes appended below are not walked.
  const forward = g.nodes.slice();
  const dependent = new Set(seen);
  for (const n of forward) {
    if (n.inputs.some((v) => dependent.has(v.name))) for (const o of n.outputs) if (isFloat(o.dtype)) dependent.add(o.name);
  }

  const cotangents = new Map<string, Value[]>();
  const total = (v: Value): Value | undefined => {
    const parts = cotangents.get(v.name);
    if (!parts) return undefined;
    const sum = parts.reduce((a, b) => g.add(a, b));
    cotangents.set(v.name, [sum]);
    return sum;
  };
  if (dependent.has(loss.name)) cotangents.set(loss.name, [g.scalar(1, loss.dtype)]);

  for (let i = forward.length - 1; i >= 0; i--) {
    const node = forward[i]!;
    const dys = node.outputs.map(total);
    if (dys.every((d) => d === undefined)) continue;
    const need = node.inputs.map((v) => isFloat(v.dtype) && dependent.has(v.name));
    if (!need.some(Boolean)) continue;
    const rule = GRAD_RULES[node.op];
    if (!rule) {
      throw new Error(
        `grad: no gradient rule for ${node.op} (computing ${node.outputs.map((o) => o.name).join(', ')} from ${node.inputs.map((v) => v.name).join(', ')}), which lies between ${loss.name} and ${wrt.map((w) => w.name).join(', ')}`,
      );
    }
    const dxs = rule(g, node, dys, need);
    node.inputs.forEach((v, k) => {
      const dx = dxs[k];
      if (!need[k] || !dx) return;
      if (!sameShape(dx.shape, v.shape)) {
        throw new Error(`grad: the ${node.op} rule gave ${v.name} a gradient of shape ${fmt(dx.shape)}, its shape is ${fmt(v.shape)}`);
      }
      const list = cotangents.get(v.name);
      if (list) list.push(dx);
      else cotangents.set(v.name, [dx]);
    });
  }

  return wrt.map((w) => {
    // A parameter the loss does not reach has a zero gradient (not an error: a frozen branch).
    const dw = total(w) ?? g.zerosLike(w);
    return options.outputs === false ? dw : g.output(dw, `grad.${w.name}`);
  });
}
