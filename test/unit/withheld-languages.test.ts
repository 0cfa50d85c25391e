/**
 * A language whose translation is pending gets no official document (34 CFR 300.503(c)(1)(ii):
 * never the team's English under its label): with `withholdPending` the plan leaves its
 * documents out and still names it pending; a complete translation puts them back.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planDocuments } from '../../functions/core/documents.ts';
import type { TranslationItem } from '../../functions/core/translation.ts';
import { withTranslations } from '../../functions/core/translation-plan.ts';
import { checkDecision } from '../../functions/core/validate.ts';

const sample = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../samples/translations/${name}`, import.meta.url), 'utf8'));
const checked = checkDecision(sample('transition-v2-es.json'));
if (checked.kind !== 'checked') throw new Error('the sample no longer validates');
const { decision } = checked;
const item: TranslationItem = sample('transition-v2-es.translation.json');
const files = (plan: { documents: { type: string; language: string }[] }) =>
  plan.documents.map((d) => `${d.type}.${d.language}`);

describe('a pending language’s documents', () => {
  const plan = planDocuments(decision, ['en', 'es', 'vi']);

  it('are withheld from an official set, the language still pending', () => {
    const withheld = withTranslations(plan, decision, 'en', [], true);
    expect(files(withheld)).toEqual(['iep.en', 'prior-written-notice.en']);
    expect(withheld).toMatchObject({ translated: [], translationPending: ['es'] });
  });

  it('are planned again once the translation is complete', () => {
    const translated = withTranslations(plan, decision, 'en', [item], true);
    expect(files(translated)).toEqual([
      'iep.en',
      'prior-written-notice.en',
      'iep.es',
      'prior-written-notice.es',
    ]);
    expect(translated).toMatchObject({ translated: ['es'], translationPending: [] });
  });

  it('stay in a preview plan (a draft shows every language)', () => {
    expect(files(withTranslations(plan, decision, 'en', [], false))).toEqual([
      'iep.en',
      'prior-written-notice.en',
      'iep.es',
      'prior-written-notice.es',
    ]);
  });
});
