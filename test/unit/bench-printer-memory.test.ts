import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChromiumPrinter, launchPrinter } from '../../functions/render/chromium.ts';
import { pdfPageCount } from '../../functions/render/signing/index.ts';

const job = (text: string) => ({
  html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title></head><body><p>${text}</p></body></html>`,
});

describe('the printer keeps its memory in check', () => {
  let printer: ChromiumPrinter;
  beforeAll(async () => {
    printer = await launchPrinter({ memoryReliefEvery: 3 });
  });
  afterAll(async () => {
    await printer.close();
  });

  it('signals memory pressure every few prints and keeps printing on the same page', async () => {
    // Act
    const pdfs: Uint8Array[] = [];
    for (let i = 0; i < 7; i++) pdfs.push(await printer.print(job(`document ${i}`)));

    // Assess: 7 prints, a signal after the 3rd and the 6th
    expect(printer.memoryReliefs).toBe(2);
    for (const pdf of pdfs) expect(pdfPageCount(pdf)).toBe(1);
    const text = Buffer.from(pdfs[6] as Uint8Array).toString('latin1');
    expect(text.startsWith('%PDF-')).toBe(true);
  });
});
