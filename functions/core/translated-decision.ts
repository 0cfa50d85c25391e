/**
 * A decision in another language: the district's free text replaced, field by field, by a
 * complete translation (34 CFR 300.503(c)(1)(ii): the notice in the parent's native
 * language). The translation comes from the decision itself (`translations.<language>`) or
 * from a translations item written later (`translation.ts`); it is used only when complete,
 * so a document never mixes the two languages.
 */
import type { Decision } from './decision.ts';
import { matchLocale } from './languages.ts';
import type { Problem } from './problems.ts';
import { translatableFields } from './translatable.ts';
import { checkTranslation, type TranslationItem } from './translation.ts';

/** The translations a decision carries, as translations items (one per language). */
export function embeddedTranslations(d: Decision): TranslationItem[] {
  return Object.entries(d.translations ?? {}).map(([language, texts]) => ({
    kind: 'translation',
    districtId: d.districtId,
    decisionId: d.decisionId,
    version: d.version,
    language,
    texts,
  }));
}

/** What is wrong with each translation a decision carries, by path (`translations.es` first). */
export function embeddedTranslationProblems(d: Decision): Problem[] {
  return embeddedTranslations(d).flatMap((item) =>
    checkTranslation(d, item).map((p) => ({
      ...p,
      path: `translations.${item.language}: ${p.path}`,
    })),
  );
}

/**
 * The complete translation of `d` into the locale `language`, among the decision's own and
 * `items` (a separate item wins over the embedded one: it is the translation office's later
 * word); undefined when there is none or none is complete.
 */
export function completeTranslation(
  d: Decision,
  language: string,
  items: readonly TranslationItem[] = [],
): TranslationItem | undefined {
  const candidates = [...items, ...embeddedTranslations(d)].filter(
    (item) =>
      item.decisionId === d.decisionId &&
      item.version === d.version &&
      matchLocale(item.language, [language]) === language,
  );
  return candidates.find((item) => checkTranslation(d, item).length === 0);
}

/** `d` with every translatable field replaced by its text in `item` (which must be complete). */
export function translatedDecision(d: Decision, item: TranslationItem): Decision {
  const copy = structuredClone(d);
  for (const field of translatableFields(d)) {
    const text = item.texts[field.id];
    if (text !== undefined) setAt(copy, field.path, text);
  }
  return copy;
}

/** Sets the value at a validation path such as `iep.goals[0].baseline`. */
function setAt(target: unknown, path: string, value: string): void {
  const keys = path.match(/[^.[\]]+/g) ?? [];
  let node = target as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = keys.at(-1);
  if (last === undefined || node === undefined) throw new Error(`no field at ${path}`);
  node[last] = value;
}
