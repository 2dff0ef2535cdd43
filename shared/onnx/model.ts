import { ProtoWriter } from './protobuf.ts';

/** ONNX TensorProto.DataType values used here. */
export const DataType = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float64: 11 } as const;
export type DataTypeName = keyof typeof DataType;

/** A dimension: a fixed size, or a named symbolic one ("batch"). */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  type: DataTypeName;
  shape: Dim[];
}

export type Attribute =
  | { name: string; int: number | bigint }
  | { name: string; float: number }
  | { name: string; ints: (number | bigint)[] }
  | { name: string; graph: Graph };

export interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  attributes?: Attribute[];
}

export interface Initializer {
  name: string;
  type: 'float32' | 'int64' | 'bool';
  dims: number[];
  values: Float32Array | BigInt64Array | Uint8Array;
}

export interface Graph {
  name: string;
  nodes: Node[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers?: Initializer[];
}

export interface ModelSpec {
  graph: Graph;
  opset?: number;
  producer?: string;
  /** Free-form metadata (ModelProto.metadata_props). */
  metadata?: Record<string, string>;
}

/** Serialises an ONNX model (ModelProto) to bytes. */
export function encodeModel(spec: ModelSpec): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, 8); // ir_version 8
  w.string(2, spec.producer ?? 'hearth');
  w.message(7, (g) => writeGraph(g, spec.graph));
  w.message(8, (o) => o.string(1, '').int(2, spec.opset ?? 17));
  for (const [key, value] of Object.entries(spec.metadata ?? {})) {
    w.message(14, (m) => m.string(1, key).string(2, value));
  }
  return w.finish();
}

function writeGraph(w: ProtoWriter, graph: Graph): void {
  for (const node of graph.nodes) w.message(1, (n) => writeNode(n, node));
  w.string(2, graph.name);
  for (const init of graph.initializers ?? []) w.message(5, (t) => writeTensor(t, init));
  for (const input of graph.inputs) w.message(11, (v) => writeValueInfo(v, input));
  for (const output of graph.outputs) w.message(12, (v) => writeValueInfo(v, output));
}

function writeNode(w: ProtoWriter, node: Node): void {
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  if (node.name) w.string(3, node.name);
  w.string(4, node.op);
  for (const attribute of node.attributes ?? []) w.message(5, (a) => writeAttribute(a, attribute));
}

function writeAttribute(w: ProtoWriter, attribute: Attribute): void {
  w.string(1, attribute.name);
  if ('int' in attribute) w.int(3, attribute.int).int(20, 2);
  else if ('float' in attribute) w.float(2, attribute.float).int(20, 1);
  else if ('ints' in attribute) {
    for (const value of attribute.ints) w.int(8, value);
    w.int(20, 7);
  } else {
    w.message(6, (g) => writeGraph(g, attribute.graph)).int(20, 5);
  }
}

function writeTensor(w: ProtoWriter, tensor: Initializer): void {
  for (const dim of tensor.dims) w.int(1, dim);
  w.int(2, DataType[tensor.type]);
  w.string(8, tensor.name);
  const values = tensor.values;
  w.bytes(9, new Uint8Array(values.buffer, values.byteOffset, values.byteLength)); // raw_data, little-endian
}

function writeValueInfo(w: ProtoWriter, info: ValueInfo): void {
  w.string(1, info.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, DataType[info.type]);
      tensor.message(2, (shape) => {
        for (const dim of info.shape) shape.message(1, (d) => (typeof dim === 'number' ? d.int(1, dim) : d.string(2, dim)));
      });
    }),
  );
}
