/**
 * Converts a llama2.c tokenizer file (`tokenizer.bin` / `tok512.bin`) into a Hugging Face
 * `tokenizer.json` object: a byte-fallback BPE in the shape of Llama's own, so that one tokenizer path
 * (@huggingface/tokenizers) serves every model.
 *
 * The llama2.c file holds `int32 max_token_length`, then for each id in order `float32 score,
 * int32 byteLength, bytes`. Ids 0, 1, 2 are `<unk>`, BOS, EOS; the next 256 are `<0xNN>` byte pieces.
 * llama2.c encodes by merging, at each step, the adjacent pair whose concatenation has the highest
 * score; a BPE merge list ranked by the merged piece's score reproduces that.
 */
import { MemosError } from '../../core/errors';
import { ownValue, recordOf } from '../../core/own-keys';

/** One piece of a llama2.c vocabulary. */
export interface Llama2cPiece {
  readonly text: string;
  readonly score: number;
}

/** The parsed vocabulary and the longest piece length it declares. */
export interface Llama2cVocabulary {
  readonly maxTokenLength: number;
  readonly pieces: readonly Llama2cPiece[];
}

const SPACE_MARK = '\u2581';
const SPECIAL = ['<unk>', '<s>', '</s>'] as const;

/**
 * Reads a llama2.c tokenizer file.
 * @param bytes - the whole file
 * @param vocabSize - the model's vocabulary size (the file does not record it)
 * @throws {MemosError} MODEL_INVALID when the file is shorter or longer than that many pieces
 */
export function parseLlama2cTokenizer(bytes: Uint8Array, vocabSize: number): Llama2cVocabulary {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const fail = (why: string): never => {
    throw new MemosError('MODEL_INVALID', `The llama2.c tokenizer file is damaged: ${why}.`, { vocabSize });
  };
  if (bytes.byteLength < 4) fail('it is shorter than its header');
  const maxTokenLength = view.getInt32(0, true);
  const pieces: Llama2cPiece[] = [];
  let offset = 4;
  for (let id = 0; id < vocabSize; id++) {
    if (offset + 8 > bytes.byteLength) fail(`it ends before piece ${id}`);
    const score = view.getFloat32(offset, true);
    const length = view.getInt32(offset + 4, true);
    offset += 8;
    if (length < 0 || offset + length > bytes.byteLength) fail(`piece ${id} runs past the end`);
    pieces.push({ text: decoder.decode(bytes.subarray(offset, offset + length)), score });
    offset += length;
  }
  if (offset !== bytes.byteLength) fail(`it has ${bytes.byteLength - offset} bytes after piece ${vocabSize - 1}`);
  return { maxTokenLength, pieces };
}

/** A tokenizer.json object (the subset of fields this project writes). */
export interface TokenizerJson {
  readonly version: '1.0';
  readonly truncation: null;
  readonly padding: null;
  readonly added_tokens: readonly {
    id: number;
    content: string;
    single_word: false;
    lstrip: false;
    rstrip: false;
    normalized: false;
    special: true;
  }[];
  readonly normalizer: unknown;
  readonly pre_tokenizer: null;
  readonly post_processor: unknown;
  readonly decoder: unknown;
  readonly model: {
    readonly type: 'BPE';
    readonly dropout: null;
    readonly unk_token: string;
    readonly continuing_subword_prefix: null;
    readonly end_of_word_suffix: null;
    readonly fuse_unk: true;
    readonly byte_fallback: true;
    readonly ignore_merges: false;
    readonly vocab: Record<string, number>;
    readonly merges: readonly (readonly [string, string])[];
  };
}

/**
 * Builds the tokenizer.json for a parsed llama2.c vocabulary. Encoding with it prepends a space
 * (as llama2.c does) and adds BOS through the post-processor when special tokens are asked for.
 */
export function llama2cToTokenizerJson(vocabulary: Llama2cVocabulary): TokenizerJson {
  const { pieces } = vocabulary;
  const vocab = recordOf<number>([]);
  const pieceOf = (id: number): string => {
    if (id < SPECIAL.length) return SPECIAL[id] as string;
    return (pieces[id] as Llama2cPiece).text.replaceAll(' ', SPACE_MARK);
  };
  for (let id = 0; id < pieces.length; id++) {
    const piece = pieceOf(id);
    if (!Object.hasOwn(vocab, piece)) vocab[piece] = id;
  }
  const isByte = (id: number): boolean => /^<0x[0-9A-F]{2}>$/.test(pieceOf(id));
  const candidates: { left: string; right: string; score: number; leftId: number; rightId: number }[] = [];
  for (let id = SPECIAL.length; id < pieces.length; id++) {
    if (isByte(id)) continue;
    const piece = pieceOf(id);
    const chars = Array.from(piece);
    for (let cut = 1; cut < chars.length; cut++) {
      const left = chars.slice(0, cut).join('');
      const right = chars.slice(cut).join('');
      const leftId = ownValue(vocab, left);
      const rightId = ownValue(vocab, right);
      if (leftId === undefined || rightId === undefined) continue;
      candidates.push({ left, right, score: (pieces[id] as Llama2cPiece).score, leftId, rightId });
    }
  }
  candidates.sort((a, b) => b.score - a.score || a.leftId - b.leftId || a.rightId - b.rightId);
  const special = SPECIAL.map((content, id) => ({
    id,
    content,
    single_word: false as const,
    lstrip: false as const,
    rstrip: false as const,
    normalized: false as const,
    special: true as const,
  }));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: special,
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: SPACE_MARK },
        { type: 'Replace', pattern: { String: ' ' }, content: SPACE_MARK },
      ],
    },
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '<s>', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '<s>', type_id: 1 } },
        { Sequence: { id: 'B', type_id: 1 } },
      ],
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
    },
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: SPACE_MARK }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
      ],
    },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<unk>',
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      ignore_merges: false,
      vocab,
      merges: candidates.map((c) => [c.left, c.right] as const),
    },
  };
}

/** The tokenizer_config.json that goes with {@link llama2cToTokenizerJson}: exact round trips, BOS/EOS named. */
export function llama2cTokenizerConfig(): Record<string, unknown> {
  return {
    bos_token: '<s>',
    eos_token: '</s>',
    unk_token: '<unk>',
    clean_up_tokenization_spaces: false,
    add_bos_token: true,
    add_eos_token: false,
  };
}
