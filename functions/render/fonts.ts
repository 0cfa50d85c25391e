/**
 * Fonts travel inside the HTML: Lambda has no system fonts, and the printer blocks
 * every request that is not inlined. Faces come from open-licence npm font packages
 * (Fontsource's Noto families), split by Unicode range; a document inlines only the
 * faces whose range its text touches, and Chromium embeds only the glyphs it uses.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The font packages, most preferred first, and the weights the styles use. */
export const FONT_PACKAGES: readonly { pkg: string; weights: readonly number[] }[] = [
  { pkg: '@fontsource/noto-sans', weights: [400, 600, 700] },
];

interface FontFace {
  family: string;
  weight: number;
  file: string;
  ranges: [number, number][];
}

const require = createRequire(import.meta.url);
let faces: FontFace[] | undefined;
const dataUrls = new Map<string, string>();

function parseRanges(value: string): [number, number][] {
  return value.split(',').map((part) => {
    const [from, to] = part.trim().replace(/^U\+/i, '').split('-');
    const start = Number.parseInt(from ?? '', 16);
    return [start, to ? Number.parseInt(to, 16) : start];
  });
}

/** Every face of the configured packages, read once per process. */
function allFaces(): FontFace[] {
  if (faces) return faces;
  faces = [];
  for (const { pkg, weights } of FONT_PACKAGES) {
    const root = dirname(require.resolve(`${pkg}/package.json`));
    for (const weight of weights) {
      const css = readFileSync(join(root, `${weight}.css`), 'utf8');
      for (const block of css.match(/@font-face\s*{[^}]*}/g) ?? []) {
        const family = /font-family:\s*'([^']+)'/.exec(block)?.[1];
        const file = /url\(\.\/(files\/[^)]+\.woff2)\)/.exec(block)?.[1];
        const range = /unicode-range:\s*([^;]+);/.exec(block)?.[1];
        if (family && file) {
          faces.push({
            family,
            weight,
            file: join(root, file),
            ranges: range ? parseRanges(range) : [[0, 0x10ffff]],
          });
        }
      }
    }
  }
  return faces;
}

function dataUrl(file: string): string {
  let url = dataUrls.get(file);
  if (!url) {
    url = `data:font/woff2;base64,${readFileSync(file).toString('base64')}`;
    dataUrls.set(file, url);
  }
  return url;
}

/** The code points of a text, deduplicated. */
export function codePoints(text: string): Set<number> {
  const points = new Set<number>();
  for (const ch of text) points.add(ch.codePointAt(0) ?? 0);
  return points;
}

/** The faces whose Unicode range covers at least one character of `text`. */
export function facesFor(text: string): FontFace[] {
  const points = [...codePoints(text)];
  return allFaces().filter((face) =>
    points.some((p) => face.ranges.some(([a, b]) => p >= a && p <= b)),
  );
}

/** `@font-face` rules, fonts inlined as data, for the faces `text` needs. */
export function fontFaceCss(text: string): string {
  return facesFor(text)
    .map(
      (f) =>
        `@font-face{font-family:'${f.family}';font-style:normal;font-weight:${f.weight};src:url(${dataUrl(f.file)}) format('woff2');unicode-range:${f.ranges
          .map(([a, b]) =>
            a === b ? `U+${a.toString(16)}` : `U+${a.toString(16)}-${b.toString(16)}`,
          )
          .join(',')};}`,
    )
    .join('\n');
}
