/**
 * `iep-docs render --html`: the review copy of a document is the HTML the PDF was printed
 * from, standing on its own (fonts inlined, no other URL), and printing it gives the same
 * document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import { launchPrinter } from '../../functions/render/chromium.ts';
import { DocumentEngine } from '../../functions/render/engine.ts';
import { FONT_ORIGIN } from '../../functions/render/fonts.ts';
import { loadLocales } from '../../functions/render/locales.ts';
import type { PdfPrinter, Signer } from '../../functions/render/ports.ts';
import { reviewHtml } from '../../functions/render/review-html.ts';
import { sampleDecision } from '../fixtures/decisions.ts';
import { readPdf } from './chromium-pdf-reader.ts';

const unused = () => Promise.reject(new Error('not signing here'));
let printer: PdfPrinter;
let engine: DocumentEngine;

beforeAll(async () => {
  printer = await launchPrinter();
  engine = new DocumentEngine({
    printer,
    signer: { certificates: unused, sign: unused } as Signer,
    districts: loadDistrictDirectory(),
    clock: () => new Date('2026-12-01T12:00:00Z'),
  });
}, 120_000);

afterAll(async () => {
  await printer?.close();
});

describe('the review HTML of a document', () => {
  it.each(['es', 'zh-Hans', 'ar'])(
    '%s: fonts inlined, nothing else to fetch, prints the same pages',
    async (tag) => {
      const decision = sampleDecision('transition-es');
      const job = engine.compose({
        decision,
        district: loadDistrictDirectory().get(decision.districtId),
        locale: loadLocales().get(tag)!,
        type: 'iep',
        documentId: 'doc_review',
        draft: null,
        decisionTextLanguage: 'en',
      });
      expect(job.html).toContain(FONT_ORIGIN);
      const review = reviewHtml(job.html);
      expect(review).not.toContain(FONT_ORIGIN);
      expect(review).toContain('data:font/woff2;base64,');
      // Every url() is a data: URL; no element loads anything.
      expect(
        [...review.matchAll(/url\(([^)]{0,12})/g)].every((m) => m[1]?.startsWith('data:')),
      ).toBe(true);
      expect(review).not.toMatch(/<(img|link|script|iframe)\b/i);
      expect(review).toMatch(/@page \{ size: letter; margin: 0\.9in 0\.75in 0\.9in 0\.75in; \}/);

      const [printed, reprinted] = [
        await readPdf(await printer.print(job)),
        await readPdf(await printer.print({ html: review })),
      ];
      expect(reprinted.pageCount).toBe(printed.pageCount);
      expect(reprinted.text).toBe(printed.text);
    },
    120_000,
  );
});
