/**
 * Finding personal and secret data in text before it is stored: e-mail addresses, phone numbers,
 * payment card numbers (Luhn-checked), and API keys, tokens and private keys. A cube's policy says
 * what happens to what is found: "redact" (replaced by a placeholder such as `[email]`), "tag"
 * (kept, and the memory's sensitivity labels say what it holds) or "keep".
 */

/** What was found. Also the sensitivity label it gives a memory. */
export type SensitiveKind = 'email' | 'phone' | 'payment-card' | 'secret';

/** A cube's redaction policy. */
export type RedactionPolicy = 'redact' | 'tag' | 'keep';

/** The policy of a cube that was never given one. */
export const DEFAULT_REDACTION: RedactionPolicy = 'redact';

/** One finding. */
export interface Finding {
  readonly kind: SensitiveKind;
  readonly start: number;
  readonly end: number;
}

const PLACEHOLDER: Readonly<Record<SensitiveKind, string>> = {
  email: '[email]',
  phone: '[phone]',
  'payment-card': '[payment card]',
  secret: '[secret]',
};

// Secrets first: their shapes overlap the others (a key can contain digits or an @).
const SECRET_PATTERNS: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\b(?:sk|pk|rk)[-_](?:live[-_]|test[-_]|proj[-_])?[A-Za-z0-9_-]{16,}/g, // OpenAI, Stripe and alike
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{40,}\b/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, // AWS access key ids
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API keys
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g, // Slack tokens
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWTs
  /\b[Bb]earer\s+[A-Za-z0-9._~+/-]{16,}=*/g,
  /\b(?:api[_-]?key|secret|token|password|passwd)\s*[:=]\s*["']?[^\s"']{8,}/gi,
];

// The local part is bounded (RFC 5321 allows 64): unbounded, a long run of letters backtracks badly.
const EMAIL = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,}/g;
// 13–19 digits, optionally grouped by single spaces or dashes.
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;
// A leading + or a bracketed area code, then 7–15 digits in groups; validated by digit count below.
const PHONE = /(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,4}){1,4}\b/g;

/** The Luhn checksum that every payment card number passes. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Whether a digit run looks like a phone number and not a date, time, year or amount. */
function looksLikePhone(match: string): boolean {
  const digits = match.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return false;
  if (/^\d{4}-\d{2}-\d{2}$/.test(match) || /^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$/.test(match)) return false;
  // Plain digit runs without a + or separators are too often ids or amounts, unless phone-length.
  const grouped = /[\s.()+-]/.test(match);
  return grouped ? true : digits.length >= 10 && digits.length <= 12;
}

/** Finds sensitive spans, longest and earliest first, never overlapping. */
export function findSensitive(text: string): Finding[] {
  const found: Finding[] = [];
  const taken = (start: number, end: number) => found.some((f) => start < f.end && end > f.start);
  const collect = (pattern: RegExp, kind: SensitiveKind, accept: (m: string) => boolean = () => true): void => {
    for (const match of text.matchAll(pattern)) {
      const start = match.index ?? 0;
      const end = start + match[0].length;
      if (!taken(start, end) && accept(match[0])) found.push({ kind, start, end });
    }
  };
  for (const pattern of SECRET_PATTERNS) collect(pattern, 'secret');
  collect(EMAIL, 'email');
  collect(CARD, 'payment-card', (m) => {
    const digits = m.replace(/\D/g, '');
    return digits.length >= 13 && digits.length <= 19 && luhnValid(digits);
  });
  collect(PHONE, 'phone', looksLikePhone);
  return found.sort((a, b) => a.start - b.start);
}

/** What applying a policy to a text gives. */
export interface RedactionResult {
  readonly text: string;
  /** The kinds found (whatever the policy), sorted: the sensitivity labels to add. */
  readonly kinds: readonly SensitiveKind[];
  /** How many spans were replaced. */
  readonly redacted: number;
}

/** Applies a policy to a text. */
export function applyRedaction(text: string, policy: RedactionPolicy): RedactionResult {
  if (policy === 'keep') return { text, kinds: [], redacted: 0 };
  const findings = findSensitive(text);
  const kinds = [...new Set(findings.map((f) => f.kind))].sort();
  if (policy === 'tag' || findings.length === 0) return { text, kinds, redacted: 0 };
  let out = '';
  let at = 0;
  for (const f of findings) {
    out += text.slice(at, f.start) + PLACEHOLDER[f.kind];
    at = f.end;
  }
  return { text: out + text.slice(at), kinds, redacted: findings.length };
}
