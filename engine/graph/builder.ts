/**
 * A typed ONNX graph builder: every op checks its operands' types and infers its output shape, so
 * a model with wrong shapes fails while it is built, with a message naming the op and the shapes.
 * The nodes are recorded with their Values (not just names) so that autodiff can walk them.
 */
import { encodeModel, type AttributeValue, type DataTypeName, type Dim, type Graph, type Initializer, type ValueInfo } from '../onnx/model';
import { isFloat, ONNX_TYPE, toHalf, type DType } from './dtype';
import { addDims, broadcast, fmt, normAxes, normAxis, reshapeShape, ShapeError, sliceDim, type Shape } from './shape';

/**
 * The opset the builder's graphs use: 18 takes reduction axes as an input (ReduceMean too), and
 * ScatterND/ScatterElements accept reduction="add", which the gather gradients need.
 */
export const OPSET = 18;

export interface Value {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: Shape;
}

export interface OpNode {
  readonly op: string;
  readonly inputs: readonly Value[];
  readonly outputs: readonly Value[];
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** Facts a gradient rule needs that are not attributes (Pow's constant exponent, Slice's ranges). */
  readonly meta: Readonly<Record<string, unknown>>;
}

export type TensorData = Float32Array | Uint16Array | Int32Array | BigInt64Array;
type Operand = Value | number;

const INT64_MAX = 2 ** 63 - 1;

function dataType(data: TensorData): DataTypeName {
  if (data instanceof Float32Array) return 'float';
  if (data instanceof Uint16Array) return 'float16';
  if (data instanceof Int32Array) return 'int32';
  return 'int64';
}

export class GraphBuilder {
  readonly nodes: OpNode[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly inits: Initializer[] = [];
  private readonly names = new Set<string>();
  private readonly cache = new Map<string, Value>();
  private counter = 0;

  constructor(readonly name = 'graph') {}

  // ---- graph inputs, weights, constants, outputs ----

  input(name: string, dtype: DataTypeName, shape: readonly Dim[]): Value {
    this.claim(name);
    this.inputs.push({ name, type: dtype, shape });
    return { name, dtype, shape: [...shape] };
  }

  /** A named tensor stored in the model (a frozen weight). fp16 and bf16 data come as Uint16Array bits. */
  initializer(name: string, data: TensorData, dims: readonly number[], dtype: DataTypeName = dataType(data)): Value {
    this.claim(name);
    const count = dims.reduce((a, d) => a * d, 1);
    if (count !== data.length) throw new Error(`initializer ${name}: ${data.length} values do not fill shape ${fmt(dims)}`);
    if (dataType(data) !== (dtype === 'bfloat16' ? 'float16' : dtype)) {
      throw new Error(`initializer ${name}: a ${data.constructor.name} cannot hold ${dtype} values`);
    }
    this.inits.push({ name, type: dtype, dims: [...dims], raw: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
    return { name, dtype, shape: [...dims] };
  }

  /** An unnamed constant tensor (an initializer with a generated name). */
  constant(data: TensorData, dims: readonly number[], dtype?: DataTypeName): Value {
    return this.initializer(this.fresh('const'), data, dims, dtype);
  }

  /** A scalar constant of the given type, shared by every use. */
  scalar(value: number, dtype: DType = 'float'): Value {
    const key = `s:${dtype}:${Object.is(value, -0) ? '-0' : value}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    let data: TensorData;
    if (dtype === 'float') data = Float32Array.of(value);
    else if (dtype === 'float16') data = Uint16Array.of(toHalf(value));
    else if (dtype === 'int64') data = BigInt64Array.of(BigInt(value));
    else if (dtype === 'int32') data = Int32Array.of(value);
    else throw new Error(`scalar ${value}: no scalar constants of type ${dtype}`);
    const v = this.constant(data, [], dtype);
    this.cache.set(key, v);
    return v;
  }

  /** A 1-D int64 constant (axes, shapes, pads), shared by every use. */
  ints(values: readonly number[]): Value {
    const key = `i:${values.join(',')}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const v = this.constant(BigInt64Array.from(values, (x) => BigInt(x)), [values.length]);
    this.cache.set(key, v);
    return v;
  }

  /** Marks a value as a graph output, under `name` when given (through an Identity). */
  output(v: Value, name?: string): Value {
    if (v.dtype === 'bool') throw new Error(`output ${name ?? v.name}: bool outputs are not supported; cast it first`);
    const out = name && name !== v.name ? this.emit('Identity', [v], [{ dtype: v.dtype, shape: v.shape, name }])[0]! : v;
    if (this.outputs.some((o) => o.name === out.name)) throw new Error(`output ${out.name}: already an output`);
    this.outputs.push({ name: out.name, type: out.dtype as DataTypeName, shape: out.shape });
    return out;
  }

  /**
   * The graph as ONNX takes it, with only the nodes (and initializers) some output depends on:
   * ONNX Runtime runs every node it is given, used or not, and a gradient rule may leave behind a
   * node it found a cheaper way around.
   */
  build(): Graph {
    if (this.outputs.length === 0) throw new Error(`graph ${this.name}: no outputs`);
    const live = new Set(this.outputs.map((o) => o.name));
    const keep = new Array<boolean>(this.nodes.length).fill(false);
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const n = this.nodes[i]!;
      if (!n.outputs.some((o) => live.has(o.name))) continue;
      keep[i] = true;
      for (const v of n.inputs) live.add(v.name);
    }
    return {
      name: this.name,
      nodes: this.nodes.flatMap((n, i) =>
        keep[i] ? [{ op: n.op, name: `${n.op}_${i}`, inputs: n.inputs.map((v) => v.name), outputs: n.outputs.map((v) => v.name), attributes: n.attributes }] : [],
      ),
      inputs: [...this.inputs],
      outputs: [...this.outputs],
      initializers: this.inits.filter((t) => live.has(t.name)),
    };
  }

  /** ModelProto bytes at the builder's opset. */
  encode(): Uint8Array {
    return encodeModel(this.build(), { opset: OPSET });
  }

  // ---- the core: recording a node ----

  emit(
    op: string,
    inputs: readonly Value[],
    outs: readonly { dtype: DType; shape: Shape; name?: string }[],
    attributes: Record<string, AttributeValue> = {},
    meta: Record<string, unknown> = {},
  ): Value[] {
    const outputs = outs.map((o) => {
      const name = o.name ?? this.fresh(op.toLowerCase());
      this.claim(name);
      return { name, dtype: o.dtype, shape: [...o.shape] };
    });
    this.nodes.push({ op, inputs: [...inputs], outputs, attributes, meta });
    return outputs;
  }

  private one(op: string, inputs: readonly Value[], dtype: DType, shape: Shape, attributes?: Record<string, AttributeValue>, meta?: Record<string, unknown>): Value {
    return this.emit(op, inputs, [{ dtype, shape }], attributes, meta)[0]!;
  }

  private claim(name: string): void {
    if (!name) throw new Error('a value needs a non-empty name');
    if (this.names.has(name)) throw new Error(`the name ${name} is already used in graph ${this.name}`);
    this.names.add(name);
  }

  private fresh(prefix: string): string {
    let name: string;
    do name = `${prefix}_${this.counter++}`;
    while (this.names.has(name));
    return name;
  }

  private lift(x: Operand, like: Value): Value {
    return typeof x === 'number' ? this.scalar(x, like.dtype) : x;
  }

  private sameType(op: string, ...vs: Value[]): DType {
    const t = vs[0]!.dtype;
    for (const v of vs) if (v.dtype !== t) throw new ShapeError(op, `operand types differ: ${vs.map((u) => `${u.name}: ${u.dtype}`).join(', ')}`);
    return t;
  }

  private needFloat(op: string, x: Value): void {
    if (!isFloat(x.dtype)) throw new ShapeError(op, `${x.name} is ${x.dtype}, a float type is needed`);
  }

  // ---- elementwise ----

  private binary(op: string, a: Operand, b: Operand): Value {
    if (typeof a === 'number' && typeof b === 'number') throw new ShapeError(op, 'needs at least one Value operand');
    const va = typeof a === 'number' ? this.lift(a, b as Value) : a;
    const vb = this.lift(b, va);
    return this.one(op, [va, vb], this.sameType(op, va, vb), broadcast(op, va.shape, vb.shape));
  }

  add(a: Operand, b: Operand): Value { return this.binary('Add', a, b); }
  sub(a: Operand, b: Operand): Value { return this.binary('Sub', a, b); }
  mul(a: Operand, b: Operand): Value { return this.binary('Mul', a, b); }
  div(a: Operand, b: Operand): Value { return this.binary('Div', a, b); }

  /** x ** p for a constant p (the only form the gradient rule supports). */
  pow(x: Value, p: number): Value {
    this.needFloat('Pow', x);
    return this.one('Pow', [x, this.scalar(p, x.dtype)], x.dtype, x.shape, {}, { exponent: p });
  }

  private unary(op: string, x: Value): Value {
    this.needFloat(op, x);
    return this.one(op, [x], x.dtype, x.shape);
  }

  neg(x: Value): Value { return this.unary('Neg', x); }
  sqrt(x: Value): Value { return this.unary('Sqrt', x); }
  reciprocal(x: Value): Value { return this.unary('Reciprocal', x); }
  exp(x: Value): Value { return this.unary('Exp', x); }
  log(x: Value): Value { return this.unary('Log', x); }
  tanh(x: Value): Value { return this.unary('Tanh', x); }
  sigmoid(x: Value): Value { return this.unary('Sigmoid', x); }
  relu(x: Value): Value { return this.unary('Relu', x); }
  identity(x: Value): Value { return this.one('Identity', [x], x.dtype, x.shape); }

  private compare(op: string, a: Operand, b: Operand): Value {
    const va = typeof a === 'number' ? this.lift(a, b as Value) : a;
    const vb = this.lift(b, va);
    this.sameType(op, va, vb);
    return this.one(op, [va, vb], 'bool', broadcast(op, va.shape, vb.shape));
  }

  greater(a: Operand, b: Operand): Value { return this.compare('Greater', a, b); }
  less(a: Operand, b: Operand): Value { return this.compare('Less', a, b); }
  equal(a: Operand, b: Operand): Value { return this.compare('Equal', a, b); }

  not(x: Value): Value {
    if (x.dtype !== 'bool') throw new ShapeError('Not', `${x.name} is ${x.dtype}, bool is needed`);
    return this.one('Not', [x], 'bool', x.shape);
  }

  where(cond: Value, a: Operand, b: Operand): Value {
    if (cond.dtype !== 'bool') throw new ShapeError('Where', `condition ${cond.name} is ${cond.dtype}, bool is needed`);
    if (typeof a === 'number' && typeof b === 'number') throw new ShapeError('Where', 'needs at least one Value branch');
    const va = typeof a === 'number' ? this.lift(a, b as Value) : a;
    const vb = this.lift(b, va);
    return this.one('Where', [cond, va, vb], this.sameType('Where', va, vb), broadcast('Where', cond.shape, va.shape, vb.shape));
  }

  cast(x: Value, to: DType): Value {
    return this.one('Cast', [x], to, x.shape, { to: ONNX_TYPE[to] });
  }

  // ---- linear algebra and normalizers ----

  /** Batched matrix product; both operands have rank 2 or more, batch dimensions broadcast. */
  matmul(a: Value, b: Value): Value {
    const op = 'MatMul';
    const t = this.sameType(op, a, b);
    if (a.shape.length < 2 || b.shape.length < 2) throw new ShapeError(op, `operands need rank >= 2, got ${fmt(a.shape)} x ${fmt(b.shape)}`);
    const [m, k1] = a.shape.slice(-2);
    const [k2, n] = b.shape.slice(-2);
    if (k1 !== k2) throw new ShapeError(op, `inner dimensions differ: ${fmt(a.shape)} x ${fmt(b.shape)}`);
    let batch: Dim[];
    try {
      batch = broadcast(op, a.shape.slice(0, -2), b.shape.slice(0, -2));
    } catch {
      throw new ShapeError(op, `batch dimensions do not broadcast: ${fmt(a.shape)} x ${fmt(b.shape)}`);
    }
    return this.one(op, [a, b], t, [...batch, m!, n!]);
  }

  softmax(x: Value, axis = -1): Value {
    this.needFloat('Softmax', x);
    return this.one('Softmax', [x], x.dtype, x.shape, { axis: normAxis('Softmax', axis, x.shape.length) });
  }

  logSoftmax(x: Value, axis = -1): Value {
    this.needFloat('LogSoftmax', x);
    return this.one('LogSoftmax', [x], x.dtype, x.shape, { axis: normAxis('LogSoftmax', axis, x.shape.length) });
  }

  // ---- reductions (axes omitted: all of them) ----

  private reduce(op: string, x: Value, axes: readonly number[] | undefined, keepdims: boolean): Value {
    const rank = x.shape.length;
    const norm = axes ? normAxes(op, axes, rank) : x.shape.map((_, i) => i);
    // A scalar reduced over "all" of its (zero) axes is itself; an explicit empty list is a mistake.
    if (norm.length === 0 && (axes || rank > 0)) throw new ShapeError(op, 'an empty axes list would reduce nothing');
    const shape = keepdims ? x.shape.map((d, i) => (norm.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !norm.includes(i));
    const inputs = axes ? [x, this.ints(norm)] : [x];
    return this.one(op, inputs, x.dtype, shape, { keepdims: keepdims ? 1 : 0 }, { axes: norm, keepdims });
  }

  reduceSum(x: Value, axes?: readonly number[], keepdims = true): Value { return this.reduce('ReduceSum', x, axes, keepdims); }
  reduceMean(x: Value, axes?: readonly number[], keepdims = true): Value { return this.reduce('ReduceMean', x, axes, keepdims); }

  // ---- shape ops ----

  /** ONNX Reshape: 0 copies the input's dimension, -1 is inferred. */
  reshape(x: Value, target: readonly number[]): Value {
    return this.one('Reshape', [x, this.ints(target)], x.dtype, reshapeShape('Reshape', x.shape, target));
  }

  /** Reshape to another value's shape, read at run time (works with symbolic dimensions). */
  reshapeLike(x: Value, like: Value): Value {
    return this.one('Reshape', [x, this.shapeOf(like)], x.dtype, like.shape);
  }

  transpose(x: Value, perm?: readonly number[]): Value {
    const rank = x.shape.length;
    const p = perm ?? x.shape.map((_, i) => rank - 1 - i);
    if (p.length !== rank || normAxes('Transpose', p, rank).some((a, i) => a !== p[i])) {
      throw new ShapeError('Transpose', `perm ${fmt(p)} is not a permutation of ${rank} axes for ${fmt(x.shape)}`);
    }
    return this.one('Transpose', [x], x.dtype, p.map((a) => x.shape[a]!), { perm: [...p] });
  }

  concat(xs: readonly Value[], axis: number): Value {
    const op = 'Concat';
    if (xs.length === 0) throw new ShapeError(op, 'needs at least one input');
    const t = this.sameType(op, ...xs);
    const rank = xs[0]!.shape.length;
    const a = normAxis(op, axis, rank);
    for (const x of xs) {
      if (x.shape.length !== rank || x.shape.some((d, i) => i !== a && d !== xs[0]!.shape[i])) {
        throw new ShapeError(op, `shapes ${xs.map((v) => fmt(v.shape)).join(', ')} differ off axis ${a}`);
      }
    }
    const shape = xs[0]!.shape.map((d, i) => (i === a ? addDims(xs.map((x) => x.shape[a]!)) : d));
    return this.one(op, xs, t, shape, { axis: a }, { axis: a });
  }

  /** Splits along an axis into pieces of the given (numeric) sizes. */
  split(x: Value, sizes: readonly number[], axis: number): Value[] {
    const a = normAxis('Split', axis, x.shape.length);
    const d = x.shape[a]!;
    const total = sizes.reduce((s, n) => s + n, 0);
    if (typeof d === 'number' && d !== total) throw new ShapeError('Split', `sizes ${fmt(sizes)} do not add up to ${d} (axis ${a} of ${fmt(x.shape)})`);
    const outs = sizes.map((n) => ({ dtype: x.dtype, shape: x.shape.map((e, i) => (i === a ? n : e)) }));
    return this.emit('Split', [x, this.ints(sizes)], outs, { axis: a });
  }

  /** ONNX Slice with constant ranges; axes default to the first starts.length axes. */
  slice(x: Value, starts: readonly number[], ends: readonly number[], axes?: readonly number[], steps?: readonly number[]): Value {
    const op = 'Slice';
    const rank = x.shape.length;
    const ax = normAxes(op, axes ?? starts.map((_, i) => i), rank);
    const st = steps ?? starts.map(() => 1);
    if (ends.length !== starts.length || ax.length !== starts.length || st.length !== starts.length) {
      throw new ShapeError(op, `starts ${fmt(starts)}, ends ${fmt(ends)}, axes ${fmt(ax)} and steps ${fmt(st)} differ in length`);
    }
    if (st.some((s) => s === 0)) throw new ShapeError(op, 'a step of 0');
    const shape = [...x.shape];
    ax.forEach((a, i) => (shape[a] = sliceDim(x.shape[a]!, starts[i]!, Math.min(ends[i]!, INT64_MAX), st[i]!)));
    const inputs = [x, this.ints(starts), this.ints(ends), this.ints(ax), this.ints(st)];
    return this.one(op, inputs, x.dtype, shape, {}, { starts: [...starts], ends: [...ends], axes: ax, steps: [...st] });
  }

  /** Zero padding: pads = [begin_0, …, begin_{r-1}, end_0, …, end_{r-1}]. */
  pad(x: Value, pads: readonly number[]): Value {
    const rank = x.shape.length;
    if (pads.length !== 2 * rank || pads.some((p) => !Number.isInteger(p) || p < 0)) {
      throw new ShapeError('Pad', `pads ${fmt(pads)} must be ${2 * rank} non-negative integers for ${fmt(x.shape)}`);
    }
    const shape = x.shape.map((d, i) => {
      const extra = pads[i]! + pads[i + rank]!;
      if (extra === 0) return d;
      return typeof d === 'number' ? d + extra : `${d}+${extra}`;
    });
    return this.one('Pad', [x, this.ints(pads), this.scalar(0, x.dtype)], x.dtype, shape);
  }

  unsqueeze(x: Value, axes: readonly number[]): Value {
    const rank = x.shape.length + axes.length;
    const norm = normAxes('Unsqueeze', axes, rank);
    const shape: Dim[] = [];
    let k = 0;
    for (let i = 0; i < rank; i++) shape.push(norm.includes(i) ? 1 : x.shape[k++]!);
    return this.one('Unsqueeze', [x, this.ints(norm)], x.dtype, shape, {}, { axes: norm });
  }

  squeeze(x: Value, axes: readonly number[]): Value {
    const norm = normAxes('Squeeze', axes, x.shape.length);
    for (const a of norm) if (x.shape[a] !== 1) throw new ShapeError('Squeeze', `axis ${a} of ${fmt(x.shape)} is not 1`);
    return this.one('Squeeze', [x, this.ints(norm)], x.dtype, x.shape.filter((_, i) => !norm.includes(i)), {}, { axes: norm });
  }

  /** Broadcasts x to a constant shape (ONNX Expand: a 1 in dims keeps x's dimension). */
  expand(x: Value, dims: readonly number[]): Value {
    return this.one('Expand', [x, this.ints(dims)], x.dtype, broadcast('Expand', x.shape, dims));
  }

  /** Broadcasts x to another value's shape, read at run time. */
  expandLike(x: Value, like: Value): Value {
    return this.one('Expand', [x, this.shapeOf(like)], x.dtype, broadcast('Expand', x.shape, like.shape));
  }

  /** Rows of data picked by integer indices (axis 0: an embedding lookup). */
  gather(data: Value, indices: Value, axis = 0): Value {
    if (isFloat(indices.dtype) || indices.dtype === 'bool') throw new ShapeError('Gather', `indices ${indices.name} are ${indices.dtype}, int32/int64 needed`);
    const a = normAxis('Gather', axis, data.shape.length);
    const shape = [...data.shape.slice(0, a), ...indices.shape, ...data.shape.slice(a + 1)];
    return this.one('Gather', [data, indices], data.dtype, shape, { axis: a }, { axis: a });
  }

  /** data[..., indices[...], ...] elementwise along one axis (picking each row's target log-prob). */
  gatherElements(data: Value, indices: Value, axis: number): Value {
    const op = 'GatherElements';
    if (isFloat(indices.dtype) || indices.dtype === 'bool') throw new ShapeError(op, `indices ${indices.name} are ${indices.dtype}, int32/int64 needed`);
    if (indices.shape.length !== data.shape.length) throw new ShapeError(op, `data ${fmt(data.shape)} and indices ${fmt(indices.shape)} differ in rank`);
    const a = normAxis(op, axis, data.shape.length);
    return this.one(op, [data, indices], data.dtype, indices.shape, { axis: a }, { axis: a });
  }

  /** zeros-like data, with updates added at indices (repeats accumulate): Gather's gradient. */
  scatterNDAdd(data: Value, indices: Value, updates: Value): Value {
    return this.one('ScatterND', [data, indices, updates], this.sameType('ScatterND', data, updates), data.shape, { reduction: 'add' });
  }

  scatterElementsAdd(data: Value, indices: Value, updates: Value, axis: number): Value {
    const a = normAxis('ScatterElements', axis, data.shape.length);
    return this.one('ScatterElements', [data, indices, updates], this.sameType('ScatterElements', data, updates), data.shape, { axis: a, reduction: 'add' });
  }

  // ---- run-time shape helpers ----

  shapeOf(x: Value): Value {
    return this.one('Shape', [x], 'int64', [x.shape.length]);
  }

  sizeOf(x: Value): Value {
    return this.one('Size', [x], 'int64', []);
  }

  zerosLike(x: Value): Value {
    return this.expandLike(this.scalar(0, x.dtype), x);
  }

  /** x's size along an axis as an int64 scalar, read at run time. */
  dimOf(x: Value, axis: number): Value {
    const a = normAxis('Shape', axis, x.shape.length);
    return this.one('Gather', [this.shapeOf(x), this.scalar(a, 'int64')], 'int64', [], { axis: 0 }, { axis: 0 });
  }

  /** 0, 1, …, n-1 (int64) where n is x's size along axis, read at run time. */
  arange(x: Value, axis: number): Value {
    const a = normAxis('Range', axis, x.shape.length);
    return this.one('Range', [this.scalar(0, 'int64'), this.dimOf(x, a), this.scalar(1, 'int64')], 'int64', [x.shape[a]!]);
  }
}
