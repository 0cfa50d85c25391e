/**
 * Every language the product ships, rendered through the real engine (Chromium, signer):
 * the documents exist under their names, read in their language, carry fonts that draw
 * their text, and declare their language to assistive technology.
 */

import { PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import type { Decision } from '../../functions/core/decision.ts';
import { documentFileName, documentId } from '../../functions/core/documents.ts';
import type { DocumentEngine, RenderedDocument } from '../../functions/render/engine.ts';
import { type Locale, loadLocales } from '../../functions/render/locales.ts';
import type { PdfPrinter } from '../../functions/render/ports.ts';
import { sampleDecision } from '../fixtures/decisions.ts';
import { testEngine } from '../fixtures/engine.ts';

const locales = loadLocales();

/** A sample decision whose guardians prefer `languages`, named in their own scripts. */
function decisionFor(decisionId: string, languages: string[], names: string[]): Decision {
  return sampleDecision('annual-grade4-en', (raw) => {
    raw.decisionId = decisionId;
    const template = raw.guardians[0];
    raw.guardians = languages.map((language, i) => ({
      ...structuredClone(template),
      guardianId: `G-${i + 1}`,
      name: names[i] ?? `Guardian ${i + 1}`,
      educationalRightsHolder: i === 0,
      preferredLanguage: language,
    }));
  });
}

interface Reading {
  text: string;
  /** Each text run with the base name of its embedded font (subset prefix dropped). */
  runs: { text: string; font: string }[];
  outline: string[];
  marked: boolean;
  lang: string | undefined;
}

/** Reads every page's text and fonts with pdf.js, and the catalog's /Lang with pdf-lib. */
async function read(pdf: Uint8Array): Promise<Reading> {
  const document = await getDocument({
    data: new Uint8Array(pdf),
    isEvalSupported: false,
    verbosity: 0,
  }).promise;
  try {
    const runs: Reading['runs'] = [];
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      await page.getOperatorList();
      for (const item of (await page.getTextContent()).items) {
        if (!('str' in item) || item.str.trim() === '') continue;
        const font = page.commonObjs.get(item.fontName) as { name?: string } | undefined;
        runs.push({ text: item.str, font: (font?.name ?? '').replace(/^[A-Z]{6}\+/, '') });
      }
    }
    const outline: string[] = [];
    const walk = (items: { title: string; items: typeof items }[]) => {
      for (const item of items) {
        outline.push(item.title);
        walk(item.items);
      }
    };
    walk((await document.getOutline()) ?? []);
    const catalogLang = (await PDFDocument.load(pdf, { updateMetadata: false })).catalog.lookup(
      PDFName.of('Lang'),
    );
    return {
      text: runs.map((r) => r.text).join(' '),
      runs,
      outline,
      marked: (await document.getMarkInfo())?.Marked === true,
      lang:
        catalogLang instanceof PDFString || catalogLang instanceof PDFHexString
          ? catalogLang.decodeText()
          : undefined,
    };
  } finally {
    await document.destroy();
  }
}

/**
 * Text compared without spaces, isolates or combining marks: pdf.js splits some Vietnamese
 * letters with a dot below into base and mark (poppler reads them whole).
 */
const squash = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/[\s\u2068\u2069\p{M}]+/gu, '')
    .normalize('NFC');

/**
 * pdf.js reads Chromium's Arabic runs in visual order with shaped forms (poppler reads them in
 * logical order): for Arabic, every letter of the heading must be in the text.
 */
const arabicLetters = (text: string) =>
  new Set(
    [...text.normalize('NFKC')].filter((ch) => /\p{Script=Arabic}/u.test(ch) && /\p{L}/u.test(ch)),
  );

/**
 * Whether `text` shows `heading`: each of its words, except words with a dot below, which
 * pdf.js reads without their base letter in some Vietnamese glyphs (poppler reads them whole).
 */
function shows(text: string, heading: string, language: string): boolean {
  if (language !== 'ar') {
    const words = heading.split(/\s+/).filter((word) => !word.normalize('NFKD').includes('\u0323'));
    return words.length > 0 && words.every((word) => squash(text).includes(squash(word)));
  }
  const present = arabicLetters(text);
  return [...arabicLetters(heading)].every((ch) => present.has(ch)) && heading.length > 0;
}

/** The headings a document of `type` must show in `locale`. */
function headings(type: RenderedDocument['type'], t: Locale): string[] {
  return type === 'iep'
    ? [t.iep.title, t.iep.sections.studentInformation, t.iep.sections.lre, t.iep.sections.team]
    : [t.pwn.title, t.pwn.sections.actionProposed, t.pwn.sections.proceduralSafeguards];
}

/** The font family that must draw each language's own script. */
const SCRIPT_FONT: Record<string, string> = {
  'zh-Hans': 'NotoSansSC',
  ar: 'NotoSansArabic',
  ko: 'NotoSansKR',
};

let printer: PdfPrinter;
let engine: DocumentEngine;
let more: Decision;
const rendered = new Map<string, { doc: RenderedDocument; reading: Reading }>();

const WIDE = ['es', 'zh-Hans', 'vi', 'ar'];
const MORE = ['ko', 'ru', 'pt', 'so', 'ht', 'hmn', 'tl'];

beforeAll(async () => {
  const made = await testEngine(() => new Date('2026-11-25T12:00:00Z'));
  printer = made.printer;
  // Everything the engine plans for English and the four most common languages...
  const wide = decisionFor('dec-languages-1', WIDE, [
    'Sam Carter',
    '陈伟 (Wei Chen)',
    'Nguyễn Thị Hoa',
    'ليلى حداد (Layla Haddad)',
  ]);
  const result = await made.engine.render(wide);
  if (result.kind !== 'documents') throw new Error(`not rendered: ${JSON.stringify(result)}`);
  for (const doc of result.documents)
    rendered.set(`${wide.decisionId}/${documentFileName(doc.type, doc.language)}`, {
      doc,
      reading: await read(doc.pdf),
    });
  // ...and, to keep the file fast, the IEP of each other language the engine plans.
  more = decisionFor('dec-languages-2', MORE, [
    '김민준',
    'Ольга Иванова',
    'João Silva',
    'Faadumo Cali',
    'Jean-Baptiste Pierre',
    'Pa Nhia Vang',
    'Maria Santos',
  ]);
  for (const { type, language } of made.engine.plan(more).documents) {
    if (type !== 'iep' || language === 'en') continue;
    const doc = await made.engine.renderDocument({
      decision: more,
      district: loadDistrictDirectory().get(more.districtId),
      locale: locales.get(language)!,
      type,
      documentId: documentId({ ...more, type, language }),
      draft: null,
      decisionTextLanguage: 'en',
    });
    rendered.set(`${more.decisionId}/${documentFileName(doc.type, doc.language)}`, {
      doc,
      reading: await read(doc.pdf),
    });
  }
  engine = made.engine;
}, 120_000);

afterAll(async () => {
  await printer?.close();
});

describe('documents in every language', () => {
  it('produces an IEP and a prior written notice, <type>.<language>.pdf, in English and each guardian language', () => {
    const names = (decisionId: string) =>
      [...rendered.keys()]
        .filter((key) => key.startsWith(`${decisionId}/`))
        .map((key) => key.split('/')[1])
        .sort();
    const both = (languages: string[]) =>
      languages
        .flatMap((language) => [`iep.${language}.pdf`, `prior-written-notice.${language}.pdf`])
        .sort();
    expect(names('dec-languages-1')).toEqual(both(['en', ...WIDE]));
    const planned = engine.plan(more);
    expect(planned.translationNeeded).toEqual([]);
    expect(planned.documents.map((d) => documentFileName(d.type, d.language)).sort()).toEqual(
      both(['en', ...MORE]),
    );
    expect(names('dec-languages-2')).toEqual(MORE.map((language) => `iep.${language}.pdf`).sort());
  });

  it.each(['en', ...WIDE, ...MORE])('%s: the text shows the localized headings', (language) => {
    const t = locales.get(language)!;
    const docs = [...rendered.values()].filter(({ doc }) => doc.language === language);
    expect(docs.length).toBeGreaterThanOrEqual(1);
    // Arabic: pdf.js misreads Chromium's shaped Arabic glyphs, the outline has the real text.
    for (const { doc, reading } of docs)
      for (const heading of headings(doc.type, t))
        expect(
          shows(language === 'ar' ? reading.outline.join(' ') : reading.text, heading, language),
          `${doc.type}.${language}: ${heading}`,
        ).toBe(true);
  });

  it.each(['en', ...WIDE, ...MORE])(
    '%s: /Lang names the language, tagged, with an outline of its headings',
    (language) => {
      const t = locales.get(language)!;
      for (const { doc, reading } of [...rendered.values()].filter(
        ({ doc }) => doc.language === language,
      )) {
        expect(reading.lang).toBe(language);
        expect(reading.marked).toBe(true);
        const heading =
          doc.type === 'iep' ? t.iep.sections.studentInformation : t.pwn.sections.otherFactors;
        // Numbered notice headings ("7. Other Relevant Factors") are outlined with their number.
        expect(
          reading.outline.some((title) => shows(title, heading, language)),
          `${doc.type}.${language}: ${reading.outline.join(' | ')}`,
        ).toBe(true);
      }
    },
  );

  it.each(['en', ...WIDE, ...MORE])(
    '%s: every run is drawn in an embedded Noto font, its script in its own family',
    (language) => {
      for (const { doc, reading } of [...rendered.values()].filter(
        ({ doc }) => doc.language === language,
      )) {
        const fonts = new Set(reading.runs.map((run) => run.font.replace(/-.*$/, '')));
        const foreign = reading.runs.filter((run) => !run.font.startsWith('NotoSans'));
        expect(foreign, `${doc.type}.${language}`).toEqual([]);
        const family = SCRIPT_FONT[language];
        if (family)
          expect(
            [...fonts].some((f) => f.startsWith(family)),
            `${doc.type}.${language}: ${[...fonts]}`,
          ).toBe(true);
      }
    },
  );
});

describe('mixed scripts', () => {
  const runsOf = (language: string, needle: string) =>
    [...rendered.values()]
      .filter(({ doc }) => doc.language === language && doc.type === 'iep')
      .flatMap(({ reading }) =>
        reading.runs.filter((run) => squash(run.text).includes(squash(needle))),
      );

  it('draws Chinese and Arabic guardian names in an English IEP with the Han and Arabic fonts', () => {
    // Each Han character may come from its own chunk of the font: look for them one by one.
    for (const ch of '陈伟') {
      const runs = runsOf('en', ch);
      expect(runs.length, ch).toBeGreaterThan(0);
      expect(runs.every((run) => run.font.startsWith('NotoSansSC'))).toBe(true);
    }
    // pdf.js reads Arabic glyph runs in shaped forms: find them by font and script instead.
    const english = [...rendered.entries()].filter(
      ([name]) => name === 'dec-languages-1/iep.en.pdf',
    )[0]![1].reading;
    const arabic = english.runs.filter((run) => /\p{Script=Arabic}/u.test(run.text));
    expect(arabic.length).toBeGreaterThan(0);
    expect(arabic.every((run) => run.font.startsWith('NotoSansArabic'))).toBe(true);
    expect(english.text).toContain('Layla Haddad');
  });

  it('draws an English name in a Chinese IEP with the Latin font, and Hangul in the Korean font', () => {
    const latin = runsOf('zh-Hans', 'Sam Carter');
    expect(latin.length).toBeGreaterThan(0);
    expect(latin.every((run) => run.font.startsWith('NotoSans-'))).toBe(true);
    const hangul = runsOf('ko', '김민준');
    expect(hangul.length).toBeGreaterThan(0);
    expect(hangul.every((run) => run.font.startsWith('NotoSansKR'))).toBe(true);
  });
});

describe('contact details', () => {
  it('keeps the case manager’s phone number whole, and breaks an email only after its @, in every language', () => {
    // Prepare: the IEPs of every language; the narrow summary column wraps the contact line.
    const ieps = [...rendered.entries()].filter(([, { doc }]) => doc.type === 'iep');
    expect(ieps.length).toBeGreaterThan(10);

    for (const [name, { reading }] of ieps) {
      // Act: the lines (text runs) the contact details were printed on.
      const runs = reading.runs.map((run) => squash(run.text));

      // Assess
      expect(
        runs.some((run) => run.includes('+1-555-0142')),
        name,
      ).toBe(true);
      expect(
        runs.some((run) => run.includes('example-usd.org')),
        name,
      ).toBe(true);
      expect(
        runs.some((run) => run.endsWith('example-')),
        name,
      ).toBe(false);
    }
  });
});
