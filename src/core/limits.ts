/**
 * The rules every identifier, name and piece of text must meet, defined once for calls and imported
 * files alike (decision 0022). A call that breaks one is refused with `INVALID_INPUT`; a file, with
 * `IMPORT_MALFORMED`; either way the error's `details.field` names what broke it and nothing is stored.
 *
 * - **Ids** (users, cubes, memories, activations, adapters, jobs, blobs): 1–128 characters, each a
 *   letter or digit of any script (with combining marks) or one of `_ - . : @ +`. No spaces, no
 *   control characters, nothing a path or a log line could misread. `constructor` and `__proto__` are
 *   valid ids: they are never looked up on a plain object (see own-keys.ts).
 * - **Names** (users, cubes, adapters): 1–200 characters after trimming, no control characters.
 * - **References** (session ids, message ids, speakers, model ids): 1–200 characters, not blank, no
 *   control characters; any other character is allowed, as agent frameworks make their own ids.
 * - **Keys and tags**: keys 1–200 characters, tags 1–64, at most 32 tags (and 32 sensitivity labels);
 *   no control characters.
 * - **Text**: 1–100,000 characters after trimming (memory text, message content); reasons up to
 *   2,000. Line breaks and tabs are allowed in text and reasons; other control characters only in text.
 * - Every string must be well-formed UTF-16 (no lone surrogates), since it is hashed and exported.
 */
import { MemosError } from './errors';
import type { MemoryRelation, SourceRef } from './memory-item';

/** The limits, in characters (UTF-16 code units) or counts. */
export const LIMITS = {
  idLength: 128,
  nameLength: 200,
  referenceLength: 200,
  keyLength: 200,
  /** The name of an agent or of its tool in the audit log (MemoryApi.recordAgentCall). */
  agentLabelLength: 100,
  tagLength: 64,
  tagCount: 32,
  textLength: 100_000,
  reasonLength: 2_000,
  /** Memories one `add` may write (messages are read into fewer). */
  itemsPerCall: 50_000,
  /** Messages one `add` may read. */
  messagesPerCall: 100_000,
  /** Source references one memory may carry. */
  sourceRefs: 1_000,
  /** A cube file's size in characters; larger files are refused before they are parsed. */
  importChars: 40 * 1024 * 1024,
  /** A memory's metadata as JSON, in characters. */
  metadataChars: 8_192,
  /** How deep metadata objects and arrays may nest. */
  metadataDepth: 4,
  /** Headings a document chunk's source reference may name (its heading path). */
  headingDepth: 16,
  /** Each of a relation's subject, predicate and object. */
  relationPartLength: 200,
} as const;

const ID = /^[\p{L}\p{M}\p{N}_.:@+-]+$/u;
/** C0 and C1 control characters and DEL. */
const CONTROL = /\p{Cc}/u;
/** A lone surrogate (in `u` mode a paired one is a single code point and does not match). */
const LONE_SURROGATE = /[\ud800-\udfff]/u;
/** Control characters other than tab, line feed and carriage return. */
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;

/** Who is asking: a call (INVALID_INPUT) or a file being imported (IMPORT_MALFORMED). */
export type RuleContext = 'call' | 'import';

/** The error for a broken rule, naming the field. */
export function ruleError(context: RuleContext, field: string, what: string): MemosError {
  const code = context === 'call' ? 'INVALID_INPUT' : 'IMPORT_MALFORMED';
  return new MemosError(code, `${field} ${what}.`, { field });
}

function string(value: unknown, field: string, context: RuleContext): string {
  if (typeof value !== 'string') throw ruleError(context, field, 'must be a string');
  if (LONE_SURROGATE.test(value)) throw ruleError(context, field, 'holds a lone surrogate (not well-formed text)');
  return value;
}

/**
 * Checks an id: 1–128 letters or digits of any script, or `_ - . : @ +`.
 * @throws {MemosError} INVALID_INPUT (a call) or IMPORT_MALFORMED (a file)
 */
export function checkId(value: unknown, field: string, context: RuleContext = 'call'): string {
  const s = string(value, field, context);
  if (s.length === 0 || s.length > LIMITS.idLength) throw ruleError(context, field, `must be 1 to ${LIMITS.idLength} characters long`);
  if (!ID.test(s)) throw ruleError(context, field, 'may hold only letters, digits and _ - . : @ + (no spaces or control characters)');
  return s;
}

function bounded(value: unknown, field: string, context: RuleContext, max: number, control: RegExp, trim: boolean): string {
  const raw = string(value, field, context);
  const s = trim ? raw.trim() : raw;
  if (s.trim().length === 0) throw ruleError(context, field, 'must not be empty or blank');
  if (s.length > max) throw ruleError(context, field, `must be at most ${max} characters long`);
  if (control.test(s)) throw ruleError(context, field, 'must not hold control characters');
  return s;
}

/**
 * Checks and trims a name of a user, cube or adapter: 1–200 characters, no control characters.
 * @throws {MemosError} INVALID_INPUT (a call) or IMPORT_MALFORMED (a file)
 */
export function checkName(value: unknown, field: string, context: RuleContext = 'call'): string {
  return bounded(value, field, context, LIMITS.nameLength, CONTROL, true);
}

/**
 * Checks a reference made elsewhere (a session or message id, a speaker, a model id): 1–200
 * characters, not blank, no control characters. Kept as given (not trimmed), since it names something.
 * @throws {MemosError} INVALID_INPUT (a call) or IMPORT_MALFORMED (a file)
 */
export function checkReference(value: unknown, field: string, context: RuleContext = 'call'): string {
  return bounded(value, field, context, LIMITS.referenceLength, CONTROL, false);
}

/**
 * Checks the name of an agent or tool as the audit log records it: 1–100 characters, not blank, no
 * control characters, kept as given.
 * @throws {MemosError} INVALID_INPUT
 */
export function checkAgentLabel(value: unknown, field: string): string {
  return bounded(value, field, 'call', LIMITS.agentLabelLength, CONTROL, false);
}

/**
 * Checks a memory's key: 1–200 characters, no control characters.
 * @throws {MemosError} INVALID_INPUT (a call) or IMPORT_MALFORMED (a file)
 */
export function checkKey(value: unknown, field: string, context: RuleContext = 'call'): string {
  return bounded(value, field, context, LIMITS.keyLength, CONTROL, false);
}

/**
 * Checks a memory's typed relation: an object with exactly subject, predicate and object, each
 * 1–200 characters after trimming with no control characters.
 * @throws {MemosError} INVALID_INPUT (a call) or IMPORT_MALFORMED (a file)
 */
export function checkRelation(value: unknown, field: string, context: RuleContext = 'call'): MemoryRelation {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw ruleError(context, field, 'must be an object with subject, predicate and object');
  const extra = Object.keys(value).find((k) => k !== 'subject' && k !== 'predicate' && k !== 'object');
  if (extra !== undefined) throw ruleError(context, `${field}.${extra}`, 'is not a field of a relation');
  const part = (name: 'subject' | 'predicate' | 'object') => bounded((value as Record<string, unknown>)[name], `${field}.${name}`, context, LIMITS.relationPartLength, CONTROL, true);
  return { subject: part('subject'), predicate: part('predicate'), object: part('object') };
}

/**
 * Checks a list of tags (or sensitivity labels): at most 32, each 1–64 characters after trimming with
 * no control characters; duplicates and blanks are dropped.
 * @throws {MemosError} INVALID_INPUT (a call) or IMPORT_MALFORMED (a file)
 */
export function checkTags(value: unknown, field: string, context: RuleContext = 'call'): string[] {
  if (!Array.isArray(value)) throw ruleError(context, field, 'must be an array of strings');
  if (value.length > LIMITS.tagCount * 4) throw ruleError(context, field, `must hold at most ${LIMITS.tagCount} entries`);
  const out = new Set<string>();
  // Array.from visits holes of a sparse array too (as undefined), where forEach and map skip them.
  Array.from(value as unknown[]).forEach((v, i) => {
    const s = string(v, `${field}[${i}]`, context).trim();
    if (s === '') return;
    out.add(bounded(s, `${field}[${i}]`, context, LIMITS.tagLength, CONTROL, false));
  });
  if (out.size > LIMITS.tagCount) throw ruleError(context, field, `must hold at most ${LIMITS.tagCount} entries`);
  return [...out];
}

/**
 * Checks and trims memory text: 1–100,000 characters.
 * @throws {MemosError} INVALID_INPUT (a call) or IMPORT_MALFORMED (a file)
 */
export function checkText(value: unknown, field: string, context: RuleContext = 'call'): string {
  const s = string(value, field, context).trim();
  if (s.length === 0 || s.length > LIMITS.textLength) throw ruleError(context, field, `must be non-empty text of at most ${LIMITS.textLength} characters`);
  return s;
}

/**
 * Checks a reason given for a change: at most 2,000 characters; line breaks and tabs allowed, other
 * control characters not.
 * @throws {MemosError} INVALID_INPUT (a call) or IMPORT_MALFORMED (a file)
 */
export function checkReason(value: unknown, field: string, context: RuleContext = 'call'): string {
  const s = string(value, field, context);
  if (s.length > LIMITS.reasonLength) throw ruleError(context, field, `must be at most ${LIMITS.reasonLength} characters long`);
  if (CONTROL_BUT_LINES.test(s)) throw ruleError(context, field, 'must not hold control characters other than line breaks and tabs');
  return s;
}

/**
 * Checks a memory's source references: an array of at most 1,000 objects holding only `sessionId`,
 * `messageId`, `speaker` (references) and `spokenAt` (epoch ms) for a conversation, and `documentId`
 * (an id), `documentName` (a reference), `page`, `pageEnd` (from 1), `headings` (at most 16
 * references), `charStart`, `charEnd` (from 0) for a document. Returns fresh copies.
 * @throws {MemosError} INVALID_INPUT (a call) or IMPORT_MALFORMED (a file)
 */
export function checkSourceRefs(value: unknown, field: string, context: RuleContext = 'call'): SourceRef[] {
  if (!Array.isArray(value)) throw ruleError(context, field, 'must be an array');
  if (value.length > LIMITS.sourceRefs) throw ruleError(context, field, `must hold at most ${LIMITS.sourceRefs} entries`);
  return Array.from(value as unknown[], (ref: unknown, i): SourceRef => {
    const at = `${field}[${i}]`;
    if (typeof ref !== 'object' || ref === null || Array.isArray(ref)) throw ruleError(context, at, 'must be an object');
    const r = ref as Record<string, unknown>;
    for (const key of Object.keys(r)) {
      if (!SOURCE_REF_FIELDS.includes(key) && r[key] !== undefined) throw ruleError(context, `${at}.${key}`, 'is not a field of a source reference');
    }
    const spokenAt = r['spokenAt'];
    if (spokenAt !== undefined && (typeof spokenAt !== 'number' || !Number.isFinite(spokenAt))) throw ruleError(context, `${at}.spokenAt`, 'must be a time in epoch ms');
    const count = (key: string, min: number) => {
      const v = r[key];
      if (v !== undefined && (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)) throw ruleError(context, `${at}.${key}`, `must be a whole number of at least ${min}`);
      return v as number | undefined;
    };
    const headings = r['headings'];
    if (headings !== undefined && (!Array.isArray(headings) || headings.length > LIMITS.headingDepth)) throw ruleError(context, `${at}.headings`, `must be an array of at most ${LIMITS.headingDepth} headings`);
    const page = count('page', 1);
    const pageEnd = count('pageEnd', 1);
    const charStart = count('charStart', 0);
    const charEnd = count('charEnd', 0);
    return {
      ...(r['sessionId'] !== undefined && { sessionId: checkReference(r['sessionId'], `${at}.sessionId`, context) }),
      ...(r['messageId'] !== undefined && { messageId: checkReference(r['messageId'], `${at}.messageId`, context) }),
      ...(r['speaker'] !== undefined && { speaker: checkReference(r['speaker'], `${at}.speaker`, context) }),
      ...(spokenAt !== undefined && { spokenAt: spokenAt as number }),
      ...(r['documentId'] !== undefined && { documentId: checkId(r['documentId'], `${at}.documentId`, context) }),
      ...(r['documentName'] !== undefined && { documentName: checkReference(r['documentName'], `${at}.documentName`, context) }),
      ...(page !== undefined && { page }),
      ...(pageEnd !== undefined && { pageEnd }),
      ...(headings !== undefined && { headings: Array.from(headings as unknown[], (h, j) => checkReference(h, `${at}.headings[${j}]`, context)) }),
      ...(charStart !== undefined && { charStart }),
      ...(charEnd !== undefined && { charEnd }),
    };
  });
}

const SOURCE_REF_FIELDS: readonly string[] = ['sessionId', 'messageId', 'speaker', 'spokenAt', 'documentId', 'documentName', 'page', 'pageEnd', 'headings', 'charStart', 'charEnd'];

/** A JSON value as metadata holds it. */
export type MetadataValue = string | number | boolean | null | readonly MetadataValue[] | { readonly [key: string]: MetadataValue };

/**
 * Checks a memory's metadata — a JSON object of at most {@link LIMITS.metadataChars} characters,
 * nested at most {@link LIMITS.metadataDepth} deep, keys of 1–200 characters without control
 * characters, numbers finite — and returns a copy made of null-prototype records (so a key such as
 * `__proto__` is a key like any other).
 */
export function checkMetadata(value: unknown, field: string, context: RuleContext = 'call'): Record<string, MetadataValue> {
  const copy = (v: unknown, at: string, depth: number): MetadataValue => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw ruleError(context, at, 'must be a finite number');
      return v;
    }
    if (depth >= LIMITS.metadataDepth) throw ruleError(context, at, `nests deeper than ${LIMITS.metadataDepth} levels`);
    if (Array.isArray(v)) return Array.from(v as unknown[], (item, i) => copy(item, `${at}[${i}]`, depth + 1));
    if (typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
      const out = Object.create(null) as Record<string, MetadataValue>;
      for (const key of Object.keys(v)) {
        if (key.length === 0 || key.length > LIMITS.keyLength || CONTROL.test(key)) throw ruleError(context, `${at}.${key.slice(0, 40)}`, `keys must be 1–${LIMITS.keyLength} characters without control characters`);
        out[key] = copy((v as Record<string, unknown>)[key], `${at}.${key}`, depth + 1);
      }
      return out;
    }
    throw ruleError(context, at, 'must hold only JSON values (strings, finite numbers, booleans, null, arrays, plain objects)');
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw ruleError(context, field, 'must be a plain object');
  const metadata = copy(value, field, 0) as Record<string, MetadataValue>;
  if (JSON.stringify(metadata).length > LIMITS.metadataChars) throw ruleError(context, field, `must be at most ${LIMITS.metadataChars} characters as JSON`);
  return metadata;
}
