import { describe, expect, it } from 'vitest';
import { matchLocale } from '../../functions/core/languages.ts';
import {
  formatDate,
  interpolate,
  intlSupports,
  type Locale,
  languageName,
  loadLocales,
  localize,
  localizeSegments,
} from '../../functions/render/locales.ts';
import { longDatesIn, withLongDates } from '../../functions/render/prose-dates.ts';

const locales = loadLocales();
const en = locales.get('en')!;
const SHIPPED = ['en', 'es', 'zh-Hans', 'vi', 'ar', 'ko', 'ru', 'pt', 'so', 'ht', 'hmn', 'tl'];

/** Every leaf of a locale as `path → value` (arrays are leaves). */
function leaves(value: unknown, path = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value))
      for (const [p, v] of leaves(child, path ? `${path}.${key}` : key)) out.set(p, v);
  } else out.set(path, value);
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/**
 * Where each glossary term must appear: the locale texts that name the term. The localized
 * term has to be in the localized text, so one term is always translated the same way.
 */
const GLOSSARY_USES: Record<keyof Locale['glossary'], string[]> = {
  iep: ['iep.title'],
  priorWrittenNotice: ['pwn.title'],
  presentLevels: ['iep.sections.presentLevels'],
  annualGoal: ['iep.goals.annualGoal'],
  shortTermObjectives: ['iep.goals.shortTermObjectives'],
  specialEducation: ['iep.services.categories.special-education'],
  relatedServices: ['iep.services.categories.related-service'],
  supplementaryAids: ['iep.services.categories.supplementary-aid'],
  leastRestrictiveEnvironment: ['iep.sections.lre'],
  extendedSchoolYear: ['iep.sections.esy'],
  transitionPlan: ['iep.sections.transition'],
  ageOfMajority: ['iep.transferOfRights.ageOfMajority'],
  proceduralSafeguards: ['pwn.sections.proceduralSafeguards'],
  educationalRights: ['iep.student.rightsHolder'],
};

describe('locales', () => {
  it('ships the twelve languages of the product, Arabic right-to-left', () => {
    expect([...locales.keys()].sort()).toEqual([...SHIPPED].sort());
    for (const [tag, locale] of locales)
      expect(locale.direction, tag).toBe(tag === 'ar' ? 'rtl' : 'ltr');
  });

  it.each(SHIPPED)('%s has exactly the keys of English, every text filled in', (tag) => {
    const ours = leaves(locales.get(tag));
    expect([...ours.keys()].sort()).toEqual([...leaves(en).keys()].sort());
    for (const [path, value] of ours) {
      if (Array.isArray(value)) expect(value, path).toHaveLength(12);
      else if (path !== 'common.pageEnd') expect(String(value).trim(), path).not.toBe('');
    }
  });

  it.each(SHIPPED)('%s uses the same {placeholders} as English in every text', (tag) => {
    const english = leaves(en);
    for (const [path, value] of leaves(locales.get(tag))) {
      if (typeof value !== 'string') continue;
      expect(placeholders(value), path).toEqual(placeholders(english.get(path) as string));
    }
  });

  it.each(SHIPPED)('%s uses its glossary term wherever the IDEA term is named', (tag) => {
    const locale = locales.get(tag)!;
    const texts = leaves(locale);
    const lower = (s: string) => s.toLocaleLowerCase(tag);
    expect(Object.keys(locale.glossary).sort()).toEqual(Object.keys(GLOSSARY_USES).sort());
    for (const [term, paths] of Object.entries(GLOSSARY_USES)) {
      const localized = locale.glossary[term as keyof Locale['glossary']];
      for (const path of paths)
        expect(lower(texts.get(path) as string), `${term} in ${path}`).toContain(lower(localized));
    }
  });

  it.each(SHIPPED)('%s names every shipped language in its own words', (tag) => {
    expect(Object.keys(locales.get(tag)!.languages).sort()).toEqual([...SHIPPED].sort());
  });
});

describe('dates', () => {
  const dates = ['2026-01-05', '2026-05-31', '2026-11-20', '2027-08-09'];

  /** Where a locale's own style is not ICU's: the style its readers know from letters. */
  const OWN_STYLE: Record<string, string> = { vi: 'ngày 20 tháng 11 năm 2026' };

  it.each(SHIPPED.filter((tag) => intlSupports(tag) && !(tag in OWN_STYLE)))(
    "%s: the locale's own month names and pattern agree with Intl",
    (tag) => {
      const locale = locales.get(tag)!;
      for (const date of dates) {
        const intl = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone: 'UTC' });
        expect(formatDate(date, locale), date).toBe(intl.format(new Date(`${date}T00:00:00Z`)));
      }
    },
  );

  it('writes Vietnamese dates as letters do: day, month and year named', () => {
    const vi = locales.get('vi')!;
    expect(formatDate('2026-11-20', vi)).toBe(OWN_STYLE.vi);
    expect(formatDate('2014-03-03', vi)).toBe('ngày 3 tháng 3 năm 2014');
    // The date says "ngày" itself: no text of the locale says it again before a date, nor
    // ends with it (a label the date follows).
    const texts = JSON.stringify({ ...vi, calendar: null });
    expect(texts).not.toMatch(/ngày \{/);
    expect(vi.iep.summary.amendsMeeting).not.toMatch(/ngày$/);
  });

  it('formats Haitian Creole and Hmong dates from the locale, which ICU lacks', () => {
    expect(intlSupports('ht')).toBe(false);
    expect(intlSupports('hmn')).toBe(false);
    expect(formatDate('2026-11-20', locales.get('ht')!)).toBe('20 novanm 2026');
    expect(formatDate('2026-11-20', locales.get('hmn')!)).toBe('Lub Kaum Ib Hlis 20, 2026');
  });

  it('formats dates in the style of each language', () => {
    expect(formatDate('2026-11-20', locales.get('zh-Hans')!)).toBe('2026年11月20日');
    expect(formatDate('2026-11-20', locales.get('ko')!)).toBe('2026년 11월 20일');
    expect(formatDate('2026-11-20', locales.get('es')!)).toBe('20 de noviembre de 2026');
  });

  it('writes the ISO dates a district typed into its text in the long style of that text', () => {
    const en = locales.get('en')!;
    expect(longDatesIn('Amend the IEP dated 2026-04-30 to add minutes.', en)).toBe(
      'Amend the IEP dated April 30, 2026 to add minutes.',
    );
    expect(longDatesIn('Evaluation (2026-10-30); consent on 2026-09-02.', locales.get('es')!)).toBe(
      'Evaluation (30 de octubre de 2026); consent on 2 de septiembre de 2026.',
    );
    // Not a date: part of an identifier, or no such day.
    expect(longDatesIn('Record S-2026-11-20 and 2026-02-30', en)).toBe(
      'Record S-2026-11-20 and 2026-02-30',
    );
    const view = withLongDates({ t: { x: '2026-01-05' }, a: ['on 2026-01-05'], n: 3 }, en);
    expect(view).toEqual({ t: { x: '2026-01-05' }, a: ['on January 5, 2026'], n: 3 });
  });
});

describe('language names', () => {
  it("names a language in the document's language, from the locale where ICU has no names", () => {
    expect(languageName('es', locales.get('hmn')!)).toBe('lus Mev');
    expect(languageName('es-MX', locales.get('ht')!)).toBe('panyòl');
    expect(languageName('zh-CN', locales.get('vi')!)).toBe('tiếng Trung (Giản thể)');
    expect(languageName('fil', locales.get('es')!)).toBe('tagalo');
  });

  it('names a language the product does not ship through Intl', () => {
    expect(languageName('am', en)).toBe('Amharic');
    expect(languageName('am', locales.get('es')!)).toBe('amárico');
  });
});

describe('language matching', () => {
  it('does not serve Traditional Chinese readers a Simplified document', () => {
    expect(matchLocale('zh-TW', SHIPPED)).toBeUndefined();
    expect(matchLocale('zh-Hant', SHIPPED)).toBeUndefined();
    expect(matchLocale('zh-HK', SHIPPED)).toBeUndefined();
    expect(matchLocale('zh-Hans-TW', SHIPPED)).toBe('zh-Hans');
    expect(matchLocale('zh-CN', SHIPPED)).toBe('zh-Hans');
    expect(matchLocale('zh', SHIPPED)).toBe('zh-Hans');
  });

  it('matches regional and alias tags to the shipped locales', () => {
    expect(matchLocale('ar-EG', SHIPPED)).toBe('ar');
    expect(matchLocale('pt-BR', SHIPPED)).toBe('pt');
    expect(matchLocale('fil-PH', SHIPPED)).toBe('tl');
    expect(matchLocale('hmn-US', SHIPPED)).toBe('hmn');
  });
});

describe('interpolation', () => {
  it('isolates every value in right-to-left text, so numbers and Latin names keep their order', () => {
    const text = localize(locales.get('ar')!, 'اتصل بـ {district} على الرقم {phone}', {
      district: 'Example USD',
      phone: '+1-555-0100',
    });
    expect(text).toBe('اتصل بـ \u2068Example USD\u2069 على الرقم \u2068+1-555-0100\u2069');
    expect(localize(en, 'Call {phone}', { phone: '+1-555-0100' })).toBe('Call +1-555-0100');
  });

  it('refuses a text whose placeholder has no value', () => {
    expect(() => interpolate('{district} at {phone}', { district: 'X' })).toThrow(/\{phone\}/);
  });
});

describe('locale texts in segments', () => {
  it('gives each value that must stay on one line a segment of its own, in the text’s order', () => {
    // Act
    const segments = localizeSegments(
      en,
      'Call {district} at {phone} or {email}.',
      { district: 'Example USD', phone: '+1-555-0100', email: 'sped@example-usd.org' },
      ['phone', 'email'],
    );

    // Assess
    expect(segments).toEqual([
      { text: 'Call Example USD at ', unbroken: false },
      { text: '+1-555-0100', unbroken: true },
      { text: ' or ', unbroken: false },
      { text: 'sped@example-usd.org', unbroken: true },
      { text: '.', unbroken: false },
    ]);
  });

  it('isolates the values of a right-to-left text, and fails on a missing value', () => {
    // Prepare
    const ar = locales.get('ar') as Locale;

    // Act
    const segments = localizeSegments(ar, '{phone} الرقم', { phone: '+1-555-0100' }, ['phone']);

    // Assess
    expect(segments[0]).toEqual({ text: '\u2068+1-555-0100\u2069', unbroken: true });
    expect(() => localizeSegments(ar, '{phone} {email}', { phone: '1' }, ['phone'])).toThrow(
      /\{email\}/,
    );
  });
});
