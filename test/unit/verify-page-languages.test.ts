/**
 * The "Is this copy genuine?" page in the locales' languages: every locale has the page's
 * words (the same keys and placeholders as English), the language comes from `?lang=` or
 * Accept-Language, and an unknown code and another district's code get one and the same page
 * in each language.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import { makeVerifyCopyHandler } from '../../functions/handlers/verify-copy.ts';
import type { CopyFacts } from '../../functions/pipeline/genuine-copy.ts';
import {
  compileVerifyPage,
  loadVerifyWords,
  pageLanguage,
} from '../../functions/pipeline/verify-page.ts';
import { loadLocales } from '../../functions/render/locales.ts';

const locales = loadLocales();
const words = loadVerifyWords();
const districts = loadDistrictDirectory();
const page = compileVerifyPage({
  districts,
  locales,
  action: 'https://docs.example-usd.org/verify',
  maxUploadBytes: 4 * 2 ** 20,
});
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

const superseded: CopyFacts = {
  documentId: 'doc_0123456789abcdef01234567',
  districtId: 'example-usd',
  type: 'iep',
  language: 'en',
  issuedOn: '2026-11-20',
  version: 1,
  standing: { state: 'superseded', byVersion: 2, on: '2027-01-02' },
  sha256: 'a'.repeat(64),
};

/** The handler over a stand-in of the page's own use case: one known code. */
const handler = makeVerifyCopyHandler({
  copies: {
    byCode: async (code) => (code === superseded.documentId ? superseded : undefined),
    byUpload: async () => {
      throw new Error('no upload here');
    },
  },
  page,
  log: { debug() {}, info() {}, warn() {}, error() {} },
});
const get = (path: string, query = '', acceptLanguage?: string) =>
  handler(
    {
      rawPath: path,
      rawQueryString: query,
      headers: acceptLanguage ? { 'Accept-Language': acceptLanguage } : {},
      requestContext: { http: { method: 'GET' } },
    } as unknown as APIGatewayProxyEventV2,
    path.replace(/^\/verify\/?/, ''),
  );

describe('the verification page’s languages', () => {
  it('has words for every locale, with the English keys and placeholders', () => {
    const english = words.get('en') as Record<string, string>;

    expect([...words.keys()].sort()).toEqual([...locales.keys()].sort());
    expect(page.languages).toHaveLength(locales.size);
    for (const [tag, found] of words) {
      const own = found as Record<string, string>;
      expect(Object.keys(own).sort(), tag).toEqual(Object.keys(english).sort());
      for (const key of Object.keys(english))
        if (key !== 'locale')
          expect(placeholders(own[key] as string), `${tag}.${key}`).toEqual(
            placeholders(english[key] as string),
          );
    }
  });

  it('takes ?lang= first, then Accept-Language by weight, then English', () => {
    const tags = page.languages;

    expect(pageLanguage(tags, 'vi', 'es')).toBe('vi');
    expect(pageLanguage(tags, 'xx-unknown', 'es-MX,en;q=0.5')).toBe('es');
    expect(pageLanguage(tags, null, 'fr;q=0.9, ko;q=0.8, ar;q=0.85')).toBe('ar');
    expect(pageLanguage(tags, null, 'zh-CN')).toBe('zh-Hans');
    expect(pageLanguage(tags, null, 'fr, *;q=0.1')).toBe('en');
    expect(pageLanguage(tags, null, 'es;q=0')).toBe('en');
    expect(pageLanguage(tags, undefined, undefined)).toBe('en');
  });

  it('answers a code in the asked language: standing, date and names in it, marked for the browser', async () => {
    const spanish = await get(`/verify/${superseded.documentId}`, '', 'es-MX,es;q=0.9');
    const arabic = await get(`/verify/${superseded.documentId}`, 'lang=ar', 'es');

    expect(spanish.statusCode).toBe(200);
    expect(spanish.headers).toMatchObject({ 'content-language': 'es', vary: 'Accept-Language' });
    expect(spanish.body).toContain('<html lang="es" dir="ltr">');
    expect(spanish.body).toContain(
      'Esta versión ya no está vigente: la versión 2 la reemplazó el 2 de enero de 2027.',
    );
    expect(spanish.body).toContain('Programa de Educación Individualizado (IEP)');
    expect(spanish.body).toContain('inglés');
    expect(spanish.body).toContain(
      `href="https://docs.example-usd.org/verify/${superseded.documentId}?lang&#x3D;vi"`,
    );
    expect(arabic.headers?.['content-language']).toBe('ar');
    expect(arabic.body).toContain('<html lang="ar" dir="rtl">');
    expect(arabic.body).toContain('لم يعد هذا الإصدار ساريًا: حلّ محله الإصدار 2');
  });

  it('gives unknown, malformed and other districts’ codes one and the same page in each language', async () => {
    for (const tag of page.languages) {
      const unknown = await get('/verify/doc_000000000000000000000000', `lang=${tag}`);
      const malformed = await get('/verify', `lang=${tag}&code=not%20a%20code`);

      expect([unknown.statusCode, malformed.statusCode], tag).toEqual([404, 404]);
      expect(malformed.body, tag).toBe(unknown.body);
      expect(unknown.body, tag).toContain(`<html lang="${tag}"`);
    }
  });
});
