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

/**
 * A plan with `translated` and `translationPending` filled in. With `withholdPending`, the
 * documents of a pending language are left out of the plan: a document labelled with a
 * language never prints the team's English (300.503(c)(1)(ii)); the English set goes out, and
 * that language's set follows when its translation arrives (`pipeline/render-translation.ts`).
 */
export function withTranslations(
  plan: DocumentPlan,
  decision: Decision,
  textLanguage: string,
  items: readonly TranslationItem[] = [],
  withholdPending = false,
): DocumentPlan {
  const others = plan.languages.filter(
    (language) => matchLocale(textLanguage, [language]) !== language,
  );
  const translated = others.filter((language) => completeTranslation(decision, language, items));
  const translationPending = others.filter((language) => !translated.includes(language));
  return {
    ...plan,
    ...(withholdPending
      ? { documents: plan.documents.filter((d) => !translationPending.includes(d.language)) }
      : {}),
    translated,
    translationPending,
  };
}
