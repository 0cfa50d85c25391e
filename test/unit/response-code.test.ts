/** The one-time code behind an online answer (core/response-code.ts): six digits, ten minutes, five tries. */
import { describe, expect, it } from 'vitest';
import {
  CODE_RESEND_MS,
  CODE_VALIDITY_MS,
  checkCode,
  MAX_CODE_ATTEMPTS,
  MAX_CODES_SENT,
  NO_CODE,
  normalizeCode,
  requestCode,
} from '../../functions/core/response-code.ts';

const T0 = 1_800_000_000_000;

function issued(at = T0) {
  const result = requestCode(NO_CODE, at, 'hash-A');
  if (!result.ok) throw new Error('not issued');
  return result.state;
}

describe('normalizeCode', () => {
  it('takes six digits, spaces removed, and nothing else', () => {
    expect(normalizeCode(' 123 456 ')).toBe('123456');
    for (const bad of ['12345', '1234567', '12a456', '１２３４５６', '', undefined])
      expect(normalizeCode(bad)).toBeUndefined();
  });
});

describe('requestCode', () => {
  it('issues a code and counts it', () => {
    expect(issued()).toEqual({ codeHash: 'hash-A', issuedAt: T0, attempts: 0, sent: 1 });
  });
  it('refuses a second request within the resend interval, then allows it', () => {
    expect(requestCode(issued(), T0 + CODE_RESEND_MS - 1, 'h')).toEqual({
      ok: false,
      reason: 'too-soon',
    });
    expect(requestCode(issued(), T0 + CODE_RESEND_MS, 'h')).toMatchObject({
      ok: true,
      state: { codeHash: 'h', sent: 2 },
    });
  });
  it('stops sending after the most codes a link may ask for', () => {
    expect(requestCode({ ...NO_CODE, sent: MAX_CODES_SENT }, T0, 'h')).toEqual({
      ok: false,
      reason: 'too-many',
    });
  });
  it('sends nothing to a locked link, and a new code does not reset the wrong tries', () => {
    expect(requestCode({ ...NO_CODE, lockedAt: T0 }, T0, 'h')).toEqual({
      ok: false,
      reason: 'locked',
    });
    const after = requestCode({ ...issued(), attempts: 3 }, T0 + CODE_RESEND_MS, 'h');
    expect(after.ok && after.state.attempts).toBe(3);
  });
});

describe('checkCode', () => {
  it('accepts the right code within ten minutes, once', () => {
    const first = checkCode(issued(), 'hash-A', T0 + CODE_VALIDITY_MS - 1);
    expect(first.outcome).toBe('accepted');
    expect(checkCode(first.state, 'hash-A', T0 + 1).outcome).toBe('none');
  });
  it('calls a code expired at ten minutes, without counting a try', () => {
    const result = checkCode(issued(), 'hash-A', T0 + CODE_VALIDITY_MS);
    expect(result).toEqual({ outcome: 'expired', state: issued() });
  });
  it('answers none before any code was asked for', () => {
    expect(checkCode(NO_CODE, 'hash-A', T0).outcome).toBe('none');
  });
  it('locks the link on the fifth wrong try, counting a malformed code as one', () => {
    let state = issued();
    for (let i = 1; i < MAX_CODE_ATTEMPTS; i++) {
      const result = checkCode(state, i % 2 ? 'wrong' : undefined, T0 + i);
      expect(result).toMatchObject({
        outcome: 'wrong',
        attemptsLeft: MAX_CODE_ATTEMPTS - i,
        justLocked: false,
      });
      state = result.state;
    }
    const fifth = checkCode(state, 'wrong', T0 + 10);
    expect(fifth).toMatchObject({
      outcome: 'wrong',
      attemptsLeft: 0,
      justLocked: true,
      state: { lockedAt: T0 + 10 },
    });
    expect(checkCode(fifth.state, 'hash-A', T0 + 11).outcome).toBe('locked');
  });
});
