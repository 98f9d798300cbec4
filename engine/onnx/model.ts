import { ProtoWriter } from './protobuf';

/** ONNX TensorProto.DataType values the engine uses. */
export const DataType = { float: 1, int32: 6, int64: 7, float16: 10, bfloat16: 16 } as const;
export type DataTypeName = keyof typeof DataType;

/** A dimension is a fixed size or a named symbolic one ("batch"). */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  type: DataTypeName;
  shape: readonly Dim[];
}

/** Numbers are ints unless wrapped: ONNX tells an INT attribute from a FLOAT one. */
export type AttributeValue = number | { float: number } | { floats: readonly number[] } | string | readonly number[];

export interface Node {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  domain?: string;
  attributes?: Readonly<Record<string, AttributeValue>>;
}

export interface Initializer {
  name: string;
  type: DataTypeName;
  dims: readonly number[];
  /** Little-endian bytes, as ONNX's raw_data expects. */
  raw: Uint8Array;
}

/**
 * An initializer whose bytes live in a separate file (ONNX "external data"): protobuf caps a
 * ModelProto at 2 GiB, so a large model's weights go beside it. See onnx/external-data.ts.
 */
export interface ExternalInitializer {
  name: string;
  type: DataTypeName;
  dims: readonly number[];
  external: {
    /** Path of the data file relative to the model file's folder. */
    location: string;
    offset: number;
    length: number;
  };
}

export interface Graph {
  name: string;
  nodes: readonly Node[];
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
  initializers?: readonly Initializer[];
  externalInitializers?: readonly ExternalInitializer[];
}

/** Bytes per element of each data type. */
export const DataTypeBytes: Record<DataTypeName, number> = { float: 4, int32: 4, int64: 8, float16: 2, bfloat16: 2 };

/** Protobuf's hard limit on a message (a signed 32-bit size): larger models need external data. */
export const PROTOBUF_LIMIT = 2 ** 31 - 1;

export interface ModelOptions {
  opset?: number;
  producer?: string;
}

// Field numbers from onnx/onnx.proto3.
const IR_VERSION = 8;
const enum AttrType {
  Float = 1,
  Int = 2,
  String = 3,
  Floats = 6,
  Ints = 7,
}

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name).message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, DataType[v.type]);
      tensor.message(2, (shape) => {
        for (const d of v.shape) {
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
}

function writeAttribute(w: ProtoWriter, name: string, value: AttributeValue): void {
  w.string(1, name);
  if (typeof value === 'string') {
    w.string(4, value).int(20, AttrType.String);
  } else if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`Attribute ${name}=${value}: wrap a float as { float: ${value} }`);
    w.int(3, value).int(20, AttrType.Int);
  } else if ('float' in value) {
    w.float(2, value.float).int(20, AttrType.Float);
  } else if ('floats' in value) {
    w.packedFloats(7, value.floats).int(20, AttrType.Floats);
  } else {
    w.packedInts(8, value).int(20, AttrType.Ints);
  }
}

function writeNode(w: ProtoWriter, n: Node): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name) w.string(3, n.name);
  w.string(4, n.op);
  for (const [k, v] of Object.entries(n.attributes ?? {})) w.message(5, (a) => writeAttribute(a, k, v));
  if (n.domain) w.string(7, n.domain);
}

function writeInitializer(w: ProtoWriter, t: Initializer): void {
  w.packedInts(1, t.dims).int(2, DataType[t.type]).string(8, t.name).bytes(9, t.raw);
}

// TensorProto: external_data = 13 (StringStringEntryProto key = 1, value = 2), data_location = 14.
const EXTERNAL = 1;

function writeExternalInitializer(w: ProtoWriter, t: ExternalInitializer): void {
  const { location, offset, length } = t.external;
  w.packedInts(1, t.dims).int(2, DataType[t.type]).string(8, t.name);
  // Values are decimal strings, as onnx's external_data_helper writes them.
  for (const [key, value] of [['location', location], ['offset', String(offset)], ['length', String(length)]] as const) {
    w.message(13, (e) => e.string(1, key).string(2, value));
  }
  w.int(14, EXTERNAL);
}

/** The ModelProto as protobuf pieces, not yet joined (for writing to a file piece by piece). */
export function modelProto(graph: Graph, options: ModelOptions = {}): ProtoWriter {
  const w = new ProtoWriter();
  w.int(1, IR_VERSION);
  w.string(2, options.producer ?? 'datanet-studio');
  w.message(7, (g) => {
    for (const n of graph.nodes) g.message(1, (nw) => writeNode(nw, n));
    g.string(2, graph.name);
    for (const t of graph.initializers ?? []) g.message(5, (tw) => writeInitializer(tw, t));
    for (const t of graph.externalInitializers ?? []) g.message(5, (tw) => writeExternalInitializer(tw, t));
    for (const v of graph.inputs) g.message(11, (vw) => writeValueInfo(vw, v));
    for (const v of graph.outputs) g.message(12, (vw) => writeValueInfo(vw, v));
  });
  w.message(8, (o) => o.string(1, '').int(2, options.opset ?? 17));
  if (w.byteLength > PROTOBUF_LIMIT) {
    const inline = (graph.initializers ?? []).reduce((a, t) => a + t.raw.length, 0);
    throw new Error(
      `model ${graph.name}: the ModelProto would be ${w.byteLength} bytes (${inline} of them inline initializers), over protobuf's 2 GiB limit; save it with saveModel (engine/onnx/external-data.ts), which moves large initializers to an external data file`,
    );
  }
  return w;
}

/** Serializes a graph to ModelProto bytes that onnxruntime's InferenceSession.create accepts. */
export function encodeModel(graph: Graph, options: ModelOptions = {}): Uint8Array {
  return modelProto(graph, options).finish();
}
