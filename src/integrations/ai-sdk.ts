/**
 * memos-web as memory for the Vercel AI SDK (`memos-web/ai-sdk`): a language model middleware for
 * `wrapLanguageModel`. Before a call it recalls the user's memories for the last user message and
 * puts them, with dates and provenance, in a system message; after the answer it remembers the
 * exchange. It works for `generateText` and `streamText`; a call that fails or is aborted stores
 * nothing. Speaks the AI SDK 6 middleware specification (v3); `ai` is an optional peer dependency and
 * only its types are used here.
 *
 * @example
 * import { wrapLanguageModel, streamText } from 'ai';
 * import { memoryMiddleware } from 'memos-web/ai-sdk';
 * const model = wrapLanguageModel({ model: openai('gpt-4o-mini'), middleware: memoryMiddleware({ memos: client.api, userId: 'ana' }) });
 */
import type { LanguageModelV3CallOptions, LanguageModelV3Middleware, LanguageModelV3Prompt, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { recall, rememberTurn, type MemoryLinkOptions } from './memory-link';

/** Options of {@link memoryMiddleware}. */
export interface MemoryMiddlewareOptions extends MemoryLinkOptions {
  /**
   * What to remember after an answer: the user's message and the answer ("exchange", default), the
   * user's message only ("user"), or nothing (false: recall only).
   */
  readonly remember?: 'exchange' | 'user' | false;
  /** Called when remembering fails; by default the call fails with the error. */
  readonly onRememberError?: (error: unknown) => void;
}

/** The text of the last user message of a prompt. */
export function lastUserText(prompt: LanguageModelV3Prompt): string {
  for (let i = prompt.length - 1; i >= 0; i--) {
    const message = prompt[i]!;
    if (message.role === 'user') return message.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
  }
  return '';
}

/** The prompt with the memory block as a system message after the caller's own system messages. */
function withMemories(prompt: LanguageModelV3Prompt, block: string): LanguageModelV3Prompt {
  if (!block) return prompt;
  const firstOther = prompt.findIndex((m) => m.role !== 'system');
  const at = firstOther < 0 ? prompt.length : firstOther;
  return [...prompt.slice(0, at), { role: 'system', content: block }, ...prompt.slice(at)];
}

/** A middleware that gives a model the user's memories and remembers what was said. */
export function memoryMiddleware(options: MemoryMiddlewareOptions): LanguageModelV3Middleware {
  const remember = options.remember ?? 'exchange';
  const store = async (params: LanguageModelV3CallOptions, answer: string): Promise<void> => {
    if (remember === false || params.abortSignal?.aborted) return;
    try {
      await rememberTurn(options, lastUserText(params.prompt), remember === 'exchange' && answer ? answer : null);
    } catch (error) {
      if (!options.onRememberError) throw error;
      options.onRememberError(error);
    }
  };
  return {
    specificationVersion: 'v3',
    async transformParams({ params }) {
      const { block } = await recall(options, lastUserText(params.prompt), params.abortSignal);
      return { ...params, prompt: withMemories(params.prompt, block) };
    },
    async wrapGenerate({ doGenerate, params }) {
      const result = await doGenerate();
      await store(params, result.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join(''));
      return result;
    },
    async wrapStream({ doStream, params }) {
      const { stream, ...rest } = await doStream();
      let answer = '';
      let finished = false;
      let failed = false;
      const watch = new TransformStream<LanguageModelV3StreamPart, LanguageModelV3StreamPart>({
        transform(part, controller) {
          if (part.type === 'text-delta') answer += part.delta;
          else if (part.type === 'finish') finished = true;
          else if (part.type === 'error') failed = true;
          controller.enqueue(part);
        },
        // Runs only when the stream ends normally: a cancelled (aborted) stream stores nothing.
        async flush() {
          if (finished && !failed) await store(params, answer);
        },
      });
      return { stream: stream.pipeThrough(watch), ...rest };
    },
  };
}
