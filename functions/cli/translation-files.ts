/**
 * Translations items for `iep-docs render --translation FILE`: the files the translation
 * office's import wrote (`iep-docs translation import`), checked for shape; whether one is
 * complete for its decision is the engine's to judge (`core/translated-decision.ts`).
 */
import { readFile } from 'node:fs/promises';
import type { Problem } from '../core/problems.ts';
import { type TranslationItem, translationItemSchema } from '../core/translation.ts';
import { schemaProblems } from '../core/validate.ts';

/** The items read, or the problems of each file that is not one. */
export async function readTranslationFiles(
  files: readonly string[],
): Promise<{ items: TranslationItem[]; problems: { file: string; problems: Problem[] }[] }> {
  const items: TranslationItem[] = [];
  const problems: { file: string; problems: Problem[] }[] = [];
  for (const file of files) {
    let value: unknown;
    try {
      value = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      problems.push({ file, problems: [{ path: '(file)', message: (error as Error).message }] });
      continue;
    }
    const parsed = translationItemSchema.safeParse(value);
    if (parsed.success) items.push(parsed.data as TranslationItem);
    else problems.push({ file, problems: schemaProblems(parsed.error, value) });
  }
  return { items, problems };
}
