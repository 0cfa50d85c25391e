/**
 * Finds words a printed document broke in two across lines ("Consider|ed", "Proveed|or"):
 * the text extracted from the PDF, line by line, against the source text the HTML printed.
 * Chinese may break between any two characters, so each Han or kana character is a word of
 * its own; every other script breaks only between words or after a hyphen.
 */
import { spawnSync } from 'node:child_process';
import { openPdf } from './chromium-pdf-reader.ts';

/** Letters, marks and digits; a Han or kana character alone (they break anywhere). */
const TOKEN =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|(?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])[\p{L}\p{M}\p{N}])+/gu;

/** The words of a text, in order (normalized: PDF text comes out in compatibility forms). */
export function tokens(text: string): string[] {
  const normalized = text.normalize('NFKC').replace(/[\u00ad\u200b-\u200f\u2060-\u206f]/g, '');
  return normalized.match(TOKEN) ?? [];
}

/** One word broken across two lines. */
export interface BrokenWord {
  word: string;
  before: string;
  after: string;
}

/**
 * The source words printed broken: a line ends with `a` and the next begins with `b`, `a + b`
 * is a word of the source, and `a b` never stands side by side in the source (a line may
 * rightly end between two words, or after a hyphen: "Sign-|language" is two words here).
 */
export function brokenWords(sourceText: string, lines: readonly string[]): BrokenWord[] {
  const source = tokens(sourceText);
  const words = new Set(source);
  const neighbours = new Set(source.slice(1).map((word, i) => `${source[i]}\u0000${word}`));
  const broken: BrokenWord[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const before = tokens(lines[i] ?? '').at(-1);
    const after = tokens(lines[i + 1] ?? '')[0];
    if (before === undefined || after === undefined) continue;
    const joined = before + after;
    if (words.has(joined) && !neighbours.has(`${before}\u0000${after}`))
      broken.push({ word: joined, before, after });
  }
  return broken;
}

/** The lines of a PDF's text as pdf.js reads them: a new line at each end of line or drop. */
export async function pdfjsLines(pdf: Uint8Array): Promise<string[]> {
  const document = await openPdf(pdf);
  try {
    const lines: string[] = [];
    for (let number = 1; number <= document.numPages; number++) {
      const content = await (await document.getPage(number)).getTextContent();
      let line = '';
      let y: number | undefined;
      for (const item of content.items) {
        if (!('str' in item)) continue;
        const itemY = item.transform[5] as number;
        // A run lower or higher than the last (beyond rounding) starts a new line.
        if (y !== undefined && Math.abs(itemY - y) > 1 && line.trim() !== '') {
          lines.push(line);
          line = '';
        }
        line += item.str;
        y = itemY;
        if (item.hasEOL) {
          lines.push(line);
          line = '';
          y = undefined;
        }
      }
      if (line.trim() !== '') lines.push(line);
    }
    return lines;
  } finally {
    await document.destroy();
  }
}

/** Whether poppler's `pdftotext` is on this machine (the tests use it only when it is). */
export function hasPdftotext(): boolean {
  return spawnSync('pdftotext', ['-v'], { encoding: 'utf8' }).status === 0;
}

/** The lines of a PDF's text as poppler's `pdftotext` reads them. */
export function pdftotextLines(pdf: Uint8Array): string[] {
  const run = spawnSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], {
    input: pdf,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`pdftotext failed: ${run.stderr.toString()}`);
  return run.stdout.toString('utf8').split(/\r?\n|\f/);
}

/** The text runs that reach past the right edge of their page (cut off when printed). */
export async function textPastEdge(pdf: Uint8Array): Promise<string[]> {
  const document = await openPdf(pdf);
  try {
    const past: string[] = [];
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      const width = page.getViewport({ scale: 1 }).width;
      for (const item of (await page.getTextContent()).items)
        if ('str' in item && (item.transform[4] as number) + item.width > width + 0.5)
          past.push(item.str);
    }
    return past;
  } finally {
    await document.destroy();
  }
}
