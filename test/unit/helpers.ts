import { IDBFactory } from 'fake-indexeddb';
import { MemOS, type MemOSOptions } from '../../src/os/memos';
import type { LanguageModel } from '../../src/protocol/language-model';

let counter = 0;

/** A MemOS over a fresh fake-indexeddb database with a clock the test controls. */
export async function openTestOs(options: MemOSOptions = {}): Promise<{ os: MemOS; clock: { now: number }; name: string }> {
  const clock = { now: Date.UTC(2026, 0, 1) };
  const name = options.name ?? `test-${process.pid}-${++counter}`;
  const os = await MemOS.open({ name, clock: () => clock.now, ...options });
  return { os, clock, name };
}

/** A fresh, empty IndexedDB factory (a new "browser profile"). */
export function freshIndexedDb(): void {
  globalThis.indexedDB = new IDBFactory();
}

/** Calls fn and returns the error it throws (or fails the test). */
export async function errorOf(fn: () => unknown): Promise<{ code?: string; message: string; details?: unknown }> {
  try {
    await fn();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected an error, got none');
}

/**
 * Stands for an instruction-following chat model asked whether two statements contradict: it answers
 * the contradiction schema's JSON, `contradicts(prompt)` deciding.
 */
export function contradictionJudge(templateVersion: string, contradicts: (prompt: string) => boolean): LanguageModel {
  return {
    info: { id: 'judge', engine: 'web-llm', device: 'webgpu', contextLength: 4096, templateVersion },
    countTokens: async (texts) => texts.map((t) => t.length),
    async generate(request) {
      const text = 'messages' in request ? request.messages.map((m) => m.content).join(' ') : '';
      return { text: JSON.stringify({ contradicts: contradicts(text) }), tokenIds: [], promptTokens: 0, finishReason: 'eos', timings: { prefillMs: 0, firstTokenMs: 0, decodeMs: 0, tokensPerSecond: 0 } };
    },
    dispose: async () => undefined,
  };
}
