/**
 * The fine MemReader: with a language model loaded, a conversation is turned into structured
 * memories — key, value, semantic type, memory type, tags, and a time expression resolved against
 * the message time, and — when a memory states how two named things relate — a typed relation
 * (subject, predicate, object, valid from/to) that becomes an edge of the entity graph. Output is constrained to a JSON schema, so a small model cannot emit invalid JSON;
 * what it emits is validated again here. The raw turns stay (the fast reader keeps them): extracted
 * facts are extra memories, never a replacement.
 */
import { z } from 'zod/mini';
import { SEMANTIC_TYPES, type SourceRef } from '../core/memory-item';
import type { LanguageModel } from '../protocol/language-model';
import { parseTimeRange } from '../search/time-expressions';
import type { ExtractedMemory } from '../protocol/memory-types';

// zod/mini carries no messages of its own: errors name what is wrong in English, as the classic build did.
z.config(z.locales.en());

/** The prompt's version (extracted memories record it in their tags). */
export const FINE_READER_VERSION = 'fine-reader-2';

/** The JSON schema the model's output is held to. */
export const EXTRACTION_SCHEMA = {
  type: 'object',
  properties: {
    memories: {
      type: 'array',
      maxItems: 6,
      items: {
        type: 'object',
        properties: {
          key: { type: 'string', minLength: 1, maxLength: 40 },
          value: { type: 'string', minLength: 1, maxLength: 200 },
          semanticType: { type: 'string', enum: [...SEMANTIC_TYPES] },
          memoryType: { type: 'string', enum: ['long-term', 'user'] },
          tags: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 20 }, maxItems: 4 },
          when: { type: ['string', 'null'], maxLength: 40 },
          until: { type: ['string', 'null'], maxLength: 40 },
          relation: {
            anyOf: [
              { type: 'null' },
              {
                type: 'object',
                properties: {
                  subject: { type: 'string', minLength: 1, maxLength: 80 },
                  predicate: { type: 'string', minLength: 1, maxLength: 40 },
                  object: { type: 'string', minLength: 1, maxLength: 80 },
                },
                required: ['subject', 'predicate', 'object'],
                additionalProperties: false,
              },
            ],
          },
        },
        required: ['key', 'value', 'semanticType', 'memoryType', 'tags', 'when', 'until', 'relation'],
        additionalProperties: false,
      },
    },
  },
  required: ['memories'],
  additionalProperties: false,
} as const;

// Lengths are cut by code points here (the grammar counts characters; a JS string's length counts
// UTF-16 units, so an astral character would count twice).
const clip = (n: number) => (s: string) => [...s.trim()].slice(0, n).join('');
/** A string cut to `n` characters and trimmed, then required non-empty. */
const clipped = (n: number) => z.pipe(z.pipe(z.string(), z.transform(clip(n))), z.string().check(z.minLength(1)));
const memorySchema = z.object({
  key: clipped(40),
  value: clipped(200),
  semanticType: z.enum(SEMANTIC_TYPES),
  memoryType: z.enum(['long-term', 'user']),
  tags: z.array(z.pipe(z.string(), z.transform(clip(20)))).check(z.maxLength(4)),
  when: z.nullable(z.pipe(z.string(), z.transform(clip(40)))),
  // Older answers (and models that leave them out) have no until or relation.
  until: z.optional(z.nullable(z.pipe(z.string(), z.transform(clip(40))))),
  relation: z.optional(z.unknown()),
});
/** A relation is checked on its own: a blank end drops the relation, not the memory. */
const relationSchema = z.object({ subject: clipped(80), predicate: clipped(40), object: clipped(80) });
const outputSchema = z.object({ memories: z.array(z.unknown()).check(z.maxLength(6)) });

/** One turn the reader reads. */
export interface ReaderTurn {
  readonly speaker: string;
  readonly text: string;
  /** When it was said (epoch ms). */
  readonly at: number;
  readonly ref: SourceRef;
}

const INSTRUCTIONS =
  'Read the conversation and list what is worth remembering about the user: facts, preferences, events, tasks. ' +
  'Give each a short key (the slot, e.g. "home city"), the value in the user\'s words, its type, up to four tags, ' +
  'and "when" if the text names a time (else null), "until" if it says when that stopped being true (else null). ' +
  'When a memory states how two named things relate (a person, place, organisation or thing), give it as "relation": ' +
  'subject, predicate (a short verb phrase such as "lives in", "works at", "is sister of") and object; else null. Answer with JSON only.';

/**
 * Extracts memories from turns with the model; invalid or empty output gives an empty list.
 * @throws {MemosError} ABORTED, and the model's errors
 */
export async function readFine(
  model: LanguageModel,
  turns: readonly ReaderTurn[],
  options: { signal?: AbortSignal; maxTokens?: number; /** Require at least one memory (when the turns surely hold one). */ atLeastOne?: boolean } = {},
): Promise<ExtractedMemory[]> {
  if (turns.length === 0) return [];
  const conversation = turns.map((t) => `[${new Date(t.at).toISOString().slice(0, 16).replace('T', ' ')}] ${t.speaker}: ${t.text}`).join('\n');
  const result = await model.generate(
    { messages: [{ role: 'system', content: INSTRUCTIONS }, { role: 'user', content: conversation }] },
    {
      jsonSchema: options.atLeastOne
        ? { ...EXTRACTION_SCHEMA, properties: { memories: { ...EXTRACTION_SCHEMA.properties.memories, minItems: 1 } } }
        : EXTRACTION_SCHEMA,
      maxTokens: options.maxTokens ?? 1200, ...(options.signal && { signal: options.signal }) },
  );
  let items: unknown[];
  try {
    // The grammar lets raw control characters into strings, which JSON.parse refuses; the output is
    // one line, so outside strings there are none to lose.
    // eslint-disable-next-line no-control-regex
    items = outputSchema.parse(JSON.parse(result.text.replace(/[\u0000-\u001f]/g, ' '))).memories;
  } catch {
    return []; // cut off by maxTokens, or a model that ignored the schema (web-llm without grammar support)
  }
  // Each memory is checked on its own: one blank key (the grammar allows spaces) drops only itself.
  const valid = items.flatMap((item) => {
    const checked = memorySchema.safeParse(item);
    return checked.success ? [checked.data] : [];
  });
  const anchor = Math.max(...turns.map((t) => t.at));
  return valid.map((m) => {
    const range = m.when ? parseTimeRange(m.when, anchor) : undefined;
    const ended = m.until ? parseTimeRange(m.until, anchor) : undefined;
    // An end that is not after the start is no end the reader can trust.
    const validTo = ended && ended.from > (range?.from ?? -Infinity) ? ended.from : undefined;
    const read = m.relation === null || m.relation === undefined ? undefined : relationSchema.safeParse(m.relation);
    const relation = read?.success ? read.data : undefined;
    return {
      key: m.key,
      text: m.value,
      semanticType: m.semanticType,
      memoryType: m.memoryType,
      tags: [...new Set([...m.tags.filter((t) => t !== ''), FINE_READER_VERSION])],
      ...(range && { validFrom: range.from }),
      ...(validTo !== undefined && { validTo }),
      ...(relation && { relation }),
      sourceRefs: turns.map((t) => t.ref),
    };
  });
}
