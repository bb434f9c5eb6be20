// A plain TypeScript Llama forward pass, written from the model's equations with loops and no ONNX:
// the reference the ONNX graphs built by src/inference/onnx must agree with. Slow; tiny shapes only.
import type { LlamaShape, LlamaWeights } from '../../src/inference/onnx/llama-shape';

const rmsNorm = (x: Float64Array, w: Float32Array, eps: number): Float64Array => {
  let ss = 0;
  for (const v of x) ss += v * v;
  const scale = 1 / Math.sqrt(ss / x.length + eps);
  return x.map((v, i) => v * scale * (w[i] as number));
};

/** y = x·W for W stored (in, out) row-major. */
const project = (x: Float64Array, w: Float32Array, outDim: number): Float64Array => {
  const y = new Float64Array(outDim);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    for (let o = 0; o < outDim; o++) y[o] = (y[o] as number) + xi * (w[i * outDim + o] as number);
  }
  return y;
};

const rotate = (v: Float64Array, offset: number, d: number, pos: number, shape: LlamaShape): void => {
  for (let i = 0; i < d / 2; i++) {
    const angle = pos * Math.pow(shape.ropeTheta, (-2 * i) / d);
    const [a, b] = shape.rope === 'interleaved' ? [offset + 2 * i, offset + 2 * i + 1] : [offset + i, offset + i + d / 2];
    const x0 = v[a] as number;
    const x1 = v[b] as number;
    v[a] = x0 * Math.cos(angle) - x1 * Math.sin(angle);
    v[b] = x0 * Math.sin(angle) + x1 * Math.cos(angle);
  }
};

/** Logits of every position of `ids` (no cache; causal attention over the whole sequence). */
export function referenceLogits(shape: LlamaShape, weights: LlamaWeights, ids: readonly number[]): Float64Array[] {
  const d = shape.hidden / shape.heads;
  const groups = shape.heads / shape.kvHeads;
  const keys: Float64Array[][] = weights.layers.map(() => []);
  const values: Float64Array[][] = weights.layers.map(() => []);
  const out: Float64Array[] = [];
  ids.forEach((id, pos) => {
    let x = Float64Array.from(weights.embed.subarray(id * shape.hidden, (id + 1) * shape.hidden));
    weights.layers.forEach((w, l) => {
      const h = rmsNorm(x, w.attnNorm, shape.rmsEps);
      const q = project(h, w.wq, shape.heads * d);
      const k = project(h, w.wk, shape.kvHeads * d);
      const v = project(h, w.wv, shape.kvHeads * d);
      for (let head = 0; head < shape.heads; head++) rotate(q, head * d, d, pos, shape);
      for (let head = 0; head < shape.kvHeads; head++) rotate(k, head * d, d, pos, shape);
      (keys[l] as Float64Array[]).push(k);
      (values[l] as Float64Array[]).push(v);
      const attended = new Float64Array(shape.heads * d);
      for (let head = 0; head < shape.heads; head++) {
        const kvHead = Math.floor(head / groups);
        const scores = (keys[l] as Float64Array[]).map((kt) => {
          let s = 0;
          for (let i = 0; i < d; i++) s += (q[head * d + i] as number) * (kt[kvHead * d + i] as number);
          return s / Math.sqrt(d);
        });
        const max = Math.max(...scores);
        const exps = scores.map((s) => Math.exp(s - max));
        const total = exps.reduce((a, b) => a + b, 0);
        (values[l] as Float64Array[]).forEach((vt, t) => {
          for (let i = 0; i < d; i++) attended[head * d + i] = (attended[head * d + i] as number) + ((exps[t] as number) / total) * (vt[kvHead * d + i] as number);
        });
      }
      const o = project(attended, w.wo, shape.hidden);
      x = x.map((value, i) => value + (o[i] as number));
      const f = rmsNorm(x, w.ffnNorm, shape.rmsEps);
      const gate = project(f, w.w1, shape.intermediate);
      const up = project(f, w.w3, shape.intermediate);
      const act = gate.map((g, i) => (g / (1 + Math.exp(-g))) * (up[i] as number));
      const down = project(act, w.w2, shape.hidden);
      x = x.map((value, i) => value + (down[i] as number));
    });
    const normed = rmsNorm(x, weights.finalNorm, shape.rmsEps);
    const logits = new Float64Array(shape.vocab);
    for (let t = 0; t < shape.vocab; t++) {
      let s = 0;
      for (let i = 0; i < shape.hidden; i++) {
        const w = weights.lmHead ? (weights.lmHead[i * shape.vocab + t] as number) : (weights.embed[t * shape.hidden + i] as number);
        s += (normed[i] as number) * w;
      }
      logits[t] = s;
    }
    out.push(logits);
  });
  return out;
}
