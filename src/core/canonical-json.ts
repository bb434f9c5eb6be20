/** Deterministic JSON: object keys sorted, two-space indent, so equal data gives equal bytes (cube files, merge identities). */
import { sha256Hex as sha256OfBytes } from './hash';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    // No prototype: a key "__proto__" is kept as a key, not taken as the object's prototype.
    const out = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** Serialises a value with sorted keys and no undefined fields. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2);
}

/** The hex SHA-256 of a string's UTF-8 bytes. */
export async function sha256Hex(text: string | ArrayBuffer): Promise<string> {
  return sha256OfBytes(typeof text === 'string' ? new TextEncoder().encode(text) : new Uint8Array(text));
}

/** Encodes bytes as base64. */
export function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Decodes base64 to bytes; throws on characters outside the alphabet. */
export function fromBase64(text: string): ArrayBuffer {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}
