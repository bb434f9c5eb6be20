import { describe, expect, it } from 'vitest';
import { llama2cToTokenizerJson, llama2cTokenizerConfig } from '../../src/inference/tokenizers/llama2c-tokenizer';
import { syntheticVocabulary } from '../../src/inference/onnx/synthetic-vocabulary';
import { Sampler, argmax } from '../../src/inference/decoding/sampling';
import { seededRandom } from '../../src/core/seeded-random';
import { SortingSampler } from '../support/sorting-sampler';
import { PLAIN_CHAT_TEMPLATE, TextTokenizer } from '../../src/inference/tokenizers/text-tokenizer';

const CHATML =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** A tokenizer.json with ChatML's special tokens added to a synthetic vocabulary. */
function chatmlTokenizer(): TextTokenizer {
  const json = llama2cToTokenizerJson(syntheticVocabulary(600));
  const extra = ['<|im_start|>', '<|im_end|>'].map((content, i) => ({
    id: 600 + i, content, single_word: false as const, lstrip: false as const, rstrip: false as const, normalized: false as const, special: true as const,
  }));
  return new TextTokenizer({ ...json, added_tokens: [...json.added_tokens, ...extra] }, { ...llama2cTokenizerConfig(), chat_template: CHATML });
}

describe('chat templates', () => {
  it("renders the model's own template with @huggingface/jinja and encodes its special tokens as single ids", () => {
    const tokenizer = chatmlTokenizer();
    const messages = [
      { role: 'system' as const, content: 'Be brief.' },
      { role: 'user' as const, content: 'hello there' },
    ];
    expect(tokenizer.renderChat(messages)).toBe('<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nhello there<|im_end|>\n<|im_start|>assistant\n');
    const ids = tokenizer.encodeChat(messages);
    expect(ids[0]).toBe(1);
    expect(ids.filter((id) => id === 600)).toHaveLength(3);
    expect(ids.filter((id) => id === 601)).toHaveLength(2);
    expect(tokenizer.hasOwnTemplate).toBe(true);
  });

  it('falls back to the plain template for a model without one', () => {
    const tokenizer = new TextTokenizer(llama2cToTokenizerJson(syntheticVocabulary(400)), llama2cTokenizerConfig());
    expect(tokenizer.hasOwnTemplate).toBe(false);
    expect(PLAIN_CHAT_TEMPLATE).toContain('Assistant:');
    expect(tokenizer.renderChat([{ role: 'system', content: 'Memories.' }, { role: 'user', content: 'hi' }])).toBe('Memories.\n\nUser: hi\nAssistant:');
  });

  it('refuses a template that does not parse with MODEL_INVALID', () => {
    expect(() => new TextTokenizer(llama2cToTokenizerJson(syntheticVocabulary(400)), { chat_template: '{% for %}' })).toThrow(expect.objectContaining({ code: 'MODEL_INVALID' }));
  });
});

describe('sampling', () => {
  const logits = Float32Array.from([0.1, 2.0, 1.9, -1, 0.5]);

  it('is greedy at temperature 0 and with top-k 1', () => {
    expect(new Sampler().next(logits)).toBe(1);
    expect(new Sampler({ temperature: 2, topK: 1, seed: 9 }).next(logits)).toBe(1);
    expect(argmax(logits)).toBe(1);
  });

  it('draws in proportion to the softmax at temperature 1, within the nucleus only', () => {
    const counts = new Array(5).fill(0);
    const sampler = new Sampler({ temperature: 1, seed: 3 });
    for (let i = 0; i < 20_000; i++) counts[sampler.next(logits)]++;
    const exp = [...logits].map((x) => Math.exp(x));
    const total = exp.reduce((a, b) => a + b, 0);
    exp.forEach((e, i) => expect(Math.abs(counts[i] / 20_000 - e / total)).toBeLessThan(0.015));
    const nucleus = new Sampler({ temperature: 1, topP: 0.6, seed: 3 });
    const seen = new Set(Array.from({ length: 2000 }, () => nucleus.next(logits)));
    expect([...seen].sort()).toEqual([1, 2]);
  });

  it('never picks a token the constraint forbids', () => {
    const sampler = new Sampler({ temperature: 1, seed: 1 });
    for (let i = 0; i < 500; i++) expect(sampler.next(logits, (id) => id === 3 || id === 4)).toBeGreaterThanOrEqual(3);
  });
});

describe('sampling at a real vocabulary size', () => {
  /** Logits shaped like a language model's: most near zero, a few far above. */
  function lmLogits(vocab: number, seed: number): Float32Array {
    const random = seededRandom(seed);
    const logits = new Float32Array(vocab);
    for (let i = 0; i < vocab; i++) logits[i] = (random() + random() + random() - 1.5) * 4;
    for (let j = 0; j < 40; j++) logits[Math.floor(random() * vocab)] = 10 + random() * 15;
    return logits;
  }

  it.each([
    [{ temperature: 0.8, seed: 7 }],
    [{ temperature: 1, topK: 40, seed: 1 }],
    [{ temperature: 0.7, topP: 0.9, seed: 2 }],
    [{ temperature: 1.3, topK: 50, topP: 0.95, seed: 3 }],
    [{ temperature: 0, seed: 4 }],
  ])('picks what the sorting sampler picks, seed for seed (%o)', (options) => {
    const fast = new Sampler(options);
    const reference = new SortingSampler(options);
    for (let step = 0; step < 60; step++) {
      const logits = lmLogits(32_000, step);
      const allowed = step % 3 === 0 ? (id: number) => id % 7 !== 0 : undefined;
      expect(fast.next(logits, allowed), `step ${step}`).toBe(reference.next(logits, allowed));
    }
  });
});
