import { describe, expect, it } from 'vitest';
import { cssString, isolate, runningCss, runningText } from '../../functions/render/running.ts';

const EMPTY_ROW = { start: [], center: [], end: [] };

/** Reads a CSS string literal back as CSS would (hex escapes with their optional space). */
function unescapeCss(literal: string): string {
  return literal
    .slice(1, -1)
    .replace(/\\([0-9a-f]{1,6}) ?/gi, (_, hex: string) =>
      String.fromCodePoint(Number.parseInt(hex, 16)),
    );
}

describe('the running header and footer', () => {
  it('write any text as a CSS string that nothing in it can end', () => {
    // Prepare
    const hostile = [
      'O"Brien',
      "D'Angelo",
      'back\\slash',
      '</style><script>alert(1)</script>',
      '"}body{display:none}@page{@top-left{content:"x',
      'line\nbreak',
      'emoji 🙂 and 中文',
      '/* comment */ url(http://127.0.0.1:9/x)',
    ];

    for (const text of hostile) {
      // Act
      const literal = cssString(text);

      // Assess
      expect(literal).toMatch(/^"[A-Za-z0-9 \\]*"$/);
      expect(unescapeCss(literal)).toBe(text);
    }
  });

  it('replace NUL and lone surrogates, which CSS escapes cannot carry', () => {
    // Act
    const literal = cssString('a\u0000b\ud800c');

    // Assess
    expect(unescapeCss(literal)).toBe('a\ufffdb\ufffdc');
  });

  it('place the row’s start on the left in left-to-right documents and on the right in right-to-left ones', () => {
    // Prepare
    const running = {
      header: { start: ['FIRST'], center: ['MIDDLE'], end: ['LAST'] },
      footer: EMPTY_ROW,
    };

    // Act
    const ltr = runningCss(running, 'ltr');
    const rtl = runningCss(running, 'rtl');

    // Assess
    expect(ltr).toContain('@top-left{content:"FIRST";direction:ltr}');
    expect(ltr).toContain('@top-right{content:"LAST";direction:ltr}');
    expect(rtl).toContain('@top-left{content:"LAST";direction:rtl}');
    expect(rtl).toContain('@top-right{content:"FIRST";direction:rtl}');
    expect(rtl).toContain('@bottom-center{content:none;direction:rtl}');
  });

  it('number pages with CSS counters, and offer digits for the choice of fonts', () => {
    // Prepare
    const running = {
      header: EMPTY_ROW,
      footer: {
        start: ['Page ', { counter: 'page' as const }, ' of ', { counter: 'pages' as const }],
        center: [],
        end: [],
      },
    };

    // Act
    const css = runningCss(running, 'ltr');
    const text = runningText(running);

    // Assess
    expect(css).toContain('@bottom-left{content:"Page " counter(page) " of " counter(pages);');
    expect(text).toContain('Page 0123456789 of 0123456789');
  });

  it('isolate a value’s direction as <bdi> does', () => {
    expect(isolate('Omar')).toBe('\u2068Omar\u2069');
  });
});
