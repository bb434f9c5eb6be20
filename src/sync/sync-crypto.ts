/**
 * End-to-end encryption of what a cube replicates (WebCrypto only, in workers, pages and Node):
 * - a random 256-bit **cube key** encrypts every document body with AES-GCM, the document's id as
 *   additional data (a body moved under another id fails to open);
 * - the cube key is **wrapped** (AES-GCM) with a key derived from the user's passphrase by PBKDF2-SHA-256
 *   (600,000 iterations, OWASP's 2023 figure) and a random salt; the wrapped key is what the server keeps;
 * - document **ids** are HMAC-SHA-256 of what they name under a key derived from the cube key, so the
 *   server sees opaque ids, and every device computes the same id for the same memory.
 */
import { fromBase64 as base64ToBytes, toBase64 as bytesToBase64 } from '../core/canonical-json';
import { MemosError } from '../core/errors';

/** PBKDF2 iterations for new wrapped keys. */
export const KDF_ITERATIONS = 600_000;

/** The cube key as the server keeps it: wrapped, with what is needed to unwrap it given the passphrase. */
export interface WrappedKey {
  readonly kdf: 'PBKDF2-SHA-256';
  readonly iterations: number;
  /** base64 */
  readonly salt: string;
  /** base64 */
  readonly iv: string;
  /** base64: the AES-GCM encryption of the raw cube key. */
  readonly wrapped: string;
}

/** An encrypted document body. */
export interface SealedBody {
  /** base64 */
  readonly iv: string;
  /** base64 AES-GCM ciphertext with its tag. */
  readonly ct: string;
}

/** A cube's keys, ready to use. */
export interface CubeKeys {
  readonly encryption: CryptoKey;
  readonly ids: CryptoKey;
  /** The cube key itself, held in memory only: to remember it sealed on this device, or grant it to someone. */
  readonly raw: Uint8Array<ArrayBuffer>;
}

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;
const encoder = new TextEncoder();

/** base64 of bytes. */
export function toBase64(bytes: Uint8Array): string {
  return bytesToBase64(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

/** Bytes of base64. @throws {MemosError} SYNC_TAMPERED when it is not base64 */
export function fromBase64(text: unknown): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string') throw new MemosError('SYNC_TAMPERED', 'A field that should be base64 is not text.');
  try {
    return new Uint8Array(base64ToBytes(text));
  } catch {
    throw new MemosError('SYNC_TAMPERED', 'A field that should be base64 is not.');
  }
}

export function random(bytes: number): Uint8Array<ArrayBuffer> {
  return globalThis.crypto.getRandomValues(new Uint8Array(bytes));
}

async function passphraseKey(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const base = await subtle().importKey('raw', encoder.encode(passphrase), 'PBKDF2', false, ['deriveKey']);
  return subtle().deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** The keys of a raw cube key. @throws {MemosError} SYNC_KEY_INVALID when it is not 32 bytes */
export async function keysOf(raw: Uint8Array<ArrayBuffer>): Promise<CubeKeys> {
  if (raw.byteLength !== 32) throw new MemosError('SYNC_KEY_INVALID', 'A cube key is 32 bytes.');
  const encryption = await subtle().importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
  // The id key is derived, so one secret travels; HKDF with a fixed label keeps the two uses apart.
  const base = await subtle().importKey('raw', raw, 'HKDF', false, ['deriveKey']);
  const ids = await subtle().deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encoder.encode('memos-web sync ids') }, base, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign']);
  return { encryption, ids, raw };
}

/** Makes a new cube key and its wrapped form for the passphrase. */
export async function newCubeKey(passphrase: string, iterations = KDF_ITERATIONS): Promise<{ keys: CubeKeys; wrapped: WrappedKey }> {
  const raw = random(32);
  const salt = random(16);
  const iv = random(12);
  const kek = await passphraseKey(passphrase, salt, iterations);
  const wrapped = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv }, kek, raw));
  return { keys: await keysOf(raw), wrapped: { kdf: 'PBKDF2-SHA-256', iterations, salt: toBase64(salt), iv: toBase64(iv), wrapped: toBase64(wrapped) } };
}

/**
 * Unwraps a cube key with the passphrase.
 * @throws {MemosError} SYNC_KEY_INVALID when the passphrase is wrong (or the wrapped key was changed)
 */
export async function unwrapCubeKey(wrapped: WrappedKey, passphrase: string): Promise<CubeKeys> {
  if (wrapped.kdf !== 'PBKDF2-SHA-256' || !Number.isSafeInteger(wrapped.iterations) || wrapped.iterations < 100_000 || wrapped.iterations > 10_000_000) {
    throw new MemosError('SYNC_KEY_INVALID', 'The key on the server is not one memos-web made.');
  }
  const kek = await passphraseKey(passphrase, fromBase64(wrapped.salt), wrapped.iterations);
  let raw: ArrayBuffer;
  try {
    raw = await subtle().decrypt({ name: 'AES-GCM', iv: fromBase64(wrapped.iv) }, kek, fromBase64(wrapped.wrapped));
  } catch {
    throw new MemosError('SYNC_KEY_INVALID');
  }
  return keysOf(new Uint8Array(raw));
}

/** The opaque id of what a document holds (e.g. "memory:<id>"), the same on every device with the key. */
export async function opaqueId(keys: CubeKeys, name: string): Promise<string> {
  const mac = new Uint8Array(await subtle().sign('HMAC', keys.ids, encoder.encode(name)));
  return `m${Array.from(mac.subarray(0, 20), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Encrypts a JSON value as the body of the document `docId`. */
export async function seal(keys: CubeKeys, docId: string, value: unknown): Promise<SealedBody> {
  const iv = random(12);
  const ct = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(docId) }, keys.encryption, encoder.encode(JSON.stringify(value))));
  return { iv: toBase64(iv), ct: toBase64(ct) };
}

/** Encrypts bytes as the attachment of the document `docId` (its id and "#data" as additional data). */
export async function sealBytes(keys: CubeKeys, docId: string, bytes: Uint8Array<ArrayBuffer>): Promise<{ iv: string; ct: Uint8Array<ArrayBuffer> }> {
  const iv = random(12);
  const ct = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(`${docId}#data`) }, keys.encryption, bytes));
  return { iv: toBase64(iv), ct };
}

/** Decrypts the attachment of the document `docId`. @throws {MemosError} SYNC_TAMPERED when it fails authentication */
export async function openBytes(keys: CubeKeys, docId: string, iv: string, ct: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  try {
    return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: fromBase64(iv), additionalData: encoder.encode(`${docId}#data`) }, keys.encryption, ct));
  } catch {
    throw new MemosError('SYNC_TAMPERED', `The attachment of document ${docId} failed authentication.`, { docId });
  }
}

/**
 * Decrypts the body of the document `docId`.
 * @throws {MemosError} SYNC_TAMPERED when it fails authentication (changed, or moved from another id) or is not JSON
 */
export async function open(keys: CubeKeys, docId: string, body: Readonly<Record<string, unknown>>): Promise<unknown> {
  let plain: ArrayBuffer;
  try {
    plain = await subtle().decrypt({ name: 'AES-GCM', iv: fromBase64(body['iv']), additionalData: encoder.encode(docId) }, keys.encryption, fromBase64(body['ct']));
  } catch (error) {
    if (error instanceof MemosError) throw error;
    throw new MemosError('SYNC_TAMPERED', `Document ${docId} failed authentication: it was changed after it was encrypted.`, { docId });
  }
  try {
    return JSON.parse(new TextDecoder().decode(plain));
  } catch {
    throw new MemosError('SYNC_TAMPERED', `Document ${docId} holds no JSON.`, { docId });
  }
}
