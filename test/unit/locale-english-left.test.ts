/**
 * Nothing prints an English sentence in a document labelled with another language (34 CFR
 * 300.503(c)): no text of a non-English locale may be English's own text word for word. Short
 * labels may rightly coincide (an abbreviation, a loanword such as Tagalog's "Audiologist");
 * a text of three words or more that equals English is a text nobody translated.
 */
import { describe, expect, it } from 'vitest';
import { loadLocales } from '../../functions/render/locales.ts';

const locales = loadLocales();
const en = locales.get('en');

function leaves(value: unknown, path = ''): [string, unknown][] {
  if (value && typeof value === 'object' && !Array.isArray(value))
    return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  return [[path, value]];
}

/** Texts that are the same in every language: a date pattern and the names of abbreviations. */
const SAME_EVERYWHERE = /^(calendar\.longDate|words\.abbreviations\.)/;

describe('no English left in the other locales', () => {
  const english = new Map(leaves(en));
  it.each([...locales.keys()].filter((tag) => tag !== 'en'))('%s', (tag) => {
    const left = leaves(locales.get(tag))
      .filter(([path, value]) => typeof value === 'string' && !SAME_EVERYWHERE.test(path))
      .filter(([path, value]) => value === english.get(path))
      .filter(([, value]) => String(value).trim().split(/\s+/).length >= 3)
      .map(([path]) => path);
    expect(left).toEqual([]);
  });
});
