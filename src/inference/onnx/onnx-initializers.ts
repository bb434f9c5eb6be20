/**
 * Finds the weights (graph initialisers) of an .onnx file without decoding the whole model: where each
 * tensor's numbers sit in the file, so they can be read or overwritten in place. Used to merge LoRA
 * adapters into a decoder's weights (same size, so a patched copy of the bytes is a valid model).
 * Reads only the fields it needs of onnx.proto (ModelProto.graph, GraphProto.initializer, TensorProto
 * dims, data_type, float_data, name, raw_data, data_location).
 */
import protobuf from 'protobufjs/minimal.js';
import { MemosError } from '../../core/errors';

/** Where one float32 initialiser's values are in the file. */
export interface InitializerLocation {
  readonly name: string;
  readonly dims: readonly number[];
  /** Byte offset of the first value (little-endian float32, contiguous). */
  readonly offset: number;
  /** Number of float32 values. */
  readonly length: number;
}

const FLOAT = 1;
const WIRE_VARINT = 0;
const WIRE_LENGTH = 2;

function readTensor(reader: protobuf.Reader, end: number): InitializerLocation | null {
  const dims: number[] = [];
  let name = '';
  let dataType = 0;
  let offset = -1;
  let bytes = 0;
  let external = false;
  while (reader.pos < end) {
    const key = reader.uint32();
    const field = key >>> 3;
    const wire = key & 7;
    if (field === 1 && wire === WIRE_VARINT) dims.push(Number(reader.int64()));
    else if (field === 1 && wire === WIRE_LENGTH) {
      const stop = reader.uint32() + reader.pos;
      while (reader.pos < stop) dims.push(Number(reader.int64()));
    } else if (field === 2 && wire === WIRE_VARINT) dataType = reader.int32();
    else if (field === 8 && wire === WIRE_LENGTH) name = reader.string();
    else if ((field === 9 || field === 4) && wire === WIRE_LENGTH) {
      // raw_data, or packed float_data: either way little-endian float32 values, back to back.
      bytes = reader.uint32();
      offset = reader.pos;
      reader.skip(bytes);
    } else if (field === 14 && wire === WIRE_VARINT) external = reader.int32() === 1;
    else reader.skipType(wire);
  }
  if (dataType !== FLOAT || offset < 0 || external) return null;
  return { name, dims, offset, length: bytes / 4 };
}

/** The float32 initialisers of a model, by name (others — int64 constants, external data — are left out). */
export function findInitializers(model: Uint8Array): Map<string, InitializerLocation> {
  const found = new Map<string, InitializerLocation>();
  const reader = protobuf.Reader.create(model);
  try {
    while (reader.pos < reader.len) {
      const key = reader.uint32();
      if (key >>> 3 !== 7 || (key & 7) !== WIRE_LENGTH) {
        reader.skipType(key & 7);
        continue;
      }
      const graphEnd = reader.uint32() + reader.pos;
      while (reader.pos < graphEnd) {
        const graphKey = reader.uint32();
        if (graphKey >>> 3 === 5 && (graphKey & 7) === WIRE_LENGTH) {
          const end = reader.uint32() + reader.pos;
          const tensor = readTensor(reader, end);
          reader.pos = end;
          if (tensor) found.set(tensor.name, tensor);
        } else reader.skipType(graphKey & 7);
      }
    }
  } catch (error) {
    throw new MemosError('INVALID_INPUT', 'The model file is not a readable ONNX model.', { field: 'model' }, { cause: error });
  }
  return found;
}

/** A copy of one initialiser's values. */
export function readInitializer(model: Uint8Array, location: InitializerLocation): Float32Array {
  const out = new Float32Array(location.length);
  new Uint8Array(out.buffer).set(model.subarray(location.offset, location.offset + location.length * 4));
  return out;
}

/** Overwrites one initialiser's values in place (the file keeps its size and layout). */
export function writeInitializer(model: Uint8Array, location: InitializerLocation, values: Float32Array): void {
  if (values.length !== location.length) throw new MemosError('INVALID_INPUT', `${location.name}: ${values.length} values for a tensor of ${location.length}.`);
  model.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), location.offset);
}
