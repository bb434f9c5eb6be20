import * as ort from 'onnxruntime-web';
import fs from 'node:fs';
import { readLlama2cCheckpoint } from './src/inference/onnx/llama2c-checkpoint';
import { llamaDecoderOnnx } from './src/inference/onnx/llama-decoder-graph';
ort.env.wasm.numThreads = 1;
const { shape, weights } = readLlama2cCheckpoint(new Uint8Array(fs.readFileSync('/work/shared/models/stories260K/stories260K.bin')));
console.log(shape);
const bytes = llamaDecoderOnnx(shape, weights);
console.log('bytes', bytes.length);
const ours = await ort.InferenceSession.create(bytes);
const theirs = await ort.InferenceSession.create(fs.readFileSync('/work/shared/models/stories260K/stories260K.onnx'));
const ids=[1, 403, 407, 261, 378, 432, 383, 286, 261, 376];
const n=ids.length;
const feeds:any = { input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1,n]),
  attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1,n]),
  position_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map((_,i)=>BigInt(i))), [1,n]) };
for (let l=0;l<5;l++){ feeds[`past_key_values.${l}.key`]=new ort.Tensor('float32', new Float32Array(0), [1,4,0,8]); feeds[`past_key_values.${l}.value`]=new ort.Tensor('float32', new Float32Array(0), [1,4,0,8]);}
const a = await ours.run(feeds); const b = await theirs.run(feeds);
let m=0; const la=a.logits!.data as Float32Array, lb=b.logits!.data as Float32Array;
for (let i=0;i<la.length;i++) m=Math.max(m,Math.abs(la[i]!-lb[i]!));
console.log('max logit diff', m, la.length, lb.length, a['present.4.key']!.dims);
