import { describe, expect, it } from 'vitest';
import { PdfReader, PdfSyntaxError } from '../../../functions/render/signing/pdf-syntax.ts';

const reader = (text: string) => new PdfReader(new Uint8Array(Buffer.from(text, 'latin1')));

describe('the PDF reader', () => {
  it('reads integers after spaces and comments, and stops at a delimiter', () => {
    // Prepare
    const r = reader('  0000000017 % a comment\n 65535/Next');

    // Act
    const numbers = [r.integer(), r.integer()];

    // Assess
    expect(numbers).toEqual([17, 65535]);
    expect(r.pos).toBe(r.bytes.indexOf(0x2f));
  });

  it('refuses a token that is not a whole integer', () => {
    for (const text of ['12a', '1.5', '-3', 'n', '']) {
      expect(() => reader(text).integer(), text).toThrow(PdfSyntaxError);
    }
  });

  it('reads a one-letter keyword, and nothing longer', () => {
    // Prepare
    const entry = reader(' n \r\n');
    const word = reader(' no');

    // Act + Assess
    expect(entry.letter()).toBe(0x6e);
    expect(word.letter()).toBeUndefined();
    expect(word.pos).toBe(1);
  });
});
