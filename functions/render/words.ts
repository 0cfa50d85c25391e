/**
 * "Words used in this document": the IDEA terms and abbreviations a document prints, each
 * with a plain explanation in the document's language, from the locale's glossary. Only the
 * words the document actually uses are listed, in the language's alphabetical order.
 */
import { intlSupports, type Locale } from './locales.ts';

/** One entry of the section. */
export interface WordUsed {
  term: string;
  definition: string;
}

type GlossaryKey = keyof Locale['glossary'];

/** A glossary term's abbreviation, written after it in brackets: "… (IEP)", "…（IEP）". */
const ABBREVIATION = /\s*[(（]([A-Z]{2,})[)）]\s*$/u;

/** Letters, marks and digits around a match would make it part of a longer word. */
const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;

/** Whether `needle` stands in `haystack` as a word or words of its own (case ignored). */
function standsIn(haystack: string, needle: string): boolean {
  if (needle === '') return false;
  const text = haystack.toLocaleLowerCase();
  const word = needle.toLocaleLowerCase();
  // Scripts written without spaces (Chinese) have no word edges to check; a Latin
  // abbreviation is its own word beside Chinese or Korean letters ("IEP团队").
  if (/\p{Script=Han}/u.test(word)) return text.includes(word);
  const edge = /^[\x20-\x7e]+$/.test(word) ? /[a-z0-9]/ : WORD_CHAR;
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1)) {
    const before = text[at - 1] ?? ' ';
    const after = text[at + word.length] ?? ' ';
    if (!edge.test(before) && !edge.test(after)) return true;
  }
  return false;
}

/** A glossary term (written for the middle of a sentence) as the head of an entry. */
function capitalized(term: string, locale: Locale): string {
  const first = String.fromCodePoint(term.codePointAt(0) ?? 32);
  return first.toLocaleUpperCase(locale.locale) + term.slice(first.length);
}

/** The section's entries for a document whose printed text is `text`. */
export function wordsUsed(text: string, locale: Locale): WordUsed[] {
  const flat = text.replace(/\s+/g, ' ');
  const used: WordUsed[] = [];
  const glossary = locale.glossary as Record<GlossaryKey, string>;
  const definitions = locale.words.definitions as Record<GlossaryKey, string>;
  for (const key of Object.keys(glossary) as GlossaryKey[]) {
    const term = glossary[key];
    const abbreviation = ABBREVIATION.exec(term)?.[1];
    const name = term.replace(ABBREVIATION, '');
    if (standsIn(flat, name) || (abbreviation !== undefined && standsIn(flat, abbreviation)))
      used.push({ term: capitalized(term, locale), definition: definitions[key] });
  }
  for (const [abbreviation, definition] of Object.entries(locale.words.abbreviations))
    if (standsIn(flat, abbreviation)) used.push({ term: abbreviation, definition });
  const collator = new Intl.Collator(intlSupports(locale.locale) ? locale.locale : 'en');
  return used.sort((a, b) => collator.compare(a.term, b.term));
}
