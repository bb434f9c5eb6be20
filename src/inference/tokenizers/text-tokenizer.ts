/**
 * One tokenizer path for every model: a Hugging Face `tokenizer.json` (+ `tokenizer_config.json`) run
 * by @huggingface/tokenizers, chat templates rendered by @huggingface/jinja, and an incremental
 * decoder for streaming that never emits half a UTF-8 character.
 */
import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';
import { MemosError } from '../../core/errors';
import type { TemplateMessage } from '../../protocol/inference-types';
import { PLAIN_CHAT_TEMPLATE_VERSION } from '../../protocol/language-model';

/**
 * The template used when a model's config has none (stories260K, raw base models): plain lines, one
 * block per message, then the assistant's turn opened. Version it when it changes: KV caches built
 * from prompts record the template version.
 */
export const PLAIN_CHAT_TEMPLATE =
  "{% for m in messages %}{% if m.role == 'system' %}{{ m.content }}\n\n{% elif m.role == 'user' %}User: {{ m.content }}\n{% else %}Assistant: {{ m.content }}\n{% endif %}{% endfor %}{% if add_generation_prompt %}Assistant:{% endif %}";

export { PLAIN_CHAT_TEMPLATE_VERSION };

const tokenName = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return undefined;
};

/** A tokenizer with its special tokens and chat template. */
export class TextTokenizer {
  readonly #tokenizer: Tokenizer;
  readonly #template: Template;
  /** The id of the beginning-of-sequence token, when the model has one. */
  readonly bosId: number | undefined;
  /** The id of the end-of-sequence token, when the model has one. */
  readonly eosId: number | undefined;
  readonly #bosToken: string;
  readonly #eosToken: string;
  /** Whether the model's own config supplied the chat template (false: {@link PLAIN_CHAT_TEMPLATE}). */
  readonly hasOwnTemplate: boolean;

  /**
   * @param tokenizerJson - the parsed tokenizer.json
   * @param config - the parsed tokenizer_config.json (`{}` when the model has none)
   * @throws {MemosError} MODEL_INVALID when the tokenizer or its chat template cannot be read
   */
  constructor(tokenizerJson: object, config: Record<string, unknown> = {}) {
    try {
      this.#tokenizer = new Tokenizer(tokenizerJson, { clean_up_tokenization_spaces: false, ...config });
    } catch (error) {
      throw new MemosError('MODEL_INVALID', 'tokenizer.json could not be read.', undefined, { cause: error });
    }
    this.#bosToken = tokenName(config['bos_token']) ?? '<s>';
    this.#eosToken = tokenName(config['eos_token']) ?? '</s>';
    this.bosId = this.#tokenizer.token_to_id(this.#bosToken);
    this.eosId = this.#tokenizer.token_to_id(this.#eosToken);
    const template = typeof config['chat_template'] === 'string' ? config['chat_template'] : undefined;
    this.hasOwnTemplate = template !== undefined;
    try {
      this.#template = new Template(template ?? PLAIN_CHAT_TEMPLATE);
    } catch (error) {
      throw new MemosError('MODEL_INVALID', 'The chat template could not be parsed.', undefined, { cause: error });
    }
  }

  /** Token ids of a text, without special tokens. */
  encode(text: string): number[] {
    if (text === '') return [];
    return this.#tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  /** Token ids of a text with the model's special tokens (e.g. BERT's [CLS] … [SEP]), as encoders want them. */
  encodeWithSpecialTokens(text: string): number[] {
    return this.#tokenizer.encode(text, { add_special_tokens: true }).ids;
  }

  /** Text of token ids; special tokens are dropped unless asked for. */
  decode(ids: readonly number[], keepSpecial = false): string {
    if (ids.length === 0) return '';
    return this.#tokenizer.decode([...ids], { skip_special_tokens: !keepSpecial, clean_up_tokenization_spaces: false });
  }

  /** The id of a token string, if the vocabulary has it. */
  tokenToId(token: string): number | undefined {
    return this.#tokenizer.token_to_id(token);
  }

  /** The vocabulary with added tokens, as token → id. */
  vocabulary(): Map<string, number> {
    return this.#tokenizer.get_vocab(true);
  }

  /**
   * Renders a chat into the model's prompt text with its template, the assistant's turn opened.
   * @throws {MemosError} MODEL_INVALID when the template fails on these messages
   */
  renderChat(messages: readonly TemplateMessage[], addGenerationPrompt = true): string {
    try {
      return this.#template.render({
        messages,
        bos_token: this.#bosToken,
        eos_token: this.#eosToken,
        add_generation_prompt: addGenerationPrompt,
      });
    } catch (error) {
      throw new MemosError('MODEL_INVALID', 'The chat template failed on these messages.', undefined, { cause: error });
    }
  }

  /**
   * Token ids of a rendered chat: the template's text encoded, with BOS in front when the template
   * did not write it and the model has one.
   */
  encodeChat(messages: readonly TemplateMessage[]): number[] {
    const text = this.renderChat(messages);
    const startsWithBos = text.startsWith(this.#bosToken);
    const ids = this.encode(startsWithBos ? text.slice(this.#bosToken.length) : text);
    return this.bosId === undefined ? ids : [this.bosId, ...ids];
  }

  /** A streaming decoder for this tokenizer. */
  streamDecoder(): StreamDecoder {
    return new StreamDecoder(this);
  }
}

/**
 * Turns tokens into text as they arrive: each push returns only the new, complete text. Text that
 * ends in an unfinished UTF-8 sequence (U+FFFD at the end) is held back until the next token.
 */
export class StreamDecoder {
  readonly #tokenizer: TextTokenizer;
  readonly #ids: number[] = [];
  #emitted = 0;

  constructor(tokenizer: TextTokenizer) {
    this.#tokenizer = tokenizer;
  }

  /** Adds a token; returns the text it completes (possibly empty). */
  push(id: number): string {
    this.#ids.push(id);
    const text = this.#tokenizer.decode(this.#ids);
    if (text.endsWith('\uFFFD')) return '';
    const fresh = text.slice(this.#emitted);
    this.#emitted = text.length;
    return fresh;
  }

  /** The whole text so far. */
  text(): string {
    return this.#tokenizer.decode(this.#ids);
  }
}
