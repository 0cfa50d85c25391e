/**
 * What `validate` and `render` say of a decision's translations, one stderr line each: a
 * translation the decision carries that is incomplete (every untranslated field by its path),
 * and the languages whose documents wait for one (withheld, or draft previews in the team's text).
 */
import type { Decision } from '../core/decision.ts';
import type { DocumentPlan } from '../core/documents.ts';
import { describeProblem } from '../core/problems.ts';
import { embeddedTranslationProblems } from '../core/translated-decision.ts';
import type { TranslationItem } from '../core/translation.ts';
import { checkTranslation } from '../core/translation.ts';
import type { CliIo } from './main.ts';

export function reportTranslations(
  io: CliIo,
  file: string,
  decision: Decision,
  plan?: DocumentPlan,
  items: readonly TranslationItem[] = [],
): void {
  for (const p of embeddedTranslationProblems(decision))
    io.stderr(`${file}: ${describeProblem(p)}`);
  const mine = items.filter(
    (i) => i.decisionId === decision.decisionId && i.version === decision.version,
  );
  for (const item of mine)
    for (const p of checkTranslation(decision, item))
      io.stderr(`${file}: translation item (${item.language}): ${describeProblem(p)}`);
  const made = new Set(plan?.documents.map((d) => d.language));
  for (const language of plan?.translationPending ?? [])
    io.stderr(
      made.has(language)
        ? `${file}: translation pending: ${language} (its draft previews print the team's text as written until a complete translation arrives)`
        : `${file}: translation pending: ${language} (no ${language} documents until a complete translation: --translation ITEM)`,
    );
}
