/**
 * Locales: every fixed text of a document or email, one JSON file per language in
 * `templates/locales/`. A new language is a new file, not a new template.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** Replaces `{name}` placeholders; a placeholder with no value is an error, never left in a document. */
export function interpolate(
  template: string,
  values: Readonly<Record<string, string | number>>,
): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined)
      throw new Error(`locale text needs a value for {${name}}: ${template}`);
    return String(value);
  });
}

/** Formats a calendar date (`YYYY-MM-DD`) in the locale's language, e.g. "November 20, 2026". */
export function formatDate(date: string, locale: Locale): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(locale.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

/** The name of a language in the locale's language ("Spanish", "español"). */
export function languageName(tag: string, locale: Locale): string {
  try {
    return new Intl.DisplayNames([locale.locale], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}
