/**
 * The parent's language, all of it (34 CFR 300.503(c)): a decision with its complete Spanish
 * translation yields an IEP and a prior written notice in Spanish whose every free-text field
 * is the Spanish text, with no word of the team's English sentences left, and whose coded
 * values (disability category, providers) print from the Spanish locale. The PDFs are printed
 * and signed by the real engine and read back with pdf.js (and poppler when installed).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import type { Decision } from '../../functions/core/decision.ts';
import { translatableFields } from '../../functions/core/translatable.ts';
import type { TranslationItem } from '../../functions/core/translation.ts';
import { checkDecision } from '../../functions/core/validate.ts';
import type { DocumentEngine, RenderedDocument } from '../../functions/render/engine.ts';
import { loadLocales } from '../../functions/render/locales.ts';
import type { PdfPrinter } from '../../functions/render/ports.ts';
import { testEngine } from '../fixtures/engine.ts';
import { brokenWords, hasPdftotext, pdfjsLines, pdftotextLines, tokens } from './broken-words.ts';

const sample = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../samples/translations/${name}`, import.meta.url), 'utf8'));
const item: TranslationItem = sample('transition-v2-es.translation.json');

function decisionWith(translations?: Record<string, Record<string, string>>): Decision {
  const raw = sample('transition-v2-es.json');
  if (translations) raw.translations = translations;
  const checked = checkDecision(raw);
  if (checked.kind !== 'checked') throw new Error(JSON.stringify(checked.problems));
  return checked.decision;
}

/** The words a PDF prints, as every available reader sees them. */
async function wordsOf(pdf: Uint8Array): Promise<Set<string>> {
  const lines = await pdfjsLines(pdf);
  if (hasPdftotext()) lines.push(...pdftotextLines(pdf));
  return new Set(tokens(lines.join(' ')));
}

let printer: PdfPrinter;
let engine: DocumentEngine;
beforeAll(async () => {
  ({ engine, printer } = await testEngine(() => new Date('2026-12-01T12:00:00Z')));
}, 120_000);
afterAll(async () => {
  await printer?.close();
});

describe('a decision with its complete Spanish translation', () => {
  const decision = decisionWith({ es: item.texts });
  let documents: RenderedDocument[] = [];
  const printed = new Map<string, Set<string>>();

  beforeAll(async () => {
    const result = await engine.render(decision, { html: true });
    if (result.kind !== 'documents') throw new Error(result.kind);
    documents = result.documents;
    for (const d of documents) printed.set(`${d.type}.${d.language}`, await wordsOf(d.pdf));
  }, 300_000);

  it('is planned as translated into Spanish, nothing pending', () => {
    expect(engine.plan(decision)).toMatchObject({ translated: ['es'], translationPending: [] });
    expect(documents.map((d) => `${d.type}.${d.language}`)).toEqual([
      'iep.en',
      'prior-written-notice.en',
      'iep.es',
      'prior-written-notice.es',
    ]);
  });

  it('prints every word of every Spanish field, each in its document', () => {
    const missing: string[] = [];
    for (const field of translatableFields(decision)) {
      const type = field.id.startsWith('priorWrittenNotice.') ? 'prior-written-notice' : 'iep';
      const words = printed.get(`${type}.es`) ?? new Set();
      for (const word of tokens(item.texts[field.id] ?? ''))
        if (!words.has(word)) missing.push(`${type}.es ${field.path}: ${word}`);
    }
    expect(missing).toEqual([]);
  });

  it('prints no word of the English sentences that is not also Spanish, a name or an address', () => {
    const spanish = new Set(tokens(Object.values(item.texts).join(' ')));
    const es = loadLocales().get('es');
    // What may rightly stay as written: the locale's own words, names, the school, addresses.
    const blank = structuredClone(decision) as unknown as Record<string, unknown>;
    for (const field of translatableFields(decision)) setAt(blank, field.path, '');
    delete blank.translations;
    const allowed = new Set(
      tokens(
        `${JSON.stringify(es)} ${JSON.stringify(blank)} ${JSON.stringify(loadDistrictDirectory().get(decision.districtId))}`,
      ),
    );
    const english: string[] = [];
    for (const field of translatableFields(decision))
      for (const word of tokens(field.source))
        if (word.length > 3 && !spanish.has(word) && !allowed.has(word))
          for (const type of ['iep', 'prior-written-notice'])
            if (printed.get(`${type}.es`)?.has(word)) english.push(`${type}.es: ${word}`);
    expect(english).toEqual([]);
    // The control: the same words are in the English documents.
    expect(printed.get('iep.en')?.has('counseling')).toBe(true);
  });

  it('prints the coded values from the Spanish locale', () => {
    const iep = printed.get('iep.es') ?? new Set();
    for (const word of ['Autismo', 'Maestro', 'Consejero', 'escolar', 'Especialista', 'transición'])
      expect(iep.has(word), word).toBe(true);
    expect(iep.has('Autism')).toBe(false);
    expect(printed.get('iep.en')?.has('Autism')).toBe(true);
  });

  it('breaks no Spanish word in two', async () => {
    const broken: string[] = [];
    for (const d of documents.filter((doc) => doc.language === 'es')) {
      const source = (d.html ?? '')
        .replace(/<style>[\s\S]*?<\/style>/g, ' ')
        .replace(/<[^>]+>/g, ' ');
      const lines = await pdfjsLines(d.pdf);
      if (hasPdftotext()) lines.push(...pdftotextLines(d.pdf));
      for (const w of brokenWords(source, lines)) broken.push(`${d.type}: ${w.before}|${w.after}`);
    }
    expect(broken).toEqual([]);
  });

  it('says nothing about parts being in English', () => {
    const notice = tokens(loadLocales().get('es')?.common.decisionTextNotice ?? '').slice(0, 6);
    expect(notice.length).toBeGreaterThan(3);
    expect(notice.every((w) => printed.get('iep.es')?.has(w))).toBe(false);
  });
});

describe('the same decision without a complete translation', () => {
  it('plans Spanish as pending; a separate complete translations item completes it', () => {
    const decision = decisionWith();
    expect(engine.plan(decision)).toMatchObject({ translated: [], translationPending: ['es'] });
    const partial = { ...item, texts: { ...item.texts } };
    delete partial.texts['iep.goals.G3.baseline'];
    expect(engine.plan(decision, [partial]).translationPending).toEqual(['es']);
    expect(engine.plan(decision, [item])).toMatchObject({
      translated: ['es'],
      translationPending: [],
    });
  });
});

function setAt(target: Record<string, unknown>, path: string, value: string): void {
  const keys = path.match(/[^.[\]]+/g) ?? [];
  let node = target;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys.at(-1) as string] = value;
}
