import { describe, expect, it } from 'vitest';
import {
  addMetadata,
  pdfPageCount,
  signPdf,
  verifyPdf,
} from '../../../functions/render/signing/index.ts';
import { PdfDocument } from '../../../functions/render/signing/pdf-document.ts';
import {
  decodeText,
  PdfName,
  type PdfRef,
  PdfString,
} from '../../../functions/render/signing/pdf-syntax.ts';
import { classicPdf, metadata, signingTime, testIdentity, xrefStreamPdf } from './fixtures.ts';

const identity = testIdentity();
const signOptions = {
  signer: identity.signer,
  reason: 'Official IEP document',
  location: 'Example USD',
  signerName: 'Example Unified School District',
  signingTime,
  metadata,
};

const text = (value: unknown): string | undefined =>
  value instanceof PdfString ? decodeText(value) : undefined;

describe('signPdf', () => {
  it('produces a signature that verifies and covers the whole file', async () => {
    // Prepare
    const pdf = classicPdf();

    // Act
    const signed = await signPdf(pdf, signOptions);
    const result = verifyPdf(signed);

    // Assess
    expect(result.problems).toEqual([]);
    expect(result.intact).toBe(true);
    expect(result.signer).toBe('Example USD test signer');
    expect(result.signingTime).toBe('2026-11-20T15:30:00.000Z');
    expect(result.subFilter).toBe('ETSI.CAdES.detached');
    expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('only appends to the printed file', async () => {
    const pdf = classicPdf();

    const signed = await signPdf(pdf, signOptions);

    expect(Buffer.from(signed.subarray(0, pdf.length)).equals(Buffer.from(pdf))).toBe(true);
    expect(signed.length).toBeGreaterThan(pdf.length);
  });

  it('writes the signature dictionary PAdES asks for', async () => {
    const signed = await signPdf(classicPdf(), signOptions);

    const doc = PdfDocument.load(signed);
    const form = doc.dict(doc.catalog().dict.get('AcroForm'), 'AcroForm');
    const [fieldRef] = form.get('Fields') as PdfRef[];
    const field = doc.dict(fieldRef, 'field');
    const signature = doc.dict(field.get('V'), 'signature');
    expect(form.get('SigFlags')).toBe(3);
    expect((field.get('FT') as PdfName).name).toBe('Sig');
    expect((field.get('Subtype') as PdfName).name).toBe('Widget');
    expect(field.get('Rect')).toEqual([0, 0, 0, 0]);
    expect((signature.get('Filter') as PdfName).name).toBe('Adobe.PPKLite');
    expect((signature.get('SubFilter') as PdfName).name).toBe('ETSI.CAdES.detached');
    expect(text(signature.get('M'))).toBe('D:20261120153000Z');
    expect(text(signature.get('Reason'))).toBe('Official IEP document');
    expect(text(signature.get('Location'))).toBe('Example USD');
    expect(text(signature.get('Name'))).toBe('Example Unified School District');
    const byteRange = signature.get('ByteRange') as number[];
    expect(byteRange[0]).toBe(0);
    expect((byteRange[2] as number) + (byteRange[3] as number)).toBe(signed.length);
  });

  it('adds the invisible widget to page 1 and keeps its link annotation', async () => {
    const signed = await signPdf(classicPdf(), signOptions);

    const doc = PdfDocument.load(signed);
    const page = doc.firstPage();
    const annots = page.dict.get('Annots') as PdfRef[];
    expect(annots).toHaveLength(2);
    expect((doc.dict(annots[0], 'link').get('Subtype') as PdfName).name).toBe('Link');
    expect((doc.dict(annots[1], 'widget').get('Subtype') as PdfName).name).toBe('Widget');
    expect((doc.dict(annots[1], 'widget').get('P') as PdfRef).num).toBe(page.ref.num);
    expect((page.dict.get('Tabs') as PdfName).name).toBe('S');
  });

  it('keeps the structure tree, marking and outline reachable from the new catalog', async () => {
    const signed = await signPdf(classicPdf(), signOptions);

    const catalog = PdfDocument.load(signed).catalog().dict;
    expect((catalog.get('StructTreeRoot') as PdfRef).num).toBe(7);
    expect((catalog.get('Outlines') as PdfRef).num).toBe(9);
    expect(catalog.get('MarkInfo')).toEqual(
      new Map<string, unknown>([
        ['Type', new PdfName('MarkInfo')],
        ['Marked', true],
      ]),
    );
  });

  it('writes the document information, language and title display preference', async () => {
    const signed = await signPdf(classicPdf(), signOptions);

    const doc = PdfDocument.load(signed);
    const info = doc.dict(doc.trailer.get('Info'), 'info');
    const catalog = doc.catalog().dict;
    expect(text(info.get('Title'))).toBe('Individualized Education Program');
    expect(text(info.get('Author'))).toBe('Example Unified School District');
    expect(text(info.get('Subject'))).toBe('IEP – annual review');
    expect(text(info.get('Keywords'))).toBe('IEP, special education');
    expect(text(info.get('Producer'))).toBe('iep-docs');
    expect(text(info.get('Creator'))).toBe('Chromium');
    expect(text(catalog.get('Lang'))).toBe('en-US');
    expect(doc.dict(catalog.get('ViewerPreferences'), 'preferences').get('DisplayDocTitle')).toBe(
      true,
    );
  });

  it('signs a PDF whose cross-reference is a stream and whose catalog is in an object stream', async () => {
    const pdf = xrefStreamPdf();

    const signed = await signPdf(pdf, signOptions);

    expect(verifyPdf(signed).problems).toEqual([]);
    const doc = PdfDocument.load(signed);
    expect((doc.catalog().dict.get('StructTreeRoot') as PdfRef).num).toBe(7);
    expect(doc.firstPage().dict.get('Annots')).toHaveLength(2);
    expect(pdfPageCount(signed)).toBe(1);
  });

  it('signs with a certificate chain and reports the signer, not the CA', async () => {
    const chained = testIdentity({ withCa: true, commonName: 'Example USD records office' });

    const signed = await signPdf(classicPdf(), { ...signOptions, signer: chained.signer });
    const result = verifyPdf(signed);

    expect(result.problems).toEqual([]);
    expect(result.signer).toBe('Example USD records office');
  });

  it('refuses a signer whose signature length does not match its certificate', async () => {
    const short = { ...identity.signer, sign: async () => new Uint8Array(16) };

    await expect(signPdf(classicPdf(), { ...signOptions, signer: short })).rejects.toThrow(
      /key size/,
    );
  });

  it('refuses an encrypted PDF rather than writing an unreadable update', async () => {
    const pdf = Buffer.from(classicPdf());
    const encrypted = Buffer.from(
      pdf.toString('latin1').replace('/Info 1 0 R>>', '/Info 1 0 R /Encrypt 1 0 R>>'),
      'latin1',
    );

    await expect(signPdf(encrypted, signOptions)).rejects.toThrow(/encrypted/);
  });
});

describe('addMetadata', () => {
  it('writes the same metadata without a signature', () => {
    const pdf = classicPdf();

    const updated = addMetadata(pdf, metadata);

    const doc = PdfDocument.load(updated);
    expect(Buffer.from(updated.subarray(0, pdf.length)).equals(Buffer.from(pdf))).toBe(true);
    expect(text(doc.dict(doc.trailer.get('Info'), 'info').get('Title'))).toBe(metadata.title);
    expect(text(doc.catalog().dict.get('Lang'))).toBe('en-US');
    expect(doc.catalog().dict.has('AcroForm')).toBe(false);
    expect((doc.catalog().dict.get('StructTreeRoot') as PdfRef).num).toBe(7);
    expect(verifyPdf(updated)).toMatchObject({ intact: false, problems: ['no signature'] });
  });
});

describe('pdfPageCount', () => {
  it('reads /Count of the root page tree of the newest revision', () => {
    expect(pdfPageCount(classicPdf())).toBe(1);
    expect(pdfPageCount(addMetadata(classicPdf(), metadata))).toBe(1);
  });
});
