/**
 * Pages a parent can read: every document of every sample, in every language the product
 * ships, printed by the real Chromium, its text read back from the PDF; no word of the
 * document's own text may come out broken in two across lines ("Consider|ed", "Proveed|or").
 * pdf.js reads every PDF (it is a dev dependency, so this runs on a fresh clone); where
 * poppler's pdftotext is installed it reads them too, and both must agree nothing is broken.
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import { documentTypes, noticeDocumentTypes } from '../../functions/core/documents.ts';
import { launchPrinter } from '../../functions/render/chromium.ts';
import { DocumentEngine } from '../../functions/render/engine.ts';
import { loadLocales } from '../../functions/render/locales.ts';
import { NoticeRenderer } from '../../functions/render/notice.ts';
import type { PdfPrinter, PrintJob, Signer } from '../../functions/render/ports.ts';
import { SAMPLES_DIR, sampleDecision } from '../fixtures/decisions.ts';
import {
  type BrokenWord,
  brokenWords,
  hasPdftotext,
  pdfjsLines,
  pdftotextLines,
  textPastEdge,
} from './broken-words.ts';

const SAMPLES = readdirSync(SAMPLES_DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.replace(/\.json$/, ''))
  .sort();
const LANGUAGES = [...loadLocales().keys()].sort();
const POPPLER = hasPdftotext();

/** The text a document's HTML prints: styles and tags dropped, Handlebars' escapes decoded. */
function sourceText(job: PrintJob): string {
  const entities: Record<string, string> = {
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    '#x27': "'",
    '#x3D': '=',
    '#x60': '`',
  };
  return job.html
    .replace(/<style>[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#?\w+);/g, (whole, name: string) => entities[name] ?? whole);
}

/** Composing and printing only: signing changes no word. */
const noSigner: Signer = {
  certificates: () => Promise.reject(new Error('not signing here')),
  sign: () => Promise.reject(new Error('not signing here')),
};

let printer: PdfPrinter;
let engine: DocumentEngine;
let notices: NoticeRenderer;

beforeAll(async () => {
  printer = await launchPrinter();
  const clock = () => new Date('2026-12-01T12:00:00Z');
  engine = new DocumentEngine({
    printer,
    signer: noSigner,
    districts: loadDistrictDirectory(),
    clock,
  });
  notices = new NoticeRenderer({ printer, signer: noSigner, clock });
}, 120_000);

afterAll(async () => {
  await printer?.close();
});

/** The words `job` prints broken, as each available reader sees them. */
async function brokenIn(job: PrintJob): Promise<BrokenWord[]> {
  const pdf = await printer.print(job);
  const text = sourceText(job);
  const found = brokenWords(text, await pdfjsLines(pdf));
  if (POPPLER) found.push(...brokenWords(text, pdftotextLines(pdf)));
  return found;
}

describe(`no word broken in two (pdf.js${POPPLER ? ' and pdftotext' : '; pdftotext is not installed, so pdf.js alone'})`, () => {
  it.each(SAMPLES)(
    '%s: the IEP and the notice in every language',
    async (sample) => {
      const decision = sampleDecision(sample);
      const district = loadDistrictDirectory().get(decision.districtId);
      const locales = loadLocales();
      const broken: string[] = [];
      for (const language of LANGUAGES) {
        const locale = locales.get(language);
        if (!locale) throw new Error(`no locale ${language}`);
        for (const type of documentTypes) {
          const job = engine.compose({
            decision,
            district,
            locale,
            type,
            documentId: `${sample}-${type}-${language}`,
            draft: null,
            decisionTextLanguage: 'en',
          });
          for (const word of await brokenIn(job))
            broken.push(`${type}.${language}: "${word.before}|${word.after}"`);
        }
      }
      expect(broken).toEqual([]);
    },
    600_000,
  );

  it.each(SAMPLES)(
    '%s: the calendar notices in every language',
    async (sample) => {
      const decision = sampleDecision(sample);
      const district = loadDistrictDirectory().get(decision.districtId);
      const locales = loadLocales();
      const broken: string[] = [];
      for (const language of notices.languages.sort()) {
        const locale = locales.get(language);
        if (!locale) throw new Error(`no locale ${language}`);
        for (const type of noticeDocumentTypes) {
          const job = notices.compose({ decision, district, locale, type, dueDate: '2027-10-20' });
          for (const word of await brokenIn(job))
            broken.push(`${type}.${language}: "${word.before}|${word.after}"`);
        }
      }
      expect(broken).toEqual([]);
    },
    600_000,
  );
});

describe('a run of text longer than any word', () => {
  it('breaks inside its own column; every column stays on the page', async () => {
    const link = `https://example.org/${'x'.repeat(160)}`;
    const decision = sampleDecision('annual-grade4-en', (raw) => {
      raw.guardians[0].name = 'A'.repeat(120);
      raw.iep.services[0].provider = link;
    });
    const locale = loadLocales().get('en');
    if (!locale) throw new Error('no English locale');
    const job = engine.compose({
      decision,
      district: loadDistrictDirectory().get(decision.districtId),
      locale,
      type: 'iep',
      documentId: 'long-runs',
      draft: null,
      decisionTextLanguage: 'en',
    });
    const pdf = await printer.print(job);
    expect(await textPastEdge(pdf)).toEqual([]);
    const text = (await pdfjsLines(pdf)).join('\n');
    // The columns beside the long runs are still printed, on the page.
    for (const heading of ['Relationship', 'Preferred language', 'Frequency', 'Location'])
      expect(text).toContain(heading);
  }, 120_000);
});

describe('the broken-word finder', () => {
  it('finds a word split across two lines, and not two words that stand side by side', () => {
    const source = 'Considered Frecuencia Sign-language the counselor';
    expect(brokenWords(source, ['Consider', 'ed Frecuenci', 'a', 'Sign-', 'language'])).toEqual([
      { word: 'Considered', before: 'Consider', after: 'ed' },
      { word: 'Frecuencia', before: 'Frecuenci', after: 'a' },
    ]);
    expect(
      brokenWords(source, ['Considered', 'Frecuencia Sign-', 'language the', 'counselor']),
    ).toEqual([]);
  });

  it('lets Chinese break between any two characters, but not a Latin word inside it', () => {
    expect(brokenWords('个别化教育计划 IEP', ['个别化教', '育计划 I', 'EP'])).toEqual([
      { word: 'IEP', before: 'I', after: 'EP' },
    ]);
  });
});
