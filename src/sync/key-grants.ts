/**
 * Keys beyond the passphrase (WebCrypto only):
 * - **grants**: a cube key handed to another person's sync identity — an ECDH P-256 key pair made on
 *   their device. The sender makes a one-time key pair, derives a shared secret with the recipient's
 *   public key, stretches it with HKDF (random salt) into an AES-GCM key and seals the cube key with it,
 *   the grant's id bound in as additional data. Only the holder of the recipient's private key opens it;
 *   the server keeps the grant beside the passphrase-wrapped key.
 * - **device-sealed keys**: a cube key the user asked this device to remember, sealed under a device
 *   key that IndexedDB keeps as a non-extractable CryptoKey (its bytes never reach JavaScript).
 */
import { MemosError } from '../core/errors';
import { fromBase64, keysOf, random, toBase64, type CubeKeys } from './sync-crypto';
import { GRANT_PREFIX } from './sync-documents';

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;
const encoder = new TextEncoder();
const CURVE = { name: 'ECDH', namedCurve: 'P-256' } as const;
const GRANT_INFO = encoder.encode('memos-web sync grant');

/** A cube key sealed for one sync identity, as the server keeps it. */
export interface KeyGrant {
  readonly kdf: 'ECDH-P-256+HKDF-SHA-256';
  /** base64: the sender's one-time public key (raw point). */
  readonly ephemeral: string;
  /** base64 */
  readonly salt: string;
  /** base64 */
  readonly iv: string;
  /** base64: the AES-GCM encryption of the raw cube key. */
  readonly wrapped: string;
}

/** A new sync identity: the private key (non-extractable) and the public key as others are given it. */
export async function newIdentity(): Promise<{ privateKey: CryptoKey; publicKey: string }> {
  const pair = (await subtle().generateKey(CURVE, false, ['deriveBits'])) as CryptoKeyPair;
  return { privateKey: pair.privateKey, publicKey: toBase64(new Uint8Array(await subtle().exportKey('raw', pair.publicKey))) };
}

/** Imports a public key given as base64. @throws {MemosError} INVALID_INPUT when it is not a P-256 point */
async function publicKeyOf(text: string, field: string): Promise<CryptoKey> {
  try {
    const bytes = fromBase64(text);
    if (bytes.byteLength !== 65) throw new Error('length');
    return await subtle().importKey('raw', bytes, CURVE, true, []);
  } catch {
    throw new MemosError('INVALID_INPUT', `${field} must be a sync identity's public key (base64 of a P-256 point, as syncIdentity gives it).`, { field });
  }
}

/** The id of the server document that holds a grant for a public key (a hash: it names no one). */
export async function grantId(publicKey: string): Promise<string> {
  const digest = new Uint8Array(await subtle().digest('SHA-256', fromBase64(publicKey)));
  return `${GRANT_PREFIX}${Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

async function grantKey(privateKey: CryptoKey, publicKey: CryptoKey, salt: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  const shared = await subtle().deriveBits({ name: 'ECDH', public: publicKey }, privateKey, 256);
  const base = await subtle().importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  return subtle().deriveKey({ name: 'HKDF', hash: 'SHA-256', salt, info: GRANT_INFO }, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** Seals a cube key for the holder of `recipient` (a public key, base64). @throws {MemosError} INVALID_INPUT */
export async function grantCubeKey(keys: CubeKeys, recipient: string): Promise<{ id: string; grant: KeyGrant }> {
  const theirs = await publicKeyOf(recipient, 'publicKey');
  const id = await grantId(recipient);
  const once = (await subtle().generateKey(CURVE, true, ['deriveBits'])) as CryptoKeyPair;
  const salt = random(16);
  const iv = random(12);
  const key = await grantKey(once.privateKey, theirs, salt);
  const wrapped = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(id) }, key, keys.raw));
  const ephemeral = toBase64(new Uint8Array(await subtle().exportKey('raw', once.publicKey)));
  return { id, grant: { kdf: 'ECDH-P-256+HKDF-SHA-256', ephemeral, salt: toBase64(salt), iv: toBase64(iv), wrapped: toBase64(wrapped) } };
}

/**
 * Opens a grant with this device's identity.
 * @throws {MemosError} SYNC_KEY_INVALID when it was not made for this identity (or was changed)
 */
export async function openGrant(grant: Partial<KeyGrant>, id: string, privateKey: CryptoKey): Promise<CubeKeys> {
  if (grant.kdf !== 'ECDH-P-256+HKDF-SHA-256' || typeof grant.ephemeral !== 'string') throw new MemosError('SYNC_KEY_INVALID', 'The grant on the server is not one memos-web made.');
  let raw: ArrayBuffer;
  try {
    const key = await grantKey(privateKey, await subtle().importKey('raw', fromBase64(grant.ephemeral), CURVE, true, []), fromBase64(grant.salt));
    raw = await subtle().decrypt({ name: 'AES-GCM', iv: fromBase64(grant.iv), additionalData: encoder.encode(id) }, key, fromBase64(grant.wrapped));
  } catch {
    throw new MemosError('SYNC_KEY_INVALID', 'The grant does not open with this identity.');
  }
  return keysOf(new Uint8Array(raw));
}

/** Seals a cube key under a new non-extractable device key (to keep in IndexedDB). */
export async function sealForDevice(keys: CubeKeys): Promise<{ deviceKey: CryptoKey; iv: Uint8Array<ArrayBuffer>; sealedKey: Uint8Array<ArrayBuffer> }> {
  const deviceKey = await subtle().generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const iv = random(12);
  const sealedKey = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv }, deviceKey, keys.raw));
  return { deviceKey, iv, sealedKey };
}

/** Opens a device-sealed cube key. @throws {MemosError} SYNC_KEY_INVALID when it does not open */
export async function openFromDevice(record: { deviceKey: CryptoKey; iv: Uint8Array<ArrayBuffer>; sealedKey: Uint8Array<ArrayBuffer> }): Promise<CubeKeys> {
  try {
    return await keysOf(new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: record.iv }, record.deviceKey, record.sealedKey)));
  } catch {
    throw new MemosError('SYNC_KEY_INVALID', 'The key remembered on this device does not open; configure the sync again with the passphrase.');
  }
}
