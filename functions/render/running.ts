/**
 * The running header and footer of a document, as CSS `@page` margin boxes.
 *
 * Chromium's own header and footer templates are separate small documents laid out and painted
 * on every page, each with its own copy of the fonts: they cost about a third of a print's CPU
 * (docs/scale.md). Margin boxes are part of the page: they use its
 * fonts, and `counter(page)` / `counter(pages)` number the pages. Only their `content` is made
 * here; how they look is in the document stylesheet.
 *
 * Their text includes student data, so every character that is not a plain letter, digit or
 * space is written as a CSS escape: nothing in it can end the string, the rule or the
 * `<style>` element.
 */

/** One piece of a margin box: text, or the page number, or the number of pages. */
export type RunningPart = string | { counter: 'page' | 'pages' };

/** A row of margin boxes, in reading order: start, centre, end. */
export interface RunningRow {
  start: RunningPart[];
  center: RunningPart[];
  end: RunningPart[];
}

/** The running header and footer of every page. */
export interface RunningHeaderFooter {
  header: RunningRow;
  footer: RunningRow;
}

/** First strong isolate … pop directional isolate: a value keeps its own direction (like `<bdi>`). */
export function isolate(value: string): string {
  return `\u2068${value}\u2069`;
}

/** A CSS string literal holding `text`, every character outside [A-Za-z0-9 ] escaped. */
export function cssString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0xfffd;
    if (/[A-Za-z0-9 ]/.test(char)) out += char;
    // NUL and lone surrogates are invalid in CSS escapes: the replacement character instead.
    else if (code === 0 || (code >= 0xd800 && code <= 0xdfff)) out += '\\fffd ';
    else out += `\\${code.toString(16)} `;
  }
  return `${out}"`;
}

/** The text the margin boxes can show (page counters as digits), for choosing fonts. */
export function runningText(running: RunningHeaderFooter): string {
  const text = (parts: readonly RunningPart[]) =>
    parts.map((part) => (typeof part === 'string' ? part : '0123456789')).join('');
  return [running.header, running.footer]
    .flatMap((row) => [row.start, row.center, row.end].map(text))
    .join(' ');
}

function content(parts: readonly RunningPart[]): string {
  if (parts.length === 0) return 'none';
  return parts
    .map((part) => (typeof part === 'string' ? cssString(part) : `counter(${part.counter})`))
    .join(' ');
}

/**
 * The `@page` rule with the margin boxes' content. Start and end follow the document's
 * direction: in a right-to-left document the row starts on the right.
 */
export function runningCss(running: RunningHeaderFooter, direction: 'ltr' | 'rtl'): string {
  const [left, right] =
    direction === 'rtl' ? (['end', 'start'] as const) : (['start', 'end'] as const);
  const row = (edge: 'top' | 'bottom', boxes: RunningRow) =>
    `@${edge}-left{content:${content(boxes[left])};direction:${direction}}` +
    `@${edge}-center{content:${content(boxes.center)};direction:${direction}}` +
    `@${edge}-right{content:${content(boxes[right])};direction:${direction}}`;
  return `@page{${row('top', running.header)}${row('bottom', running.footer)}}`;
}
