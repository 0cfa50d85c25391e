/**
 * Pages a parent can read: the words the document uses explained from the locale's glossary,
 * the prior written notice's next steps (300.504(c)), and the locale slips fixed.
 */
import { describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import { DocumentEngine } from '../../functions/render/engine.ts';
import { iepView } from '../../functions/render/iep-view.ts';
import { loadLocales } from '../../functions/render/locales.ts';
import type { PdfPrinter, Signer } from '../../functions/render/ports.ts';
import { compileTemplates } from '../../functions/render/templates.ts';
import { type DocumentContext, priorWrittenNoticeView } from '../../functions/render/view-model.ts';
import { wordsUsed } from '../../functions/render/words.ts';
import { sampleDecision } from '../fixtures/decisions.ts';

const locales = loadLocales();
const district = loadDistrictDirectory().get('example-usd');
const templates = compileTemplates();
const unused = () => Promise.reject(new Error('composing only'));
const engine = new DocumentEngine({
  printer: { print: unused, close: unused } as PdfPrinter,
  signer: { certificates: unused, sign: unused } as Signer,
  districts: loadDistrictDirectory(),
  clock: () => new Date('2026-12-01T12:00:00Z'),
  templates,
  locales,
});

function context(
  type: DocumentContext['type'],
  language = 'en',
  decision = sampleDecision(),
): DocumentContext {
  return {
    decision,
    district,
    locale: locales.get(language)!,
    type,
    documentId: 'doc_test',
    draft: null,
    decisionTextLanguage: 'en',
  };
}

/** The text of the composed HTML, tags dropped. */
const text = (html: string) =>
  html
    .replace(/<style>[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

describe('words used in this document', () => {
  it('lists the glossary terms and abbreviations the text uses, and only those, in order', () => {
    const en = locales.get('en')!;
    const words = wordsUsed('The IEP team met. Related services: 34 CFR 300.34.', en);
    expect(words.map((w) => w.term)).toEqual([
      'CFR',
      'Individualized Education Program (IEP)',
      'Related services',
    ]);
    expect(words[2]?.definition).toBe(en.words.definitions.relatedServices);
    // Part of a longer word is not the word: "IDEAL" does not use "IDEA".
    expect(wordsUsed('An IDEAL plan', en)).toEqual([]);
  });

  it('finds a Chinese term inside a sentence, where no spaces mark words', () => {
    const zh = locales.get('zh-Hans')!;
    expect(wordsUsed('学生需要特殊教育和相关服务。', zh).map((w) => w.term)).toEqual(
      expect.arrayContaining(['特殊教育', '相关服务']),
    );
    // A Latin abbreviation written against Chinese letters is still the abbreviation.
    expect(wordsUsed('IEP团队开会。', zh).map((w) => w.term)).toEqual(['个别化教育计划（IEP）']);
  });

  it.each([...locales.keys()])('%s: ends both documents with the words they use', (tag) => {
    for (const type of ['iep', 'prior-written-notice'] as const) {
      const html = engine.compose(context(type, tag)).html;
      const locale = locales.get(tag)!;
      expect(html).toContain(`<h2>${locale.words.heading}</h2>`);
      const section = html.slice(html.indexOf('<section class="words">'));
      // The IEP's own name is always among them, with its explanation in the language.
      expect(text(section)).toContain(locale.words.definitions.iep.replace(/&/g, '&amp;'));
    }
  });
});

describe('what happens next (prior written notice)', () => {
  const notice = (decision = sampleDecision(), language = 'en') =>
    text(
      templates.documents['prior-written-notice']({
        ...priorWrittenNoticeView(context('prior-written-notice', language, decision)),
        styles: '',
        runningText: '',
      }),
    );

  it('says by when, whom to call, and each way to disagree with its rule (300.504(c))', () => {
    const page = notice();
    expect(page).toContain('What happens next');
    expect(page).toContain('The district plans to begin on December 1, 2026.');
    expect(page).toContain('please tell us before December 1, 2026: contact Dana Whitfield at');
    expect(page).toContain('+1-555-0142');
    for (const rule of ['300.506', '300.507', '300.153', '300.504(c)'])
      expect(page).toContain(rule);
    expect(page).toContain('ask the IEP team to meet with you at any time');
  });

  it('asks for written consent before services first begin (300.300(b))', () => {
    const initial = sampleDecision(undefined, (d) => {
      d.meeting.type = 'initial';
    });
    const page = notice(initial);
    expect(page).toContain('only after you give your written consent (34 CFR 300.300(b))');
    expect(page).not.toContain('you do not need to do anything');
  });

  it("names the district's phone when the case manager has none", () => {
    const decision = sampleDecision(undefined, (d) => {
      delete d.caseManager.phone;
    });
    expect(notice(decision)).toContain(district.phone);
  });

  it('gives no date when the IEP is already in effect', () => {
    const decision = sampleDecision(undefined, (d) => {
      d.iep.startDate = d.meeting.date;
    });
    const page = notice(decision);
    expect(page).toContain('please tell us as soon as you can');
    expect(page).not.toContain('plans to begin');
  });
});

describe('locale slips', () => {
  it('agrees "none" with the noun it stands for (Spanish "Otras discapacidades: Ninguna")', () => {
    const decision = sampleDecision(undefined, (d) => {
      d.student.secondaryDisabilities = [];
      d.iep.assessments.accommodations = [];
    });
    const html = templates.documents.iep({
      ...iepView(context('iep', 'es', decision)),
      styles: '',
      runningText: '',
    });
    expect(html).toMatch(/Otras discapacidades<\/th><td dir="auto">Ninguna</);
    expect(html).toMatch(/Adaptaciones<\/th><td>Ninguna</);
    expect(html).not.toContain('Ninguno');
  });

  it('writes the ISO dates a district typed as the long dates of the text (no "2026-04-30")', () => {
    const html = engine.compose(
      context('prior-written-notice', 'en', sampleDecision('amendment-en')),
    ).html;
    expect(text(html)).not.toMatch(/\b\d{4}-\d{2}-\d{2}\b/);
    expect(text(html)).toContain('Amend the IEP dated April 30, 2026');
  });

  it('writes Vietnamese dates as "ngày 3 tháng 3 năm 2014" in the documents', () => {
    const html = engine.compose(context('iep', 'vi')).html;
    expect(text(html)).toContain('ngày 14 tháng 9 năm 2016');
    expect(text(html)).not.toMatch(/ngày ngày/);
  });
});
