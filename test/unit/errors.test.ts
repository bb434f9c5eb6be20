import { describe, expect, it } from 'vitest';
import { ERROR_MESSAGES, MemosError, isMemosError } from '../../src/core/errors';

describe('MemosError', () => {
  it('carries its code, the standard message and the detail sentence', () => {
    const error = new MemosError('FORBIDDEN', 'User u needs write access.', { userId: 'u' });
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toBe(`${ERROR_MESSAGES.FORBIDDEN} User u needs write access.`);
    expect(error.details).toEqual({ userId: 'u' });
    expect(error).toBeInstanceOf(Error);
    expect(isMemosError(error, 'FORBIDDEN')).toBe(true);
    expect(isMemosError(error, 'QUOTA_EXCEEDED')).toBe(false);
  });

  it('round-trips through its plain-data form', () => {
    const error = new MemosError('VERSION_CONFLICT', 'x', { expected: 1, actual: 2 });
    const back = MemosError.fromData(structuredClone(error.toData()));
    expect(back).toBeInstanceOf(MemosError);
    expect(back.code).toBe('VERSION_CONFLICT');
    expect(back.message).toBe(error.message);
    expect(back.details).toEqual({ expected: 1, actual: 2 });
  });

  it('turns an unknown code from another build into WORKER_FAILED instead of trusting it', () => {
    const back = MemosError.fromData({ code: 'NOT_A_CODE' as never, message: 'm' });
    expect(back.code).toBe('WORKER_FAILED');
  });

  it('has a message for every code', () => {
    for (const [code, message] of Object.entries(ERROR_MESSAGES)) {
      expect(message.length, code).toBeGreaterThan(10);
    }
  });
});
