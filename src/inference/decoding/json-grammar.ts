/**
 * Grammar-constrained decoding for the ORT engine with @mlc-ai/web-xgrammar (no web-llm needed): a
 * JSON schema becomes a per-step token mask, so even a tiny model can only emit valid JSON of that
 * shape. Set up once per generation (~20–100 ms), under a millisecond per step.
 */
import type * as XGrammar from '@mlc-ai/web-xgrammar';
import { MemosError } from '../../core/errors';
import type { TokenConstraint } from '../../protocol/language-model';
import type { TextTokenizer } from '../tokenizers/text-tokenizer';

type XGrammarModule = typeof XGrammar;

/**
 * The xgrammar module. In browsers and workers it is a plain import; Node cannot import its UMD file
 * as a module, so a Node host puts it on `globalThis.xgrammar` first (see test/support/xgrammar-node.ts).
 */
export async function loadXGrammar(): Promise<XGrammarModule> {
  const preloaded = (globalThis as { xgrammar?: XGrammarModule }).xgrammar;
  if (preloaded?.TokenizerInfo) return preloaded;
  const module = (await import('@mlc-ai/web-xgrammar')) as XGrammarModule & { default?: XGrammarModule };
  return module.TokenizerInfo ? module : (module.default as XGrammarModule);
}

/** How the tokenizer spells bytes: what xgrammar needs to map tokens back to text. */
function vocabType(tokens: readonly string[]): 'byte_fallback' | 'byte_level' | 'raw' {
  if (tokens.includes('<0x0A>')) return 'byte_fallback';
  if (tokens.some((t) => t.startsWith('Ġ'))) return 'byte_level';
  return 'raw';
}

/** A token constraint that also frees its wasm objects. */
export type DisposableConstraint = TokenConstraint & { dispose(): void };

/**
 * A constraint that admits only tokens that keep the output a valid instance of `schema`.
 * @param vocabSize - the model's logits width (tokens beyond the tokenizer's are never allowed)
 * @throws {MemosError} INVALID_INPUT when the schema cannot be compiled
 */
export async function jsonSchemaConstraint(tokenizer: TextTokenizer, vocabSize: number, schema: unknown, stopIds: readonly number[]): Promise<DisposableConstraint> {
  const xg = await loadXGrammar();
  const vocabulary = new Array<string>(vocabSize).fill('');
  for (const [token, id] of tokenizer.vocabulary()) if (id < vocabSize) vocabulary[id] = token;
  const info = await xg.TokenizerInfo.createTokenizerInfo(vocabulary, vocabType(vocabulary), vocabType(vocabulary) === 'byte_fallback', vocabSize, [...stopIds]);
  const compiler = await xg.GrammarCompiler.createGrammarCompiler(info);
  let grammar: XGrammar.CompiledGrammar;
  try {
    // One line, no spaces: every whitespace token is a token the model need not generate.
    grammar = await compiler.compileJSONSchema(JSON.stringify(schema), false, -1, [',', ':']);
  } catch (error) {
    compiler.dispose();
    info.dispose();
    throw new MemosError('INVALID_INPUT', `The JSON schema could not be compiled: ${String(error).slice(0, 200)}`, { field: 'jsonSchema' });
  }
  const matcher = await xg.GrammarMatcher.createGrammarMatcher(grammar);
  return {
    async allowed() {
      if (matcher.isTerminated()) return () => false;
      const mask = await matcher.getNextTokenBitmask();
      return (id: number) => id < vocabSize && ((mask[id >>> 5] as number) >>> (id & 31)) & 1 ? true : false;
    },
    accept(id: number) {
      if (!matcher.isTerminated()) matcher.acceptToken(id);
    },
    done: () => matcher.isTerminated(),
    dispose() {
      matcher.dispose();
      grammar.dispose();
      compiler.dispose();
      info.dispose();
    },
  };
}
