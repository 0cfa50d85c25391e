/**
 * A translations item: the translation of every free-text field of one decision version into
 * one language, written by the district's translation office (`iep-docs translation import`),
 * keyed by the fields' stable ids (`translatable.ts`). The renderer is to print it in place of
 * the team's text in that language's documents (34 CFR 300.503(c)).
 */
import { z } from 'zod';
import { type Decision, id, languageTag, text } from './decision.ts';
import type { Problem } from './problems.ts';
import { schemaProblems } from './schema-messages.ts';
import { translatableFields } from './translatable.ts';

/** One decision version's text in one language. */
export interface TranslationItem {
  kind: 'translation';
  districtId: string;
  decisionId: string;
  version: number;
  /** BCP 47 tag of the translation's language. */
  language: string;
  /** Translated text by field id (`iep.goals.<goalId>.baseline`). */
  texts: Record<string, string>;
  /** The translations table's sort key, `<version>#<language>` (see {@link translationKey}). */
  translationKey?: string;
}

/** The translations table's sort key of a version's translation into a language: `2#es`. */
export function translationKey(version: number, language: string): string {
  return `${version}#${language}`;
}

/** An HTML or XML tag, or a template expression: markup, never text a parent should read. */
const MARKUP = /<\/?[A-Za-z!?][^>]*>|\{\{|\}\}/;

/** Whether `target` carries markup its `source` does not (the team's own text is kept as it is). */
export function injectsMarkup(source: string, target: string): boolean {
  return MARKUP.test(target) && !MARKUP.test(source);
}

/**
 * What is wrong with a translation of `decision`: a field left untranslated (named by its
 * path), an id the decision has no field for, markup in a text. Empty when complete.
 */
export function checkTranslation(decision: Decision, item: TranslationItem): Problem[] {
  const problems: Problem[] = [];
  if (item.decisionId !== decision.decisionId || item.version !== decision.version)
    problems.push({
      path: 'decisionId',
      message: `the translation is of ${item.decisionId} v${item.version}, not ${decision.decisionId} v${decision.version}`,
    });
  const fields = translatableFields(decision);
  const known = new Set(fields.map((f) => f.id));
  for (const field of fields) {
    const text = item.texts[field.id];
    if (text === undefined || text.trim() === '')
      problems.push({
        path: field.path,
        message: `untranslated into ${item.language} (unit ${field.id})`,
        cfr: '300.503(c)',
      });
    else if (injectsMarkup(field.source, text))
      problems.push({ path: field.path, message: `markup in the translation (unit ${field.id})` });
  }
  for (const id of Object.keys(item.texts))
    if (!known.has(id))
      problems.push({ path: id, message: 'no such field in this decision version' });
  return problems;
}

/** The shape of a translations item, as the translations table or a file holds it. */
export const translationItemSchema = z.strictObject({
  kind: z.literal('translation'),
  districtId: id,
  decisionId: id,
  version: z.number().int().min(1).max(1_000_000),
  language: languageTag,
  texts: z.record(z.string().min(1).max(300), text),
  translationKey: z.string().max(120).optional(),
});

/**
 * A translations item as read (from the table or a file): its shape, and a sort key, when it
 * has one, that agrees with its version and language; every problem named by its path.
 */
export function parseTranslationItem(
  value: unknown,
): { item: TranslationItem } | { problems: Problem[] } {
  const parsed = translationItemSchema.safeParse(value);
  if (!parsed.success) return { problems: schemaProblems(parsed.error, value) };
  const item = parsed.data as TranslationItem;
  const key = translationKey(item.version, item.language);
  if (item.translationKey !== undefined && item.translationKey !== key)
    return {
      problems: [
        {
          path: 'translationKey',
          message: `"${item.translationKey}" does not match version ${item.version} and language ${item.language} (expected "${key}")`,
        },
      ],
    };
  return { item };
}
