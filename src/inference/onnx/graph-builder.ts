/**
 * A small builder for ONNX graphs: names every intermediate value, keeps constants as initializers
 * and gives the operators this project's model builders use a typed call each.
 */
import type { OnnxAttribute, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo } from './onnx-proto';

/** Builds one graph; `op` returns the name of the node's first output. */
export class GraphBuilder {
  readonly #nodes: OnnxNode[] = [];
  readonly #initializers: OnnxTensor[] = [];
  readonly #inputs: OnnxValueInfo[] = [];
  readonly #outputs: OnnxValueInfo[] = [];
  #counter = 0;

  /** Declares a graph input and returns its name. */
  input(info: OnnxValueInfo): string {
    this.#inputs.push(info);
    return info.name;
  }

  /** Declares that the value `from` is the graph output `info.name` (an Identity when names differ). */
  output(from: string, info: OnnxValueInfo): void {
    if (from !== info.name) this.op('Identity', [from], {}, info.name);
    this.#outputs.push(info);
  }

  /** Adds a constant tensor and returns its name. */
  constant(name: string, type: OnnxTensor['type'], dims: readonly number[], data: OnnxTensor['data']): string {
    const unique = `${name}`;
    this.#initializers.push({ name: unique, type, dims, data });
    return unique;
  }

  /** An int64 vector constant (shapes, axes, indices). */
  ints(values: readonly number[], name = this.#fresh('ints')): string {
    return this.constant(name, 'int64', [values.length], BigInt64Array.from(values.map((v) => BigInt(v))));
  }

  /** An int64 scalar constant. */
  int(value: number, name = this.#fresh('int')): string {
    return this.constant(name, 'int64', [], BigInt64Array.of(BigInt(value)));
  }

  /** A float32 scalar constant. */
  float(value: number, name = this.#fresh('float')): string {
    return this.constant(name, 'float', [], Float32Array.of(value));
  }

  /**
   * Adds a node with one output and returns that output's name.
   * @param output - a fixed name for the output (default: a fresh one)
   */
  op(op: string, inputs: readonly string[], attributes: Record<string, OnnxAttribute> = {}, output?: string): string {
    const name = output ?? this.#fresh(op);
    this.#nodes.push({ op, inputs, outputs: [name], name: `${op}_${this.#counter++}`, attributes });
    return name;
  }

  /** Adds a node of another operator domain (e.g. onnxruntime's "com.microsoft") and returns its output. */
  opIn(domain: string, op: string, inputs: readonly string[], attributes: Record<string, OnnxAttribute> = {}): string {
    const name = this.#fresh(op);
    this.#nodes.push({ op, domain, inputs, outputs: [name], name: `${op}_${this.#counter++}`, attributes });
    return name;
  }

  /** Adds a node with several outputs and returns their names. */
  opN(op: string, inputs: readonly string[], count: number, attributes: Record<string, OnnxAttribute> = {}): string[] {
    const outputs = Array.from({ length: count }, () => this.#fresh(op));
    this.#nodes.push({ op, inputs, outputs, name: `${op}_${this.#counter++}`, attributes });
    return outputs;
  }

  /** MatMul. */
  matmul(a: string, b: string): string {
    return this.op('MatMul', [a, b]);
  }

  /** Elementwise Add / Mul / Sub / Div. */
  add(a: string, b: string): string {
    return this.op('Add', [a, b]);
  }
  mul(a: string, b: string): string {
    return this.op('Mul', [a, b]);
  }
  sub(a: string, b: string): string {
    return this.op('Sub', [a, b]);
  }

  /** Reshape to a fixed shape vector (0 copies the input's dim, -1 infers one). */
  reshape(x: string, shape: readonly number[]): string {
    return this.op('Reshape', [x, this.ints(shape)]);
  }

  /** Transpose with a permutation. */
  transpose(x: string, perm: readonly number[]): string {
    return this.op('Transpose', [x], { perm: { kind: 'ints', value: perm } });
  }

  /** Unsqueeze (opset 13+: axes as an input). */
  unsqueeze(x: string, axes: readonly number[]): string {
    return this.op('Unsqueeze', [x, this.ints(axes)]);
  }

  /** Concat along an axis. */
  concat(inputs: readonly string[], axis: number, output?: string): string {
    return this.op('Concat', inputs, { axis: { kind: 'int', value: axis } }, output);
  }

  /** One dimension of a value's shape, as an int64 scalar. */
  dim(x: string, axis: number): string {
    const shape = this.op('Shape', [x]);
    return this.op('Gather', [shape, this.int(axis)], { axis: { kind: 'int', value: 0 } });
  }

  /** The finished model. */
  build(graphName: string, opset: number, metadata: Record<string, string> = {}): OnnxModel {
    return {
      graphName,
      opset,
      inputs: this.#inputs,
      outputs: this.#outputs,
      initializers: this.#initializers,
      nodes: this.#nodes,
      metadata,
    };
  }

  #fresh(prefix: string): string {
    return `${prefix}_${this.#counter++}`;
  }
}
