import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  formatPrintedCode,
  normalizePrintedCode,
  PRINTED_CODE_ALPHABET,
  PRINTED_CODE_BITS,
} from '../../functions/core/printed-code.ts';
import { hashToken } from '../../functions/pipeline/links.ts';
import { newPrintedCode, printedCodeHash } from '../../functions/pipeline/printed-codes.ts';

describe('printed response codes', () => {
  it('carries at least 50 bits (80) in four groups of four unambiguous symbols', () => {
    const { code } = newPrintedCode();

    expect(PRINTED_CODE_BITS).toBeGreaterThanOrEqual(50);
    expect(PRINTED_CODE_BITS).toBe(80);
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    for (const ambiguous of ['I', 'L', 'O', 'U'])
      expect(PRINTED_CODE_ALPHABET).not.toContain(ambiguous);
  });

  it('encodes every bit of its ten random bytes (Crockford base32, big-endian)', () => {
    expect(formatPrintedCode(new Uint8Array(10))).toBe('0000-0000-0000-0000');
    expect(formatPrintedCode(new Uint8Array(10).fill(255))).toBe('ZZZZ-ZZZZ-ZZZZ-ZZZZ');
    const one = new Uint8Array(10);
    one[9] = 1;
    expect(formatPrintedCode(one)).toBe('0000-0000-0000-0001');
    const top = new Uint8Array(10);
    top[0] = 0x80;
    expect(formatPrintedCode(top)).toBe('G000-0000-0000-0000');
    expect(() => formatPrintedCode(new Uint8Array(8))).toThrow(/10 random bytes/);
  });

  it('spreads its symbols evenly over many codes (no biased position)', () => {
    const counts = new Map<string, number>();
    const n = 4000;
    for (let i = 0; i < n; i++)
      for (const c of formatPrintedCode(randomBytes(10)).replace(/-/g, ''))
        counts.set(c, (counts.get(c) ?? 0) + 1);
    const expected = (n * 16) / 32;
    expect(counts.size).toBe(32);
    for (const count of counts.values())
      expect(Math.abs(count - expected) / expected).toBeLessThan(0.15);
  });

  it('reads a code as a parent may type it: any case, spaces, dashes, O for 0 and I or L for 1', () => {
    expect(normalizePrintedCode('7k3m q9tb-xr4d 2hnc')).toBe('7K3MQ9TBXR4D2HNC');
    expect(normalizePrintedCode('O1IL-0000-0000-0000')).toBe('0111000000000000');
    expect(normalizePrintedCode(' 7K3M–Q9TB–XR4D–2HNC ')).toBe('7K3MQ9TBXR4D2HNC');
  });

  it('refuses what cannot be a code: too short, too long, U or other symbols', () => {
    expect(normalizePrintedCode('7K3M-Q9TB-XR4D')).toBeUndefined();
    expect(normalizePrintedCode('7K3M-Q9TB-XR4D-2HNC-0')).toBeUndefined();
    expect(normalizePrintedCode('7K3M-Q9TB-XR4D-2HNU')).toBeUndefined();
    expect(normalizePrintedCode('7K3M-Q9TB-XR4D-2HN!')).toBeUndefined();
    expect(normalizePrintedCode(undefined)).toBeUndefined();
  });

  it('stores only a hash of the canonical form, apart from any download token’s hash', () => {
    const { code, codeHash } = newPrintedCode();
    const canonical = normalizePrintedCode(code) as string;

    expect(codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(codeHash).toBe(printedCodeHash(canonical));
    expect(printedCodeHash(normalizePrintedCode(code.toLowerCase()) as string)).toBe(codeHash);
    expect(codeHash).not.toContain(canonical.toLowerCase());
    expect(codeHash).not.toBe(hashToken(canonical));
    expect(newPrintedCode().codeHash).not.toBe(codeHash);
  });
});
