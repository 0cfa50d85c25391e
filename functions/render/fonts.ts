/**
 * The documents' fonts: Lambda has no system fonts, so every face comes with the product.
 * Faces come from open-licence npm font packages (Fontsource's Noto families), split by
 * Unicode range (the CJK families into about a hundred chunks each); a document declares only
 * the faces its text needs, and Chromium embeds only the glyphs it uses.
 *
 * A face is named by a URL on {@link FONT_ORIGIN}, a host that never resolves, and the printer
 * answers it from memory ({@link fontAt}): Chromium then keeps the decoded face between
 * documents instead of reading ~55 KB of base64 in every one (a fifth less CPU per print).
 * The URL holds a hash of the file, so a changed font changes the document's HTML.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';

/** Where font URLs point: `.invalid` never resolves (RFC 6761); only the printer answers it. */
export const FONT_ORIGIN = 'https://fonts.iep-docs.invalid';

/** A Fontsource package: its weights used, and ranges its faces must not serve. */
export interface FontPackage {
  pkg: string;
  weights: readonly number[];
  /** Code point ranges removed from every face's unicode-range. */
  excludes?: readonly (readonly [number, number])[];
}

/** The Hangul blocks: Jamo, Compatibility Jamo, Jamo Extended-A and -B, Syllables. */
const HANGUL: readonly (readonly [number, number])[] = [
  [0x1100, 0x11ff],
  [0x3130, 0x318f],
  [0xa960, 0xa97f],
  [0xac00, 0xd7ff],
];

/**
 * The font packages, in the order of the stylesheets' `font-family` list (the first family
 * whose range holds a character draws it), and the weights the styles use. The styles ask for
 * 400, 600 and 700; where a family has no 600 face Chromium draws 600 with its 700 face.
 */
export const FONT_PACKAGES: readonly FontPackage[] = [
  // Latin (with Vietnamese), Cyrillic, Greek.
  { pkg: '@fontsource/noto-sans', weights: [400, 600, 700] },
  { pkg: '@fontsource/noto-sans-arabic', weights: [400, 700] },
  // Han, Simplified. Its chunks' unicode-range claims Hangul syllables its files have no
  // glyph for (the glyph coverage test found them): Hangul is left to the Korean family.
  { pkg: '@fontsource/noto-sans-sc', weights: [400, 700], excludes: HANGUL },
  // Hangul.
  { pkg: '@fontsource/noto-sans-kr', weights: [400, 700] },
];

/** The CSS `font-family` list the stylesheets use, in {@link FONT_PACKAGES} order. */
export const FONT_FAMILY_LIST =
  '"Noto Sans", "Noto Sans Arabic", "Noto Sans SC", "Noto Sans KR", sans-serif';

/** One `@font-face` of a font package: a woff2 file serving a Unicode range. */
export interface FontFace {
  family: string;
  weight: number;
  /** Absolute path of the woff2 file. */
  file: string;
  ranges: [number, number][];
}

const require = createRequire(import.meta.url);
let faces: FontFace[] | undefined;
/** Font URLs by file, and font bytes by URL (only the faces some document used). */
const urlsByFile = new Map<string, string>();
const bytesByUrl = new Map<string, Buffer>();

function parseRanges(value: string): [number, number][] {
  return value.split(',').map((part) => {
    const [from, to] = part.trim().replace(/^U\+/i, '').split('-');
    const start = Number.parseInt(from ?? '', 16);
    return [start, to ? Number.parseInt(to, 16) : start];
  });
}

/** `ranges` less every code point of `excludes`. */
function subtract(
  ranges: [number, number][],
  excludes: readonly (readonly [number, number])[],
): [number, number][] {
  let out = ranges;
  for (const [xa, xb] of excludes) {
    out = out.flatMap(([a, b]): [number, number][] => {
      if (b < xa || a > xb) return [[a, b]];
      const kept: [number, number][] = [];
      if (a < xa) kept.push([a, xa - 1]);
      if (b > xb) kept.push([xb + 1, b]);
      return kept;
    });
  }
  return out;
}

/** Every face of the configured packages, in preference order; read once per process. */
export function allFaces(): FontFace[] {
  if (faces) return faces;
  faces = [];
  for (const { pkg, weights, excludes = [] } of FONT_PACKAGES) {
    const root = dirname(require.resolve(`${pkg}/package.json`));
    for (const weight of weights) {
      const css = readFileSync(join(root, `${weight}.css`), 'utf8');
      for (const block of css.match(/@font-face\s*{[^}]*}/g) ?? []) {
        const family = /font-family:\s*'([^']+)'/.exec(block)?.[1];
        const file = /url\(\.\/(files\/[^)]+\.woff2)\)/.exec(block)?.[1];
        const range = /unicode-range:\s*([^;]+);/.exec(block)?.[1];
        const ranges = subtract(range ? parseRanges(range) : [[0, 0x10ffff]], excludes);
        if (family && file && ranges.length > 0)
          faces.push({ family, weight, file: join(root, file), ranges });
      }
    }
  }
  return faces;
}

function fontUrl(file: string): string {
  let url = urlsByFile.get(file);
  if (!url) {
    const bytes = readFileSync(file);
    const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    url = `${FONT_ORIGIN}/${hash}/${basename(file)}`;
    urlsByFile.set(file, url);
    bytesByUrl.set(url, bytes);
  }
  return url;
}

/** The woff2 bytes behind a URL that {@link fontFaceCss} wrote; undefined for any other URL. */
export function fontAt(url: string): Buffer | undefined {
  return bytesByUrl.get(url);
}

/** A URL {@link fontUrl} makes: the origin, the file's hash, its name. */
const FONT_URL = new RegExp(
  `${FONT_ORIGIN.replace(/[.]/g, '\\.')}/[0-9a-f]{16}/[\\w.-]+\\.woff2`,
  'g',
);

/**
 * `html` with every font URL replaced by the font as a `data:` URL: for a browser that is not
 * the printer (the benchmark's floor, a file opened by hand).
 */
export function inlineFonts(html: string): string {
  return html.replace(FONT_URL, (url) => {
    const bytes = bytesByUrl.get(url);
    return bytes ? `data:font/woff2;base64,${bytes.toString('base64')}` : url;
  });
}

/** The code points of a text, deduplicated. */
export function codePoints(text: string): Set<number> {
  const points = new Set<number>();
  for (const ch of text) points.add(ch.codePointAt(0) ?? 0);
  return points;
}

const covers = (face: FontFace, point: number) =>
  face.ranges.some(([a, b]) => point >= a && point <= b);

/**
 * The face that draws `point` at `weight`, as Chromium picks it: the first family of the list
 * whose face of that weight has the character in its range.
 */
export function faceFor(point: number, weight: number): FontFace | undefined {
  return allFaces().find((face) => face.weight === weight && covers(face, point));
}

/**
 * The faces `text` needs: for each character and each weight, the face that would draw it.
 * A face of a later family whose range merely overlaps (Noto Sans SC's Latin chunk, say) is
 * not inlined when an earlier family draws those characters.
 */
export function facesFor(text: string): FontFace[] {
  const needed = new Set<FontFace>();
  const weights = new Set(allFaces().map((f) => f.weight));
  for (const point of codePoints(text)) {
    // Controls and spaces: no glyph to draw (the space comes with the Latin face anyway).
    if (point < 0x20) continue;
    for (const weight of weights) {
      const face = faceFor(point, weight);
      if (face) needed.add(face);
    }
  }
  return allFaces().filter((face) => needed.has(face));
}

/**
 * `@font-face` rules for the faces `text` needs (fonts by URL, see the module comment); only
 * those of `weights` when given.
 */
export function fontFaceCss(text: string, weights?: readonly number[]): string {
  return facesFor(text)
    .filter((face) => weights === undefined || weights.includes(face.weight))
    .map(
      (f) =>
        `@font-face{font-family:'${f.family}';font-style:normal;font-weight:${f.weight};src:url(${fontUrl(f.file)}) format('woff2');unicode-range:${f.ranges
          .map(([a, b]) =>
            a === b ? `U+${a.toString(16)}` : `U+${a.toString(16)}-${b.toString(16)}`,
          )
          .join(',')};}`,
    )
    .join('\n');
}
