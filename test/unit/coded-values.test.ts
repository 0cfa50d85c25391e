/**
 * Coded values (schemaVersion 2): a disability category (34 CFR 300.8), a provider role, a
 * setting print from the locale in every language; a district's own words are still accepted,
 * printed as given and handed to the translation office; the published JSON Schema shows both.
 * And the oral translation of a notice (300.503(c)(2)) is stated in the notice.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import { disabilityCodes, providerRoles, settingCodes } from '../../functions/core/codes.ts';
import { checkCompleteness } from '../../functions/core/completeness.ts';
import { decisionJsonSchema } from '../../functions/core/json-schema.ts';
import { translatableFields } from '../../functions/core/translatable.ts';
import { checkDecision, parseDecision } from '../../functions/core/validate.ts';
import { DocumentEngine } from '../../functions/render/engine.ts';
import { iepView } from '../../functions/render/iep-view.ts';
import { loadLocales } from '../../functions/render/locales.ts';
import type { PdfPrinter, Signer } from '../../functions/render/ports.ts';
import type { DocumentContext } from '../../functions/render/view-model.ts';
import { rawSample, sampleDecision } from '../fixtures/decisions.ts';

const locales = loadLocales();
const district = loadDistrictDirectory().get('example-usd');
const unused = () => Promise.reject(new Error('composing only'));
const engine = new DocumentEngine({
  printer: { print: unused, close: unused } as PdfPrinter,
  signer: { certificates: unused, sign: unused } as Signer,
  districts: loadDistrictDirectory(),
  clock: () => new Date('2026-12-01T12:00:00Z'),
  locales,
});

const v2 = (change: (raw: Record<string, any>) => void) =>
  sampleDecision('amendment-written-v2-en', change);

const context = (
  decision = v2(() => {}),
  language = 'en',
  type: 'iep' | 'prior-written-notice' = 'iep',
): DocumentContext => ({
  decision,
  district,
  locale: locales.get(language)!,
  type,
  documentId: 'doc_test',
  draft: null,
  decisionTextLanguage: 'en',
});

describe('coded values', () => {
  it('has a label for every code in every locale', () => {
    for (const [tag, t] of locales) {
      for (const code of disabilityCodes)
        expect(t.codes.disabilities[code], `${tag} ${code}`).toBeTruthy();
      for (const code of providerRoles)
        expect(t.codes.providerRoles[code], `${tag} ${code}`).toBeTruthy();
      for (const code of settingCodes)
        expect(t.iep.services.settings[code], `${tag} ${code}`).toBeTruthy();
    }
    // 300.8(c)(1)-(13), and developmental delay of 300.8(b).
    expect(disabilityCodes).toHaveLength(14);
  });

  it('prints codes in the reader’s language, and a district’s own words as given', () => {
    const coded = v2((raw) => {
      raw.student.primaryDisability = 'speech-or-language-impairment';
      raw.student.secondaryDisabilities = ['developmental-delay', 'Dyslexia (district term)'];
      raw.iep.services[0].provider = 'speech-language-pathologist';
      raw.iep.services[0].setting = 'special-education';
    });
    const es = iepView(context(coded, 'es'));
    expect(es.student.primaryDisability).toBe('Impedimento del habla o del lenguaje');
    expect(es.student.secondaryDisabilities).toBe(
      'Retraso del desarrollo, Dyslexia (district term)',
    );
    const service = es.serviceGroups.flatMap((g) => g.services)[0];
    expect(service).toMatchObject({
      provider: 'Patólogo del habla y lenguaje',
      setting: 'Entorno de educación especial',
    });
    const vi = iepView(context(coded, 'vi'));
    expect(vi.student.primaryDisability).toBe('Khiếm khuyết về nói hoặc ngôn ngữ');
    // A code is no text to translate; the district's own words are.
    const ids = translatableFields(coded).map((f) => f.id);
    expect(ids).toContain('student.secondaryDisabilities.1');
    expect(ids).not.toContain('student.primaryDisability');
    expect(ids).not.toContain('student.secondaryDisabilities.0');
    expect(ids.some((id) => id.endsWith('.provider'))).toBe(false);
  });

  it('keeps version 1 and free text of version 2 as given', () => {
    const v1 = sampleDecision('transition-es');
    expect(iepView(context(v1, 'es')).student.primaryDisability).toBe('Autism');
    expect(translatableFields(v1).map((f) => f.id)).toContain('student.primaryDisability');
    const words = v2((raw) => {
      raw.student.primaryDisability = 'Speech or Language Impairment';
    });
    expect(iepView(context(words, 'es')).student.primaryDisability).toBe(
      'Speech or Language Impairment',
    );
  });

  it('names the path of a setting that is not a code, and of an empty category', () => {
    const raw = rawSample('amendment-written-v2-en');
    raw.iep.services[0].setting = 'resource-room';
    raw.student.primaryDisability = '';
    const parsed = parseDecision(raw);
    expect('problems' in parsed && parsed.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['iep.services[0].setting', 'student.primaryDisability']),
    );
  });

  it('publishes both forms in the JSON Schema: the codes, or any text', () => {
    const schema = JSON.stringify(decisionJsonSchema(2));
    const student = (decisionJsonSchema(2) as any).properties.student.properties.primaryDisability;
    expect(student.anyOf.map((s: { enum?: string[]; type?: string }) => s.enum ?? s.type)).toEqual([
      [...disabilityCodes],
      'string',
    ]);
    expect(schema).toContain('speech-language-pathologist');
    expect(
      readFileSync(
        new URL('../../schema/meeting-decision.v2.schema.json', import.meta.url),
        'utf8',
      ),
    ).toBe(`${JSON.stringify(decisionJsonSchema(2), null, 2)}\n`);
  });

  it('still accepts every sample as it is', () => {
    const dir = new URL('../../samples/decisions/', import.meta.url);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')))
      expect(checkDecision(JSON.parse(readFileSync(new URL(file, dir), 'utf8'))).kind, file).toBe(
        'checked',
      );
  });
});

describe('an oral translation of the notice (300.503(c)(2))', () => {
  it('is stated in the notice, in the notice’s language', () => {
    const decision = v2((raw) => {
      raw.priorWrittenNotice.oralTranslations = [
        {
          language: 'es',
          by: 'María López, district interpreter',
          on: '2026-11-21',
          method: 'phone',
        },
      ];
    });
    const en = engine.compose(context(decision, 'en', 'prior-written-notice')).html;
    expect(en).toContain(
      'This notice was translated orally into Spanish by María López, district interpreter on November 21, 2026, by telephone',
    );
    const es = engine.compose(context(decision, 'es', 'prior-written-notice')).html;
    expect(es).toContain(
      'Este aviso fue traducido oralmente al español por María López, district interpreter el 21 de noviembre de 2026, por teléfono',
    );
    const none = engine.compose(
      context(
        v2(() => {}),
        'en',
        'prior-written-notice',
      ),
    ).html;
    expect(none).not.toContain('translated orally');
  });

  it('must say how it was given', () => {
    const raw = rawSample('amendment-written-v2-en');
    raw.priorWrittenNotice.oralTranslations = [
      { language: 'es', by: 'X', on: '2026-11-21', method: 'letter' },
    ];
    const parsed = parseDecision(raw);
    expect('problems' in parsed && parsed.problems[0]?.path).toBe(
      'priorWrittenNotice.oralTranslations[0].method',
    );
  });
});

describe('developmental delay (300.8(b)): a child aged three through nine', () => {
  // The sample amendment was agreed in writing on 2026-11-24.
  const problems = (dateOfBirth: string, secondary = false) =>
    checkCompleteness(
      v2((raw) => {
        raw.student.dateOfBirth = dateOfBirth;
        if (secondary) raw.student.secondaryDisabilities = ['developmental-delay'];
        else raw.student.primaryDisability = 'developmental-delay';
      }),
    ).filter((p) => p.rule === 'developmental-delay-age');

  it('accepts a child who is nine on the day the team decided', () => {
    expect(problems('2016-11-25')).toEqual([]);
  });

  it('rejects it for a child who turned ten that day, naming the path and 300.8(b)', () => {
    expect(problems('2016-11-24')).toEqual([
      expect.objectContaining({ path: 'student.primaryDisability', cfr: '300.8(b)(1)' }),
    ]);
    expect(problems('2010-01-01', true).map((p) => p.path)).toEqual([
      'student.secondaryDisabilities[0]',
    ]);
  });
});
