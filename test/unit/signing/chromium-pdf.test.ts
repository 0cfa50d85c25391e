import chromium from '@sparticuz/chromium';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMetadata,
  pdfPageCount,
  signPdf,
  verifyPdf,
} from '../../../functions/render/signing/index.ts';
import { PdfDocument } from '../../../functions/render/signing/pdf-document.ts';
import {
  decodeText,
  type PdfName,
  PdfRef,
  PdfString,
} from '../../../functions/render/signing/pdf-syntax.ts';
import { metadata, signingTime, testIdentity } from './fixtures.ts';

let browser: Browser;
let printed: Uint8Array;

/** A few pages with headings and links, printed the way the engine prints. */
function documentHtml(): string {
  const sections = Array.from(
    { length: 12 },
    (_, i) =>
      `<h2>Goal ${i + 1}</h2><p>${'Measurable annual goal text. '.repeat(40)}</p>` +
      `<p><a href="https://example.org/goal/${i + 1}">Progress report</a></p>`,
  ).join('');
  return `<!doctype html><html lang="en"><head><title>IEP</title></head><body><h1>Individualized Education Program</h1>${sections}</body></html>`;
}

beforeAll(async () => {
  browser = await puppeteer.launch({
    executablePath: await chromium.executablePath(),
    args: chromium.args.filter((arg) => arg !== '--disable-web-security'),
    headless: 'shell',
  });
  const page = await browser.newPage();
  await page.setContent(documentHtml());
  printed = await page.pdf({ tagged: true, outline: true, format: 'Letter' });
  await page.close();
});

afterAll(async () => {
  await browser?.close();
});

const signer = testIdentity().signer;
const sign = (pdf: Uint8Array): Promise<Uint8Array> =>
  signPdf(pdf, {
    signer,
    reason: 'Official IEP document',
    location: 'Example USD',
    signingTime,
    metadata,
  });

describe('signing a PDF printed by Chromium', () => {
  it('verifies as intact and keeps the page count', async () => {
    const signed = await sign(printed);

    const result = verifyPdf(signed);

    expect(result.problems).toEqual([]);
    expect(pdfPageCount(signed)).toBe(pdfPageCount(printed));
    expect(pdfPageCount(printed)).toBeGreaterThanOrEqual(3);
  });

  it('keeps the structure tree, marking and outline of the printed catalog', async () => {
    const before = PdfDocument.load(printed).catalog().dict;

    const after = PdfDocument.load(await sign(printed)).catalog().dict;

    for (const key of ['StructTreeRoot', 'Outlines', 'Pages']) {
      expect(after.get(key)).toBeInstanceOf(PdfRef);
      expect((after.get(key) as PdfRef).num).toBe((before.get(key) as PdfRef).num);
    }
    expect(after.get('MarkInfo')).toEqual(before.get('MarkInfo'));
    const structTree = PdfDocument.load(printed).dict(
      before.get('StructTreeRoot'),
      'structure tree',
    );
    expect((structTree.get('Type') as PdfName).name).toBe('StructTreeRoot');
  });

  it('keeps the link annotations of page 1 next to the signature widget', async () => {
    const printedAnnots = PdfDocument.load(printed).firstPage().dict.get('Annots') as PdfRef[];

    const doc = PdfDocument.load(await sign(printed));

    const annots = doc.firstPage().dict.get('Annots') as PdfRef[];
    expect(printedAnnots.length).toBeGreaterThan(0);
    expect(annots.slice(0, -1).map((ref) => ref.num)).toEqual(printedAnnots.map((ref) => ref.num));
    expect((doc.dict(annots.at(-1), 'widget').get('FT') as PdfName).name).toBe('Sig');
  });

  it('writes the metadata language over the printed one in a draft', () => {
    const draft = addMetadata(printed, { ...metadata, language: 'es-US' });

    const doc = PdfDocument.load(draft);
    const lang = doc.catalog().dict.get('Lang');
    expect(lang).toBeInstanceOf(PdfString);
    expect(decodeText(lang as PdfString)).toBe('es-US');
    expect(verifyPdf(draft).intact).toBe(false);
  });
});
