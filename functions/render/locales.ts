/**
 * Locales: every fixed text of a document or email, one JSON file per language in
 * `templates/locales/`. A new language is a new file, not a new template.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { matchLocale } from '../core/languages.ts';
import { templatesDir } from './assets.ts';

/** The shape of a locale: English is the reference every other locale must match. */
export type Locale = typeof import('../../templates/locales/en.json');

/** The locales found in a templates folder, by tag; read once. */
export function loadLocales(dir: string = templatesDir()): Map<string, Locale> {
  const folder = join(dir, 'locales');
  const locales = new Map<string, Locale>();
  for (const file of readdirSync(folder)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const locale = JSON.parse(readFileSync(join(folder, file), 'utf8')) as Locale;
    locales.set(locale.locale, locale);
  }
  if (!locales.has('en')) throw new Error(`no English locale (en.json) in ${folder}`);
  return locales;
}

/** Unicode's first-strong isolate and its closing pop (UAX #9): invisible, never drawn. */
const FSI = '\u2068';
const PDI = '\u2069';

/**
 * Replaces `{name}` placeholders; a placeholder with no value is an error, never left in a
 * document. With `isolate`, each value is a bidi isolate, so a phone number, an e-mail
 * address or a Latin name keeps its own direction inside right-to-left text.
 */
export function interpolate(
  template: string,
  values: Readonly<Record<string, string | number>>,
  options: { isolate?: boolean } = {},
): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined)
      throw new Error(`locale text needs a value for {${name}}: ${template}`);
    return options.isolate ? `${FSI}${value}${PDI}` : String(value);
  });
}

/** Fills a locale text for a document in `locale`: values isolated in right-to-left text. */
export function localize(
  locale: Locale,
  template: string,
  values: Readonly<Record<string, string | number>>,
): string {
  return interpolate(template, values, { isolate: locale.direction === 'rtl' });
}

/** A piece of a filled locale text; `unbroken` pieces must not be split across lines. */
export interface TextSegment {
  text: string;
  unbroken: boolean;
}

/**
 * {@link localize}, in segments: each value named in `unbroken` (a phone number, an email
 * address) is a segment of its own, for the template to keep on one line.
 */
export function localizeSegments(
  locale: Locale,
  template: string,
  values: Readonly<Record<string, string | number>>,
  unbroken: readonly string[],
): TextSegment[] {
  const segments: TextSegment[] = [];
  let from = 0;
  for (const match of template.matchAll(/\{(\w+)\}/g)) {
    if (!unbroken.includes(match[1] as string)) continue;
    // The text before the value (other placeholders filled), then the value alone.
    segments.push({
      text: localize(locale, template.slice(from, match.index), values),
      unbroken: false,
    });
    segments.push({ text: localize(locale, match[0], values), unbroken: true });
    from = match.index + match[0].length;
  }
  segments.push({ text: localize(locale, template.slice(from), values), unbroken: false });
  return segments.filter((segment) => segment.text !== '');
}

const intlSupport = new Map<string, boolean>();

/**
 * Whether this runtime's ICU formats dates in `tag`'s language. Node's ICU has no data for
 * Haitian Creole (`ht`) or Hmong (`hmn`): it would silently answer in English.
 */
export function intlSupports(tag: string): boolean {
  let supported = intlSupport.get(tag);
  if (supported === undefined) {
    supported = Intl.DateTimeFormat.supportedLocalesOf([tag]).length > 0;
    intlSupport.set(tag, supported);
  }
  return supported;
}

/**
 * Formats a calendar date (`YYYY-MM-DD`) in the locale's language, e.g. "November 20, 2026",
 * "ngày 20 tháng 11 năm 2026": always by the locale's own month names and long-date pattern,
 * so a language has one date style in every document, email and page, whatever the runtime's
 * ICU version knows (ICU's Vietnamese pattern, "20 tháng 11, 2026", is not the one parents
 * read in letters).
 */
export function formatDate(date: string, locale: Locale): string {
  return formatDateByPattern(date, locale);
}

/** The locale's own long-date format (its `calendar` section), whatever `Intl` knows. */
export function formatDateByPattern(date: string, locale: Locale): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return interpolate(locale.calendar.longDate, {
    year: y,
    month: locale.calendar.months[m - 1] ?? String(m),
    day: d,
  });
}

/** Formats a number in the locale's language (digits, separators). */
export function formatNumber(value: number, locale: Locale, options?: Intl.NumberFormatOptions) {
  return new Intl.NumberFormat(intlSupports(locale.locale) ? locale.locale : 'en', options).format(
    value,
  );
}

/**
 * The name of a language in the locale's language ("Spanish", "español"): the locale's own
 * names for the languages the product ships (ICU has none in Hmong or Haitian Creole, and
 * Tagalog's are English), matched by the tag or its base language; `Intl` for any other.
 */
export function languageName(tag: string, locale: Locale): string {
  const names: Readonly<Record<string, string>> = locale.languages;
  const own = matchLocale(tag, Object.keys(names));
  if (own && names[own]) return names[own];
  try {
    const displayLocale = intlSupports(locale.locale) ? locale.locale : 'en';
    return new Intl.DisplayNames([displayLocale], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}
