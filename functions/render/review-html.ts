/**
 * A document's HTML for review outside the printer (`iep-docs render --html`): the HTML the
 * PDF was printed from, its fonts inlined as `data:` URLs (the printer serves them from
 * memory), the page size and margins the printer uses written into it so another renderer
 * prints the same pages, and a page-wide column on screen.
 */
import { PAGE_MARGINS } from './chromium.ts';
import { inlineFonts } from './fonts.ts';

const REVIEW_CSS = `@page { size: letter; margin: ${PAGE_MARGINS.top} ${PAGE_MARGINS.right} ${PAGE_MARGINS.bottom} ${PAGE_MARGINS.left}; }
@media screen { body { max-width: 7in; margin: 0.5in auto; } }`;

/** The review copy of a printed document's HTML. */
export function reviewHtml(printed: string): string {
  const at = printed.indexOf('</head>');
  const html =
    at === -1
      ? printed
      : `${printed.slice(0, at)}<style>${REVIEW_CSS}</style>\n${printed.slice(at)}`;
  return inlineFonts(html);
}
