/**
 * Reads a llama2.c checkpoint (`model.bin`, the legacy float32 format of karpathy/llama2.c) into a
 * {@link LlamaShape} and {@link LlamaWeights}, so such a model can be turned into an ONNX decoder.
 * Layout: seven int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size — negative when the
 * classifier is stored apart —, seq_len), then the float32 tensors in a fixed order, matrices stored
 * (out, in); they are transposed here to (in, out).
 */
import { MemosError } from '../../core/errors';
import type { LlamaLayerWeights, LlamaShape, LlamaWeights } from './llama-shape';

const HEADER_BYTES = 7 * 4;

/**
 * Parses a llama2.c checkpoint.
 * @throws {MemosError} MODEL_INVALID when the header and the file size disagree
 */
export function readLlama2cCheckpoint(bytes: Uint8Array, ropeTheta = 10000, rmsEps = 1e-5): { shape: LlamaShape; weights: LlamaWeights } {
  if (bytes.byteLength < HEADER_BYTES) throw new MemosError('MODEL_INVALID', 'The llama2.c checkpoint is shorter than its header.');
  const header = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const [dim, hiddenDim, layers, heads, kvHeads, signedVocab, seqLen] = Array.from({ length: 7 }, (_, i) => header.getInt32(i * 4, true)) as [
    number, number, number, number, number, number, number,
  ];
  const vocab = Math.abs(signedVocab);
  const head = dim / heads;
  const kvDim = kvHeads * head;
  const shape: LlamaShape = {
    layers, hidden: dim, intermediate: hiddenDim, heads, kvHeads, vocab, maxPositions: seqLen, ropeTheta, rmsEps,
    rope: 'interleaved', tiedEmbeddings: signedVocab > 0,
  };
  const floats = (bytes.byteLength - HEADER_BYTES) / 4;
  const expected =
    vocab * dim + layers * (2 * dim + 2 * dim * dim + 2 * kvDim * dim + 3 * dim * hiddenDim) + dim + seqLen * head + (signedVocab > 0 ? 0 : vocab * dim);
  if (!Number.isInteger(floats) || floats !== expected || !(dim > 0 && heads > 0 && layers > 0)) {
    throw new MemosError('MODEL_INVALID', 'The llama2.c checkpoint size does not match its header.', { expected, floats });
  }
  const data = new Float32Array(bytes.slice(HEADER_BYTES).buffer);
  let at = 0;
  const take = (n: number): Float32Array => data.subarray(at, (at += n));
  const transposed = (outDim: number, inDim: number): Float32Array => {
    const source = take(outDim * inDim);
    const out = new Float32Array(outDim * inDim);
    for (let o = 0; o < outDim; o++) for (let i = 0; i < inDim; i++) out[i * outDim + o] = source[o * inDim + i] as number;
    return out;
  };
  const perLayer = (read: () => Float32Array): Float32Array[] => Array.from({ length: layers }, read);
  const embed = take(vocab * dim).slice();
  const attnNorm = perLayer(() => take(dim).slice());
  const wq = perLayer(() => transposed(dim, dim));
  const wk = perLayer(() => transposed(kvDim, dim));
  const wv = perLayer(() => transposed(kvDim, dim));
  const wo = perLayer(() => transposed(dim, dim));
  const ffnNorm = perLayer(() => take(dim).slice());
  const w1 = perLayer(() => transposed(hiddenDim, dim));
  const w2 = perLayer(() => transposed(dim, hiddenDim));
  const w3 = perLayer(() => transposed(hiddenDim, dim));
  const finalNorm = take(dim).slice();
  take(seqLen * head); // legacy RoPE tables (cos and sin, half each): recomputed in the graph
  const layerWeights: LlamaLayerWeights[] = Array.from({ length: layers }, (_, l) => ({
    attnNorm: attnNorm[l]!, wq: wq[l]!, wk: wk[l]!, wv: wv[l]!, wo: wo[l]!, ffnNorm: ffnNorm[l]!, w1: w1[l]!, w2: w2[l]!, w3: w3[l]!,
  }));
  const weights: LlamaWeights = { embed, layers: layerWeights, finalNorm };
  return { shape, weights: shape.tiedEmbeddings ? weights : { ...weights, lmHead: transposed(vocab, dim) } };
}
