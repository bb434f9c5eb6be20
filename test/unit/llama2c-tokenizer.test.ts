import { describe, expect, it } from 'vitest';
import { MemosError } from '../../src/core/errors';
import {
  llama2cToTokenizerJson,
  llama2cTokenizerConfig,
  parseLlama2cTokenizer,
  type Llama2cVocabulary,
} from '../../src/inference/tokenizers/llama2c-tokenizer';
import { TextTokenizer } from '../../src/inference/tokenizers/text-tokenizer';
import { HAS_STORIES, storiesFile, storiesReference } from '../support/shared-models';

/**
 * An independent port of llama2.c's `encode()` (dummy prefix space, codepoint lookup with byte
 * fallback, then repeatedly merge the adjacent pair whose concatenation scores highest): the
 * reference the converted tokenizer.json must agree with.
 */
function llama2cEncode(vocabulary: Llama2cVocabulary, text: string): number[] {
  const index = new Map<string, number>();
  vocabulary.pieces.forEach((p, id) => {
    if (!index.has(p.text)) index.set(p.text, id);
  });
  if (text === '') return [];
  const tokens: number[] = [];
  const space = index.get(' ');
  if (space !== undefined) tokens.push(space);
  for (const ch of text) {
    const id = index.get(ch);
    if (id !== undefined) tokens.push(id);
    else for (const byte of new TextEncoder().encode(ch)) tokens.push(byte + 3);
  }
  for (;;) {
    let best = -Infinity;
    let at = -1;
    let merged = -1;
    for (let i = 0; i + 1 < tokens.length; i++) {
      const joined = vocabulary.pieces[tokens[i]!]!.text + vocabulary.pieces[tokens[i + 1]!]!.text;
      const id = index.get(joined);
      if (id !== undefined && vocabulary.pieces[id]!.score > best) {
        best = vocabulary.pieces[id]!.score;
        at = i;
        merged = id;
      }
    }
    if (at < 0) return tokens;
    tokens.splice(at, 2, merged);
  }
}

const SAMPLES = [
  'Once upon a time, there was a little girl named Lily.',
  'She loved to play outside in the park. One day, she saw a big, red ball!',
  '"Lily, let\'s go," said Mom.\nThey went home.',
  '  two leading spaces and trailing  ',
  'Zoë ate crème brûlée in 2024 — really? 🎉 日本語',
  'tab\there; numbers 3.14159 and symbols #@$%^&*()[]{}',
  'a',
  'the the the thethe',
];

describe.skipIf(!HAS_STORIES)('the llama2.c tokenizer converted to tokenizer.json (needs ../shared stories260K)', () => {
  const vocabulary = HAS_STORIES ? parseLlama2cTokenizer(storiesFile('tok512.bin'), 512) : undefined;
  const tokenizer = vocabulary ? new TextTokenizer(llama2cToTokenizerJson(vocabulary), llama2cTokenizerConfig()) : undefined;

  it('reads all 512 pieces with their scores and the special and byte pieces in place', () => {
    expect(vocabulary!.pieces).toHaveLength(512);
    expect(vocabulary!.pieces[3]!.text).toBe('<0x00>');
    expect(vocabulary!.pieces[258]!.text).toBe('<0xFF>');
    expect(vocabulary!.pieces[260]).toEqual({ text: 'he', score: -1 });
    expect(tokenizer!.bosId).toBe(1);
    expect(tokenizer!.eosId).toBe(2);
  });

  it('encodes exactly as llama2.c does, byte fallback included', () => {
    for (const text of SAMPLES) {
      expect(tokenizer!.encode(text), text).toEqual(llama2cEncode(vocabulary!, text));
    }
  });

  it('decodes the reference greedy tokens to the reference text', () => {
    const reference = storiesReference();
    expect(tokenizer!.decode(reference.greedy_ids)).toBe(reference.text);
  });

  it('round-trips text exactly, including characters that only byte pieces can spell', () => {
    for (const text of SAMPLES.filter((t) => !t.startsWith(' '))) {
      expect(tokenizer!.decode(tokenizer!.encode(text))).toBe(text);
    }
  });

  it('streams text without ever emitting half a character', () => {
    const ids = tokenizer!.encode('crème 🎉 done');
    const stream = tokenizer!.streamDecoder();
    const pieces = ids.map((id) => stream.push(id));
    expect(pieces.join('')).toBe('crème 🎉 done');
    expect(pieces.some((p) => p.includes('\uFFFD'))).toBe(false);
  });
});

describe('reading a llama2.c tokenizer file', () => {
  const file = (pieces: [number, string][]): Uint8Array => {
    const encoded = pieces.map(([score, text]) => [score, new TextEncoder().encode(text)] as const);
    const size = 4 + encoded.reduce((n, [, b]) => n + 8 + b.length, 0);
    const bytes = new Uint8Array(size);
    const view = new DataView(bytes.buffer);
    view.setInt32(0, 4, true);
    let at = 4;
    for (const [score, b] of encoded) {
      view.setFloat32(at, score, true);
      view.setInt32(at + 4, b.length, true);
      bytes.set(b, at + 8);
      at += 8 + b.length;
    }
    return bytes;
  };

  it('refuses a file that ends early with MODEL_INVALID', () => {
    const bytes = file([[0, '<unk>'], [0, '<s>'], [0, '</s>']]);
    const error = (() => {
      try {
        parseLlama2cTokenizer(bytes.subarray(0, bytes.length - 2), 3);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(MemosError);
    expect((error as MemosError).code).toBe('MODEL_INVALID');
  });

  it('refuses a file with more pieces than the model has', () => {
    expect(() => parseLlama2cTokenizer(file([[0, 'a'], [0, 'b'], [0, 'c'], [0, 'd']]), 3)).toThrow(MemosError);
  });

  it('ranks merges by the score of the piece they make', () => {
    const json = llama2cToTokenizerJson(
      parseLlama2cTokenizer(file([[0, '<unk>'], [0, '<s>'], [0, '</s>'], [0, ' '], [0, 'a'], [0, 'b'], [-2, 'ab'], [-1, 'ba']]), 8),
    );
    expect(json.model.merges).toEqual([
      ['b', 'a'],
      ['a', 'b'],
    ]);
    const tokenizer = new TextTokenizer(json, llama2cTokenizerConfig());
    // "aba": llama2.c merges the higher-scoring "ba" first.
    expect(tokenizer.encode('aba')).toEqual([3, 4, 7]);
  });
});
