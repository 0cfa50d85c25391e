import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { templatesDir } from '../../functions/render/assets.ts';
import {
  allFaces,
  codePoints,
  FONT_FAMILY_LIST,
  type FontFace,
  faceFor,
  facesFor,
  fontFaceCss,
} from '../../functions/render/fonts.ts';
import { loadLocales } from '../../functions/render/locales.ts';

/** fontkit reads the woff2 files' character maps (it ships no types). */
const fontkit = createRequire(import.meta.url)('fontkit') as {
  openSync(path: string): { hasGlyphForCodePoint(point: number): boolean };
};

const root = new URL('../../', import.meta.url).pathname;
const DECISION_DIRS = ['samples/decisions', 'test/fixtures/decisions'];

/** Every string inside a JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** The texts documents print: every locale string, every sample decision's text, by source. */
function printedTexts(): Map<string, string> {
  const texts = new Map<string, string>();
  for (const [tag, locale] of loadLocales()) texts.set(`locale ${tag}`, strings(locale).join(' '));
  for (const dir of DECISION_DIRS)
    for (const file of readdirSync(join(root, dir)).filter((f) => f.endsWith('.json')))
      texts.set(
        `${dir}/${file}`,
        strings(JSON.parse(readFileSync(join(root, dir, file), 'utf8'))).join(' '),
      );
  return texts;
}

/** Bidi isolates, joiners and marks: format characters that are never drawn. */
const invisible = (point: number) =>
  point < 0x20 ||
  (point >= 0x200b && point <= 0x200f) ||
  (point >= 0x202a && point <= 0x202e) ||
  (point >= 0x2060 && point <= 0x206f) ||
  point === 0xfeff;

const glyphs = new Map<string, ReturnType<typeof fontkit.openSync>>();
const hasGlyph = (face: FontFace, point: number) => {
  let font = glyphs.get(face.file);
  if (!font) {
    font = fontkit.openSync(face.file);
    glyphs.set(face.file, font);
  }
  return font.hasGlyphForCodePoint(point);
};

const hex = (point: number) => `U+${point.toString(16).toUpperCase().padStart(4, '0')}`;

describe('font coverage', () => {
  it('has a real glyph, in regular and bold, for every character of every locale and sample decision', () => {
    const missing: string[] = [];
    for (const [source, text] of printedTexts()) {
      for (const point of codePoints(text)) {
        if (invisible(point)) continue;
        for (const weight of [400, 700]) {
          const face = faceFor(point, weight);
          if (!face || !hasGlyph(face, point))
            missing.push(
              `${source}: ${String.fromCodePoint(point)} ${hex(point)} at ${weight} (${face?.file ?? 'no face'})`,
            );
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('draws mixed content with each script in its own font', () => {
    const text = '陈伟 (Wei Chen) · ليلى حداد (Layla Haddad) · 김민준 · Нгуен Văn Thành';
    const families = new Set(facesFor(text).map((face) => face.family));
    expect([...families].sort()).toEqual(
      ['Noto Sans', 'Noto Sans Arabic', 'Noto Sans KR', 'Noto Sans SC'].sort(),
    );
    for (const [ch, family] of [
      ['陈', 'Noto Sans SC'],
      ['W', 'Noto Sans'],
      ['ل', 'Noto Sans Arabic'],
      ['김', 'Noto Sans KR'],
      ['ă', 'Noto Sans'],
      ['Н', 'Noto Sans'],
    ] as const)
      expect(faceFor(ch.codePointAt(0)!, 400)?.family, ch).toBe(family);
  });

  it('lists the families in the stylesheets in the order the fonts are chosen', () => {
    const families = [...new Set(allFaces().map((face) => face.family))];
    expect(FONT_FAMILY_LIST).toBe(`${families.map((f) => `"${f}"`).join(', ')}, sans-serif`);
    for (const css of ['styles/document.css'])
      expect(readFileSync(join(templatesDir(), css), 'utf8')).toContain(
        `font-family: ${FONT_FAMILY_LIST};`,
      );
  });
});

describe('font subsetting', () => {
  it('inlines no CJK or Arabic font into an English document', () => {
    const css = fontFaceCss('Individualized Education Program (IEP) — Page 1 of 5');
    expect(css).toContain("'Noto Sans'");
    expect(css).not.toMatch(/Noto Sans (SC|KR|Arabic)/);
  });

  it('inlines only the Chinese chunks the text touches, not the whole font', () => {
    const sc = allFaces().filter((face) => face.family === 'Noto Sans SC' && face.weight === 400);
    const used = facesFor('个别化教育计划（IEP）').filter(
      (face) => face.family === 'Noto Sans SC' && face.weight === 400,
    );
    expect(sc.length).toBeGreaterThan(50);
    expect(used.length).toBeGreaterThan(0);
    expect(used.length).toBeLessThanOrEqual(8);
    // The Latin letters go to Noto Sans, never to a CJK font's Latin chunk.
    expect(
      facesFor('IEP').every((face) => face.family === 'Noto Sans'),
      'Latin only from Noto Sans',
    ).toBe(true);
  });
});

/** WCAG 2.x relative luminance of `#rrggbb`. */
function luminance(color: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(color.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};

const expand = (color: string) =>
  color.length === 4 ? `#${[...color.slice(1)].map((c) => c + c).join('')}` : color;

describe('contrast', () => {
  it('gives every text colour of the stylesheets at least 4.5:1 against its background (WCAG AA)', () => {
    const low: string[] = [];
    let checked = 0;
    for (const file of ['styles/document.css']) {
      const css = readFileSync(join(templatesDir(), file), 'utf8');
      for (const [, selector, body] of css.matchAll(/([^{}]+)\{([^}]*)\}/g)) {
        // The draft watermark is decoration (the draft box says the same in full contrast).
        if (selector!.includes('.watermark')) continue;
        const color = /(?:^|;|\s)color:\s*(#[0-9a-f]{3,6})/i.exec(body!)?.[1];
        if (!color) continue;
        const background = /background(?:-color)?:\s*(#[0-9a-f]{3,6})/i.exec(body!)?.[1] ?? '#fff';
        const ratio = contrast(expand(color), expand(background));
        checked++;
        if (ratio < 4.5) low.push(`${selector!.trim()}: ${color} on ${background} = ${ratio}`);
      }
    }
    expect(checked).toBeGreaterThan(3);
    expect(low).toEqual([]);
  });

  it('computes contrast as WCAG does', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeLessThan(4.5);
  });
});
