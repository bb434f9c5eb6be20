/**
 * Writes ONNX model files from TypeScript: the few protobuf messages of onnx.proto that a decoder or
 * encoder graph needs (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
 * ValueInfoProto), encoded with protobufjs's wire writer. Field numbers are those of onnx.proto
 * (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto).
 */
import protobuf from 'protobufjs/minimal.js';

/** ONNX element types this writer produces (TensorProto.DataType). */
export const ONNX_TYPE = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10 } as const;

/** An element type name. */
export type OnnxType = keyof typeof ONNX_TYPE;

/** A dimension: a fixed size or a symbolic name such as `'batch_size'`. */
export type OnnxDim = number | string;

/** A constant tensor: raw little-endian data. */
export interface OnnxTensor {
  readonly name: string;
  readonly type: OnnxType;
  readonly dims: readonly number[];
  readonly data: Float32Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;
}

/** An attribute value of a node. */
export type OnnxAttribute =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'tensor'; readonly value: OnnxTensor };

/** One operator application. */
export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name: string;
  readonly domain?: string;
  readonly attributes?: Readonly<Record<string, OnnxAttribute>>;
}

/** A graph input or output. */
export interface OnnxValueInfo {
  readonly name: string;
  readonly type: OnnxType;
  readonly dims: readonly OnnxDim[];
}

/** A whole model. */
export interface OnnxModel {
  readonly graphName: string;
  readonly opset: number;
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly initializers: readonly OnnxTensor[];
  readonly nodes: readonly OnnxNode[];
  readonly metadata?: Readonly<Record<string, string>>;
  readonly producer?: string;
}

const VARINT = 0;
const LENGTH = 2;
const FIXED32 = 5;
const tag = (field: number, wire: number): number => (field << 3) | wire;
const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, tensor: 4, ints: 7 } as const;

type Writer = protobuf.Writer;

function writeTensor(w: Writer, tensor: OnnxTensor): void {
  for (const dim of tensor.dims) w.uint32(tag(1, VARINT)).int64(dim);
  w.uint32(tag(2, VARINT)).int32(ONNX_TYPE[tensor.type]);
  w.uint32(tag(8, LENGTH)).string(tensor.name);
  const { data } = tensor;
  w.uint32(tag(9, LENGTH)).bytes(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

function writeAttribute(w: Writer, name: string, attribute: OnnxAttribute): void {
  w.uint32(tag(1, LENGTH)).string(name);
  switch (attribute.kind) {
    case 'float':
      w.uint32(tag(2, FIXED32)).float(attribute.value);
      break;
    case 'int':
      w.uint32(tag(3, VARINT)).int64(attribute.value);
      break;
    case 'string':
      w.uint32(tag(4, LENGTH)).bytes(new TextEncoder().encode(attribute.value));
      break;
    case 'tensor':
      writeTensor(w.uint32(tag(5, LENGTH)).fork(), attribute.value);
      w.ldelim();
      break;
    case 'ints':
      for (const v of attribute.value) w.uint32(tag(8, VARINT)).int64(v);
      break;
  }
  w.uint32(tag(20, VARINT)).int32(ATTRIBUTE_TYPE[attribute.kind]);
}

function writeNode(w: Writer, node: OnnxNode): void {
  for (const input of node.inputs) w.uint32(tag(1, LENGTH)).string(input);
  for (const output of node.outputs) w.uint32(tag(2, LENGTH)).string(output);
  w.uint32(tag(3, LENGTH)).string(node.name);
  w.uint32(tag(4, LENGTH)).string(node.op);
  for (const [name, attribute] of Object.entries(node.attributes ?? {})) {
    writeAttribute(w.uint32(tag(5, LENGTH)).fork(), name, attribute);
    w.ldelim();
  }
  if (node.domain) w.uint32(tag(7, LENGTH)).string(node.domain);
}

function writeValueInfo(w: Writer, info: OnnxValueInfo): void {
  w.uint32(tag(1, LENGTH)).string(info.name);
  const type = w.uint32(tag(2, LENGTH)).fork(); // TypeProto
  const tensorType = type.uint32(tag(1, LENGTH)).fork(); // TypeProto.Tensor
  tensorType.uint32(tag(1, VARINT)).int32(ONNX_TYPE[info.type]);
  const shape = tensorType.uint32(tag(2, LENGTH)).fork(); // TensorShapeProto
  for (const dim of info.dims) {
    const d = shape.uint32(tag(1, LENGTH)).fork();
    if (typeof dim === 'number') d.uint32(tag(1, VARINT)).int64(dim);
    else d.uint32(tag(2, LENGTH)).string(dim);
    d.ldelim();
  }
  shape.ldelim();
  tensorType.ldelim();
  type.ldelim();
}

/** Encodes a model as the bytes of an .onnx file (IR version 8). */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const w = protobuf.Writer.create();
  w.uint32(tag(1, VARINT)).int64(8); // ir_version
  w.uint32(tag(2, LENGTH)).string(model.producer ?? 'memos-web');
  const graph = w.uint32(tag(7, LENGTH)).fork();
  for (const node of model.nodes) {
    writeNode(graph.uint32(tag(1, LENGTH)).fork(), node);
    graph.ldelim();
  }
  graph.uint32(tag(2, LENGTH)).string(model.graphName);
  for (const tensor of model.initializers) {
    writeTensor(graph.uint32(tag(5, LENGTH)).fork(), tensor);
    graph.ldelim();
  }
  for (const input of model.inputs) {
    writeValueInfo(graph.uint32(tag(11, LENGTH)).fork(), input);
    graph.ldelim();
  }
  for (const output of model.outputs) {
    writeValueInfo(graph.uint32(tag(12, LENGTH)).fork(), output);
    graph.ldelim();
  }
  w.ldelim();
  const opset = w.uint32(tag(8, LENGTH)).fork();
  opset.uint32(tag(1, LENGTH)).string('');
  opset.uint32(tag(2, VARINT)).int64(model.opset);
  w.ldelim();
  // Operators of other domains (onnxruntime's com.microsoft contrib operators) need their own import, version 1.
  for (const domain of new Set(model.nodes.flatMap((n) => (n.domain ? [n.domain] : [])))) {
    const other = w.uint32(tag(8, LENGTH)).fork();
    other.uint32(tag(1, LENGTH)).string(domain);
    other.uint32(tag(2, VARINT)).int64(1);
    w.ldelim();
  }
  for (const [key, value] of Object.entries(model.metadata ?? {})) {
    const entry = w.uint32(tag(14, LENGTH)).fork();
    entry.uint32(tag(1, LENGTH)).string(key);
    entry.uint32(tag(2, LENGTH)).string(value);
    w.ldelim();
  }
  return w.finish();
}
