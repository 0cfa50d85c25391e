/**
 * Which of a decision's documents carry its text translated, and which languages still wait
 * for the translation office: a document in a recipient's language prints the team's text in
 * that language only from a complete translation (34 CFR 300.503(c)(1)(ii)).
 */
import type { Decision } from './decision.ts';
import type { DocumentPlan } from './documents.ts';
import { matchLocale } from './languages.ts';
import { completeTranslation } from './translated-decision.ts';
import type { TranslationItem } from './translation.ts';

/** A plan with `translated` and `translationPending` filled in. */
export function withTranslations(
  plan: DocumentPlan,
  decision: Decision,
  textLanguage: string,
  items: readonly TranslationItem[] = [],
): DocumentPlan {
  const others = plan.languages.filter(
    (language) => matchLocale(textLanguage, [language]) !== language,
  );
  const translated = others.filter((language) => completeTranslation(decision, language, items));
  return {
    ...plan,
    translated,
    translationPending: others.filter((language) => !translated.includes(language)),
  };
}
