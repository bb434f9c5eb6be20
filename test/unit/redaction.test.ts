import { describe, expect, it } from 'vitest';
import { applyRedaction, findSensitive, luhnValid } from '../../src/governance/redaction';
import { errorOf, openTestOs } from './helpers';

const kindsIn = (text: string) => findSensitive(text).map((f) => `${f.kind}:${text.slice(f.start, f.end)}`);

describe('finding sensitive data', () => {
  it('finds e-mail addresses, including plus tags, subdomains and odd but valid local parts', () => {
    expect(kindsIn('write to ana.lopez+memos@mail.example.co.uk or o\'brien@example.org.')).toEqual([
      'email:ana.lopez+memos@mail.example.co.uk',
      "email:o'brien@example.org",
    ]);
  });

  it('finds phone numbers in international and local forms, but not dates, times, years or amounts', () => {
    expect(kindsIn('Call +1 (415) 555-0132, or 020 7946 0958, or +44 7700 900123.').map((k) => k.split(':')[0])).toEqual(['phone', 'phone', 'phone']);
    expect(findSensitive('Met on 2023-05-08 at 10:30, in 1998, paid 1,250.00 for 3 items; order #48213.')).toEqual([]);
  });

  it('finds card numbers only when they pass the Luhn check', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(kindsIn('card 4111 1111 1111 1111 and 5500-0000-0000-0004')).toEqual(['payment-card:4111 1111 1111 1111', 'payment-card:5500-0000-0000-0004']);
    expect(findSensitive('tracking 4111 1111 1111 1112').some((f) => f.kind === 'payment-card')).toBe(false);
  });

  it('finds API keys, tokens and private keys of the common shapes', () => {
    const secrets = [
      'sk-proj-abcdefghijklmnop1234567890',
      'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      'AKIAIOSFODNN7EXAMPLE',
      'AIzaSyA1234567890abcdefghijklmnopqrstuv',
      'xoxb-1234567890-abcdefghij',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'Bearer abcdefghijklmnopqrstuvwxyz012345',
      'password: hunter2hunter2',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----',
    ];
    for (const secret of secrets) expect(findSensitive(`my key is ${secret} ok`).map((f) => f.kind), secret).toEqual(['secret']);
  });

  it('leaves ordinary text alone', () => {
    const ordinary = 'I loved the trip to Lisbon in May; the sk8 park was fun and my score was 98/100 (top 5%). Email me later!';
    expect(findSensitive(ordinary)).toEqual([]);
  });
});

describe('applying a redaction policy', () => {
  const text = 'Reach me at ana@example.com or +34 612 345 678; my token is ghp_abcdefghijklmnopqrstuvwxyz0123456789.';

  it('"redact" replaces every finding with a placeholder and reports the kinds', () => {
    expect(applyRedaction(text, 'redact')).toEqual({
      text: 'Reach me at [email] or [phone]; my token is [secret].',
      kinds: ['email', 'phone', 'secret'],
      redacted: 3,
    });
  });

  it('"tag" keeps the text and reports the kinds; "keep" does nothing', () => {
    expect(applyRedaction(text, 'tag')).toEqual({ text, kinds: ['email', 'phone', 'secret'], redacted: 0 });
    expect(applyRedaction(text, 'keep')).toEqual({ text, kinds: [], redacted: 0 });
  });

  it('survives adversarial input: overlapping shapes, huge inputs, and nothing left behind', () => {
    const tricky = 'key=sk-live-4111111111111111abcdEFGH and mail x@y.io@z.com';
    const result = applyRedaction(tricky, 'redact');
    expect(result.text).not.toMatch(/4111111111111111|sk-live/);
    expect(result.kinds).toContain('secret');
    const long = `${'a'.repeat(50_000)} ana@example.com ${'1 '.repeat(20_000)}`;
    const started = performance.now();
    expect(applyRedaction(long, 'redact').text).toContain('[email]');
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('redaction before storage', () => {
  const secretText = 'My email is ana@example.com and my card is 4111 1111 1111 1111.';

  it('redacts by default: the raw values are never stored, indexed or versioned, and the labels say what was there', async () => {
    const { os } = await openTestOs();
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c', name: 'c' });
    const [memory] = await os.add({ userId: 'ana', cubeId: 'c', memory: { text: secretText } });
    expect(memory!.text).toBe('My email is [email] and my card is [payment card].');
    expect(memory!.sensitivity).toEqual(['email', 'payment-card']);
    expect(await os.search({ userId: 'ana', query: 'ana@example.com 4111' })).toEqual([]);
    const history = await os.history({ userId: 'ana', memoryId: memory!.id });
    expect(JSON.stringify(history)).not.toMatch(/ana@example|4111/);
    const [audit] = await os.auditLog({ userId: 'ana', cubeId: 'c', actions: ['memory.add'] });
    expect(audit?.details).toMatchObject({ redacted: 2 });
    const updated = await os.update({ userId: 'ana', memoryId: memory!.id, patch: { text: 'New number: +44 7700 900123' } });
    expect(updated.text).toBe('New number: [phone]');
    expect(updated.sensitivity).toEqual(['email', 'payment-card', 'phone']);
    os.close();
  });

  it('"tag" keeps the text with labels, "keep" stores it as given; only the owner sets the policy', async () => {
    const { os } = await openTestOs();
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createUser({ userId: 'bo', name: 'Bo' });
    await os.createCube({ userId: 'ana', cubeId: 'c', name: 'c', policy: { redaction: 'tag' } });
    const [tagged] = await os.add({ userId: 'ana', cubeId: 'c', memory: { text: secretText } });
    expect(tagged).toMatchObject({ text: secretText, sensitivity: ['email', 'payment-card'] });
    await os.shareCube({ userId: 'ana', cubeId: 'c', targetUserId: 'bo', access: 'write' });
    expect((await errorOf(() => os.setCubePolicy({ userId: 'bo', cubeId: 'c', policy: { redaction: 'keep' } }))).code).toBe('FORBIDDEN');
    expect((await errorOf(() => os.setCubePolicy({ userId: 'ana', cubeId: 'c', policy: { redaction: 'maybe' as never } }))).code).toBe('INVALID_INPUT');
    await os.setCubePolicy({ userId: 'ana', cubeId: 'c', policy: { redaction: 'keep' } });
    const [kept] = await os.add({ userId: 'bo', cubeId: 'c', memory: { text: secretText } });
    expect(kept).toMatchObject({ text: secretText, sensitivity: [] });
    os.close();
  });

  it('redacts conversation turns added through the reader too', async () => {
    const { os } = await openTestOs();
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c', name: 'c' });
    const items = await os.add({
      userId: 'ana',
      cubeId: 'c',
      messages: [
        { role: 'user', content: 'Here is my key sk-proj-abcdefghijklmnop1234567890' },
        { role: 'assistant', content: 'Thanks, noted.' },
      ],
    });
    expect(items.map((m) => m.text).join(' ')).not.toContain('sk-proj');
    expect(items.some((m) => m.sensitivity.includes('secret'))).toBe(true);
    os.close();
  });
});

describe('a policy changed in another tab', () => {
  it('applies to the next add here, though this tab had the old one cached', async () => {
    const first = await openTestOs();
    const { os } = first;
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c', name: 'c' });
    await os.add({ userId: 'ana', cubeId: 'c', memory: { text: 'warm-up, no secrets' } }); // caches "redact"
    const { os: other } = await openTestOs({ name: first.name });
    await other.setCubePolicy({ userId: 'ana', cubeId: 'c', policy: { redaction: 'keep' } });
    const [kept] = await os.add({ userId: 'ana', cubeId: 'c', memory: { text: 'mail me at ana@example.com' } });
    expect(kept?.text).toBe('mail me at ana@example.com');
    other.close();
    os.close();
  });
});
