/**
 * The response code printed in a postal letter (issue #19): what lets a parent who receives the
 * district's offer on paper answer it online. Possession of the letter stands in for the
 * emailed one-time code: the letter went to the address the district holds, as the email link
 * went to the email address (docs/parent-response.md gives the decision).
 *
 * Crockford base32 (https://www.crockford.com/base32.html): digits and capital letters without
 * I, L, O and U, so nothing printed can be misread (0/O, 1/I/L) and a typed O, I or L still
 * means 0, 1, 1. Sixteen symbols are 80 random bits, printed in four groups of four. Pure: the
 * caller gives the random bytes.
 */

/** The 32 symbols, in value order. */
export const PRINTED_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Symbols in a code (5 bits each). */
export const PRINTED_CODE_SYMBOLS = 16;
/** The code's entropy: 80 bits, far beyond online guessing behind the per-client limits. */
export const PRINTED_CODE_BITS = PRINTED_CODE_SYMBOLS * 5;
/** Random bytes a code is made of. */
export const PRINTED_CODE_BYTES = PRINTED_CODE_BITS / 8;

/** The printed form of `bytes` (10 of them): `XXXX-XXXX-XXXX-XXXX`. */
export function formatPrintedCode(bytes: Uint8Array): string {
  if (bytes.length !== PRINTED_CODE_BYTES)
    throw new Error(`a printed code needs ${PRINTED_CODE_BYTES} random bytes, got ${bytes.length}`);
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  let symbols = '';
  for (let i = PRINTED_CODE_SYMBOLS - 1; i >= 0; i--)
    symbols += PRINTED_CODE_ALPHABET[Number((value >> BigInt(i * 5)) & 31n)];
  return (symbols.match(/.{4}/g) as string[]).join('-');
}

/**
 * The canonical form of a typed code (16 symbols, no separators), or undefined when it cannot
 * be one: case is ignored, spaces and hyphens dropped, O read as 0 and I or L as 1 (Crockford).
 */
export function normalizePrintedCode(input: string | undefined): string | undefined {
  const code = (input ?? '')
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-‐-―]+/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (code.length !== PRINTED_CODE_SYMBOLS) return undefined;
  for (const c of code) if (!PRINTED_CODE_ALPHABET.includes(c)) return undefined;
  return code;
}
