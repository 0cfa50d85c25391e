/**
 * Header and footer templates that print in the document's embedded font.
 *
 * Chromium renders `headerTemplate`/`footerTemplate` as separate small documents, painted
 * synchronously while the page prints. What we verified (Chromium 147, `pdffonts`):
 * - a template does not see the page's `@font-face` rules: `font-family: 'Noto Sans'` alone falls
 *   back to a fontconfig font (Open Sans from `@sparticuz/chromium`);
 * - a template's own `@font-face` with a `data:` URL is used only when the page has already loaded
 *   that very same `data:` URL (Chromium's memory cache answers synchronously); a face the page
 *   never used is still loading when the template is painted, so the template falls back.
 * Hence: declare the same faces in the template as in the page, and make the page load every face
 * the templates use (`fontWarmUpHtml` does that for faces the body text may not use, e.g. bold).
 */

/** A font face embedded in the document as a `data:` URL. */
export interface EmbeddedFontFace {
  /** CSS family name, e.g. `Noto Sans`. */
  family: string;
  /** `data:font/woff2;base64,...`: the identical string must be used by page and templates. */
  dataUrl: string;
  /** CSS font-weight, 400 by default. */
  weight?: number;
  /** CSS font-style, `normal` by default. */
  style?: 'normal' | 'italic';
  /** CSS unicode-range, for faces split by script (as Fontsource ships them). */
  unicodeRange?: string;
}

/** Options of {@link headerFooterTemplate}. */
export interface HeaderFooterOptions {
  /** The faces the page declares; every face the template uses must be among them. */
  fonts: readonly EmbeddedFontFace[];
  /** Font family of the template's text; the first face's family by default. */
  fontFamily?: string;
  /** Font size in points (Chromium's template default is unreadably small); 8 by default. */
  fontSizePt?: number;
  /** Horizontal padding, matching the page's side margin so text lines up with the body. */
  sideMargin?: string;
}

/** `@font-face` rules for `faces`, for the page's stylesheet and the templates alike. */
export function fontFaceRules(faces: readonly EmbeddedFontFace[]): string {
  return faces
    .map(
      (face) =>
        `@font-face{font-family:${cssString(face.family)};font-style:${face.style ?? 'normal'};` +
        `font-weight:${face.weight ?? 400};src:url(${cssString(face.dataUrl)});` +
        `${face.unicodeRange === undefined ? '' : `unicode-range:${face.unicodeRange};`}}`,
    )
    .join('\n');
}

/**
 * Invisible text in every face, to put in the page's body: makes the page load each face so the
 * header and footer templates can use it even when the body text does not (e.g. a bold face).
 * With unicode-range faces, pass the templates' text as `sampleText`: a face loads only for
 * characters in its range.
 */
export function fontWarmUpHtml(faces: readonly EmbeddedFontFace[], sampleText = '.'): string {
  const sample = escapeText(sampleText);
  const spans = faces
    .map(
      (face) =>
        `<span style="font-family:${escapeAttribute(cssString(face.family))};` +
        `font-weight:${face.weight ?? 400};font-style:${face.style ?? 'normal'}">${sample}</span>`,
    )
    .join('');
  return `<div aria-hidden="true" style="position:absolute;visibility:hidden;height:0;overflow:hidden">${spans}</div>`;
}

/**
 * A Chromium header or footer template: `content` (HTML that may contain
 * `<span class="pageNumber"></span>`, `totalPages`, `title`, `date` spans) in the embedded font.
 */
export function headerFooterTemplate(content: string, options: HeaderFooterOptions): string {
  const family = options.fontFamily ?? options.fonts[0]?.family;
  const fontFamily = family === undefined ? 'sans-serif' : `${cssString(family)},sans-serif`;
  const style = [
    fontFaceRules(options.fonts),
    `.iep-hf{box-sizing:border-box;width:100%;padding:0 ${options.sideMargin ?? '0.75in'};` +
      `font-family:${fontFamily};font-size:${options.fontSizePt ?? 8}pt;color:#333;` +
      '-webkit-print-color-adjust:exact;print-color-adjust:exact}',
  ].join('\n');
  return `<style>${style}</style><div class="iep-hf">${content}</div>`;
}

function cssString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\a ')}'`;
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
