// A tiny BERT-style sentence encoder for tests, built here: a WordPiece tokenizer.json, an ONNX graph
// with seeded weights (post-LN transformer, exact GELU, padding mask) written with the project's ONNX
// writer, and a plain TypeScript forward pass of the same math as the reference.
import { seededRandom } from '../../src/core/seeded-random';
import { GraphBuilder } from '../../src/inference/onnx/graph-builder';
import { encodeOnnxModel } from '../../src/inference/onnx/onnx-proto';

export const BERT = { layers: 2, hidden: 32, heads: 4, intermediate: 64, maxPositions: 64, eps: 1e-12 } as const;

const WORDS = 'the a cat dog sat on mat rug kitten rested stock market markets fell sharply rain is forecast for tuesday by fire'.split(' ');
const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'];
const LETTERS = 'abcdefghijklmnopqrstuvwxyz'.split('');
const VOCAB = [...SPECIAL, ...WORDS, ...LETTERS, ...LETTERS.map((l) => `##${l}`)];

/** A WordPiece tokenizer.json (lower-casing, [CLS] … [SEP]). */
export function tinyBertTokenizerJson(): object {
  const special = (content: string, id: number) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map(special),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
      special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])) },
  };
}

interface Layer {
  wq: Float32Array; bq: Float32Array; wk: Float32Array; bk: Float32Array; wv: Float32Array; bv: Float32Array;
  wo: Float32Array; bo: Float32Array; ln1g: Float32Array; ln1b: Float32Array;
  w1: Float32Array; b1: Float32Array; w2: Float32Array; b2: Float32Array; ln2g: Float32Array; ln2b: Float32Array;
}
export interface TinyBertWeights { word: Float32Array; pos: Float32Array; type: Float32Array; lng: Float32Array; lnb: Float32Array; layers: Layer[] }

/** Seeded weights. */
export function tinyBertWeights(seed = 1): TinyBertWeights {
  const next = seededRandom(seed);
  const r = (n: number, spread = 0.3) => Float32Array.from({ length: n }, () => (next() * 2 - 1) * spread);
  const g = (n: number) => Float32Array.from({ length: n }, () => 1 + (next() * 2 - 1) * 0.1);
  const { hidden: h, intermediate: i } = BERT;
  return {
    word: r(VOCAB.length * h, 1), pos: r(BERT.maxPositions * h, 0.2), type: r(2 * h, 0.2), lng: g(h), lnb: r(h, 0.1),
    layers: Array.from({ length: BERT.layers }, () => ({
      wq: r(h * h), bq: r(h, 0.1), wk: r(h * h), bk: r(h, 0.1), wv: r(h * h), bv: r(h, 0.1), wo: r(h * h), bo: r(h, 0.1), ln1g: g(h), ln1b: r(h, 0.1),
      w1: r(h * i), b1: r(i, 0.1), w2: r(i * h), b2: r(h, 0.1), ln2g: g(h), ln2b: r(h, 0.1),
    })),
  };
}

/** The encoder as ONNX: input_ids, attention_mask, token_type_ids → last_hidden_state. */
export function tinyBertOnnx(w: TinyBertWeights): Uint8Array {
  const b = new GraphBuilder();
  const { hidden: h, heads, intermediate: inter } = BERT;
  const d = h / heads;
  const ids = b.input({ name: 'input_ids', type: 'int64', dims: ['batch', 'seq'] });
  const mask = b.input({ name: 'attention_mask', type: 'int64', dims: ['batch', 'seq'] });
  const types = b.input({ name: 'token_type_ids', type: 'int64', dims: ['batch', 'seq'] });
  const axis0 = { axis: { kind: 'int', value: 0 } } as const;
  const c = (name: string, dims: number[], data: Float32Array) => b.constant(name, 'float', dims, data);
  const positions = b.op('Range', [b.int(0), b.dim(ids, 1), b.int(1)]);
  let x = b.add(b.add(b.op('Gather', [c('word', [VOCAB.length, h], w.word), ids], axis0), b.op('Gather', [c('pos', [BERT.maxPositions, h], w.pos), positions], axis0)), b.op('Gather', [c('type', [2, h], w.type), types], axis0));
  const ln = (v: string, gamma: string, beta: string) => b.op('LayerNormalization', [v, gamma, beta], { axis: { kind: 'int', value: -1 }, epsilon: { kind: 'float', value: BERT.eps } });
  x = ln(x, c('lng', [h], w.lng), c('lnb', [h], w.lnb));
  const maskFloat = b.op('Cast', [mask], { to: { kind: 'int', value: 1 } });
  const bias = b.unsqueeze(b.mul(b.sub(b.float(1), maskFloat), b.float(-1e9)), [1, 2]);
  w.layers.forEach((L, l) => {
    const lin = (v: string, W: Float32Array, B: Float32Array, inDim: number, outDim: number, n: string) => b.add(b.matmul(v, c(`${l}.${n}.w`, [inDim, outDim], W)), c(`${l}.${n}.b`, [outDim], B));
    const heads4 = (v: string) => b.transpose(b.reshape(v, [0, 0, heads, d]), [0, 2, 1, 3]);
    const q = heads4(lin(x, L.wq, L.bq, h, h, 'q'));
    const k = heads4(lin(x, L.wk, L.bk, h, h, 'k'));
    const v = heads4(lin(x, L.wv, L.bv, h, h, 'v'));
    const scores = b.add(b.mul(b.matmul(q, b.transpose(k, [0, 1, 3, 2])), b.float(1 / Math.sqrt(d))), bias);
    const attn = b.matmul(b.op('Softmax', [scores], { axis: { kind: 'int', value: -1 } }), v);
    const merged = b.reshape(b.transpose(attn, [0, 2, 1, 3]), [0, 0, h]);
    x = ln(b.add(x, lin(merged, L.wo, L.bo, h, h, 'o')), c(`${l}.ln1g`, [h], L.ln1g), c(`${l}.ln1b`, [h], L.ln1b));
    const up = lin(x, L.w1, L.b1, h, inter, 'f1');
    const gelu = b.mul(b.mul(up, b.float(0.5)), b.add(b.float(1), b.op('Erf', [b.mul(up, b.float(Math.SQRT1_2))])));
    x = ln(b.add(x, lin(gelu, L.w2, L.b2, inter, h, 'f2')), c(`${l}.ln2g`, [h], L.ln2g), c(`${l}.ln2b`, [h], L.ln2b));
  });
  b.output(x, { name: 'last_hidden_state', type: 'float', dims: ['batch', 'seq', h] });
  return encodeOnnxModel(b.build('tiny-bert', 17));
}

const layerNorm = (x: Float64Array, g: Float32Array, bta: Float32Array): Float64Array => {
  const mean = x.reduce((a, v) => a + v, 0) / x.length;
  const variance = x.reduce((a, v) => a + (v - mean) ** 2, 0) / x.length;
  return x.map((v, i) => ((v - mean) / Math.sqrt(variance + BERT.eps)) * (g[i] as number) + (bta[i] as number));
};
const linear = (x: Float64Array, W: Float32Array, B: Float32Array, outDim: number): Float64Array => {
  const y = Float64Array.from(B);
  for (let i = 0; i < x.length; i++) for (let o = 0; o < outDim; o++) y[o] = (y[o] as number) + (x[i] as number) * (W[i * outDim + o] as number);
  return y;
};
const erf = (z: number): number => {
  // Abramowitz–Stegun 7.1.26 is too coarse for 1e-4; integrate the series instead.
  let sum = 0;
  let term = z;
  for (let n = 0; n < 60; n++) {
    sum += term / (2 * n + 1);
    term *= (-z * z) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
};

/** The reference: last hidden states of one unpadded sequence. */
export function tinyBertReference(w: TinyBertWeights, ids: readonly number[]): Float64Array[] {
  const { hidden: h, heads, intermediate: inter } = BERT;
  const d = h / heads;
  let xs = ids.map((id, p) => layerNorm(Float64Array.from({ length: h }, (_, i) => (w.word[id * h + i] as number) + (w.pos[p * h + i] as number) + (w.type[i] as number)), w.lng, w.lnb));
  for (const L of w.layers) {
    const q = xs.map((x) => linear(x, L.wq, L.bq, h));
    const k = xs.map((x) => linear(x, L.wk, L.bk, h));
    const v = xs.map((x) => linear(x, L.wv, L.bv, h));
    xs = xs.map((x, t) => {
      const merged = new Float64Array(h);
      for (let hd = 0; hd < heads; hd++) {
        const scores = k.map((kt) => {
          let s = 0;
          for (let i = 0; i < d; i++) s += (q[t]![hd * d + i] as number) * (kt[hd * d + i] as number);
          return s / Math.sqrt(d);
        });
        const m = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - m));
        const z = e.reduce((a, b) => a + b, 0);
        v.forEach((vt, j) => {
          for (let i = 0; i < d; i++) merged[hd * d + i] = (merged[hd * d + i] as number) + ((e[j] as number) / z) * (vt[hd * d + i] as number);
        });
      }
      const attended = layerNorm(x.map((val, i) => val + (linear(merged, L.wo, L.bo, h)[i] as number)), L.ln1g, L.ln1b);
      const up = linear(attended, L.w1, L.b1, inter).map((u) => 0.5 * u * (1 + erf(u * Math.SQRT1_2)));
      const down = linear(up, L.w2, L.b2, h);
      return layerNorm(attended.map((val, i) => val + (down[i] as number)), L.ln2g, L.ln2b);
    });
  }
  return xs;
}
