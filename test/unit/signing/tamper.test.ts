import { randomInt } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { signPdf, verifyPdf } from '../../../functions/render/signing/index.ts';
import { classicPdf, metadata, signingTime, testIdentity } from './fixtures.ts';

/**
 * Each flip costs a full verification (10-30 ms on two busy cores): `npm test` flips every byte
 * of the small regions (header, /ByteRange, padding, xref, trailer…) and one byte in 16 of the
 * large ones (the printed body, the signature's DER, the update objects after it), from a random
 * start so that runs cover different bytes; `npm run test:adversarial` (which runs this file
 * too) flips every byte.
 */
const LARGE_REGION = 512;
const LARGE_REGION_STRIDE = process.env.IEP_ADVERSARIAL_FULL === '1' ? 1 : 16;

let signed: Buffer;
let printedLength: number;

beforeAll(async () => {
  const pdf = classicPdf();
  printedLength = pdf.length;
  const identity = testIdentity();
  signed = Buffer.from(
    await signPdf(pdf, {
      signer: identity.signer,
      reason: 'Official IEP document',
      location: 'Example USD',
      signingTime,
      metadata,
    }),
  );
});

/** The signed file cut into named regions that together cover every byte. */
function regions(): { name: string; start: number; end: number }[] {
  const text = signed.toString('latin1');
  const byteRange = text.indexOf('/ByteRange [');
  const byteRangeEnd = text.indexOf(']', byteRange) + 1;
  const contents = text.indexOf('<', text.indexOf('/Contents', byteRangeEnd));
  const hexEnd = text.indexOf('>', contents);
  const derEnd = contents + 1 + text.slice(contents + 1, hexEnd).search(/0+$/);
  const xref = text.lastIndexOf('\nxref\n') + 1;
  const trailer = text.lastIndexOf('trailer');
  const cuts = [
    ['header', 0, 15],
    ['printed body and its xref', 15, printedLength],
    ['update objects before /ByteRange', printedLength, byteRange],
    ['/ByteRange', byteRange, byteRangeEnd],
    ['between /ByteRange and /Contents', byteRangeEnd, contents + 1],
    ['signature DER (hex)', contents + 1, derEnd],
    ['zero padding after the DER', derEnd, hexEnd],
    ['rest of the update objects', hexEnd, xref],
    ['update xref', xref, trailer],
    ['trailer, startxref and %%EOF', trailer, signed.length],
  ] as const;
  return cuts.map(([name, start, end]) => ({ name, start, end }));
}

/** Positions in [start, end), every `stride`-th, whose changed byte still verifies as intact. */
function survivingFlips(start: number, end: number, mask: number, stride = 1): number[] {
  const survivors: number[] = [];
  for (let position = start + randomInt(stride); position < end; position += stride) {
    const copy = Buffer.from(signed);
    copy[position] = (copy[position] as number) ^ mask;
    if (verifyPdf(copy).intact) survivors.push(position);
  }
  return survivors;
}

describe('verifyPdf on a changed byte', () => {
  it('verifies the untouched file, and the regions cover every byte', () => {
    const cuts = regions();

    expect(verifyPdf(signed).intact).toBe(true);
    expect(cuts[0]?.start).toBe(0);
    expect(cuts.at(-1)?.end).toBe(signed.length);
    cuts.slice(1).forEach((cut, i) => {
      expect(cut.start).toBe(cuts[i]?.end);
      expect(cut.end).toBeGreaterThan(cut.start);
    });
  });

  it('changing any byte anywhere in the file makes it not intact', () => {
    const survivors = regions().flatMap((cut) =>
      survivingFlips(
        cut.start,
        cut.end,
        0x01,
        cut.end - cut.start > LARGE_REGION ? LARGE_REGION_STRIDE : 1,
      ).map((position) => `${cut.name} @${position}`),
    );

    expect(survivors).toEqual([]);
  });

  it('flipping the letter case of any signature hex digit makes it not intact', () => {
    const hex = regions().filter((cut) => cut.name.includes('DER') || cut.name.includes('padding'));

    const survivors = hex.flatMap((cut) => survivingFlips(cut.start, cut.end, 0x20));

    expect(hex).toHaveLength(2);
    expect(survivors).toEqual([]);
  });

  it('reports the digest mismatch for a changed byte in the printed body', () => {
    const copy = Buffer.from(signed);
    copy[200] = (copy[200] as number) ^ 0x01;

    const result = verifyPdf(copy);

    expect(result.intact).toBe(false);
    expect(result.problems).toContain(
      'the document digest does not match the signed messageDigest',
    );
  });

  it('reports non-zero padding after the CMS', () => {
    const { start, end } = regions().find((cut) => cut.name === 'zero padding after the DER') as {
      start: number;
      end: number;
    };
    const copy = Buffer.from(signed);
    copy[Math.floor((start + end) / 2)] = 0x31; // '1'

    const result = verifyPdf(copy);

    expect(result.problems).toEqual(['the /Contents padding after the CMS is not all zeros']);
  });
});

describe('verifyPdf on an update appended after the signature', () => {
  it('reports an overlay that redefines an object', () => {
    const text = signed.toString('latin1');
    const startxref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)?.[1]);
    const overlayObject = '1 0 obj\n<</Title (Changed after signing)>>\nendobj\n';
    const xrefOffset = signed.length + overlayObject.length;
    const overlay =
      `${overlayObject}xref\n1 1\n${String(signed.length).padStart(10, '0')} 00000 n \n` +
      `trailer\n<</Size 20 /Root 2 0 R /Info 1 0 R /Prev ${startxref}>>\nstartxref\n${xrefOffset}\n%%EOF\n`;
    const updated = Buffer.concat([signed, Buffer.from(overlay, 'latin1')]);

    const result = verifyPdf(updated);

    expect(result.intact).toBe(false);
    expect(result.problems).toEqual(['an incremental update follows the signature']);
    expect(result.signer).toBe('Example USD test signer');
  });

  it('reports a full copy of the file appended to it', () => {
    const doubled = Buffer.concat([signed, signed]);

    const result = verifyPdf(doubled);

    expect(result.intact).toBe(false);
    expect(result.problems).toContain('an incremental update follows the signature');
  });

  it('reports a single byte appended after %%EOF', () => {
    const result = verifyPdf(Buffer.concat([signed, Buffer.from('\n')]));

    expect(result.problems).toEqual(['an incremental update follows the signature']);
  });

  it('reports a truncated file without throwing', () => {
    const result = verifyPdf(signed.subarray(0, signed.length - 10));

    expect(result.intact).toBe(false);
    expect(result.problems).toHaveLength(1);
  });
});
