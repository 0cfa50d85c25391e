/**
 * Reading a translated document back: which words of a translation's fields it lacks, and which
 * words of the team's English sentences it prints that are neither in the translation, the
 * locale, a name, an address nor the district's profile (what may rightly stay as written).
 */
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import type { Decision } from '../../functions/core/decision.ts';
import { translatableFields } from '../../functions/core/translatable.ts';
import type { TranslationItem } from '../../functions/core/translation.ts';
import { loadLocales } from '../../functions/render/locales.ts';
import { hasPdftotext, pdfjsLines, pdftotextLines, tokens } from '../unit/broken-words.ts';

/** The words a PDF prints, as every available reader sees them. */
export async function wordsOf(pdf: Uint8Array): Promise<Set<string>> {
  const lines = await pdfjsLines(pdf);
  if (hasPdftotext()) lines.push(...pdftotextLines(pdf));
  return new Set(tokens(lines.join(' ')));
}

/** The document type a field prints in. */
const typeOf = (fieldId: string) =>
  fieldId.startsWith('priorWrittenNotice.') ? 'prior-written-notice' : 'iep';

/** `<type>: <path>: <word>` for each word of a translated field the document of its type lacks. */
export function translatedWordsMissing(
  decision: Decision,
  item: TranslationItem,
  printed: ReadonlyMap<string, Set<string>>,
): string[] {
  const missing: string[] = [];
  for (const field of translatableFields(decision)) {
    const type = typeOf(field.id);
    const words = printed.get(type) ?? new Set();
    for (const word of tokens(item.texts[field.id] ?? ''))
      if (!words.has(word)) missing.push(`${type}: ${field.path}: ${word}`);
  }
  return missing;
}

/** `<type>: <word>` for each English word of the team's text a translated document prints. */
export function englishWordsLeft(
  decision: Decision,
  item: TranslationItem,
  printed: ReadonlyMap<string, Set<string>>,
): string[] {
  const translated = new Set(tokens(Object.values(item.texts).join(' ')));
  const blank = structuredClone(decision) as unknown as Record<string, unknown>;
  for (const field of translatableFields(decision)) setAt(blank, field.path, '');
  delete blank.translations;
  const allowed = new Set(
    tokens(
      `${JSON.stringify(loadLocales().get(item.language))} ${JSON.stringify(blank)} ${JSON.stringify(loadDistrictDirectory().get(decision.districtId))}`,
    ),
  );
  const english: string[] = [];
  for (const field of translatableFields(decision))
    for (const word of tokens(field.source))
      if (word.length > 3 && !translated.has(word) && !allowed.has(word))
        for (const [type, words] of printed) if (words.has(word)) english.push(`${type}: ${word}`);
  return english;
}

function setAt(target: Record<string, unknown>, path: string, value: string): void {
  const keys = path.match(/[^.[\]]+/g) ?? [];
  let node = target;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys.at(-1) as string] = value;
}
