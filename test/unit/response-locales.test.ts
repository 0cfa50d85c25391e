import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadResponseTexts, ResponsePage } from '../../functions/pipeline/response-page.ts';
import { templatesDir } from '../../functions/render/assets.ts';
import { loadLocales } from '../../functions/render/locales.ts';

const folder = join(templatesDir(), 'response', 'locales');
const read = (tag: string) => JSON.parse(readFileSync(join(folder, `${tag}.json`), 'utf8'));
const english = read('en');
const productLocales = readdirSync(join(templatesDir(), 'locales'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));

/** Every string of a text tree by its path (`mail.codeText`, `esignTexts.2`). */
function leaves(value: unknown, path = ''): Map<string, string> {
  const found = new Map<string, string>();
  if (typeof value === 'string') found.set(path, value);
  else if (value && typeof value === 'object')
    for (const [key, child] of Object.entries(value))
      for (const [p, v] of leaves(child, path ? `${path}.${key}` : key)) found.set(p, v);
  return found;
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the response texts in every locale', () => {
  it('exist for every locale of the product', () => {
    const shipped = readdirSync(folder).map((f) => f.replace(/\.json$/, ''));

    expect(productLocales.length).toBeGreaterThanOrEqual(12);
    expect(shipped.sort()).toEqual([...productLocales].sort());
  });

  it.each(productLocales.filter((tag) => tag !== 'en'))(
    '%s has every text of en.json with the same placeholders, and no other',
    (tag) => {
      const texts = read(tag);
      const ours = leaves(texts);
      const theirs = leaves(english);

      expect(texts.locale).toBe(tag);
      expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
      for (const [path, text] of theirs) {
        if (path === 'locale') continue;
        const translated = ours.get(path) as string;
        expect(placeholders(translated), `${tag}: ${path}`).toEqual(placeholders(text));
        expect(translated.trim(), `${tag}: ${path} is empty`).not.toBe('');
      }
    },
  );

  it('loads every locale, and gives the Arabic pages right-to-left', () => {
    const texts = loadResponseTexts();
    const page = new ResponsePage(texts, loadLocales());

    expect([...texts.keys()].sort()).toEqual([...productLocales].sort());
    expect(page.textsFor('ar').fallback).toBeNull();
    expect(page.codeEntry('ar', { csrf: 'x' })).toMatch(/<html lang="ar" dir="rtl">/);
    expect(page.codeEntry('ko', { csrf: 'x' })).toMatch(/<html lang="ko" dir="ltr">/);
  });
});
