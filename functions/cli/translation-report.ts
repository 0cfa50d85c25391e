/**
 * What `validate` and `render` say of a decision's translations, one stderr line each: a
 * translation the decision carries that is incomplete (every untranslated field by its path),
 * and the languages whose documents still print the team's own text.
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
  for (const language of plan?.translationPending ?? [])
    io.stderr(
      `${file}: translation pending: ${language} (its documents print the team's text as written until a complete translation arrives)`,
    );
}
