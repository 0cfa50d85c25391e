import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { threadCpuMs } from '../../bench/stats.ts';
import { type ChromiumPrinter, launchPrinter } from '../../functions/render/chromium.ts';
import { FONT_ORIGIN, fontAt, fontFaceCss, inlineFonts } from '../../functions/render/fonts.ts';
import { runningCss } from '../../functions/render/running.ts';
import { readPdf } from './chromium-pdf-reader.ts';

const require = createRequire(import.meta.url);

function notoSans(file: string): string {
  const path = require.resolve(`@fontsource/noto-sans/files/${file}`);
  return `data:font/woff2;base64,${readFileSync(path).toString('base64')}`;
}

/** `@font-face` rules: a face of Noto Sans, optionally for a Unicode range only. */
function face(file: string, weight = 400, unicodeRange?: string): string {
  const range = unicodeRange === undefined ? '' : `unicode-range:${unicodeRange};`;
  return `@font-face{font-family:'Noto Sans';font-weight:${weight};src:url(${notoSans(file)});${range}}`;
}

const FACES = `${face('noto-sans-latin-400-normal.woff2')}${face('noto-sans-latin-700-normal.woff2', 700)}`;

function documentHtml(body: string, css = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>IEP</title>
    <style>${FACES} html { font-family: 'Noto Sans'; } @page { font-family: 'Noto Sans'; } ${css}</style></head>
    <body>${body}</body></html>`;
}

/** Invisible text, as the templates' font warm-up. */
const warmUp = (text: string) =>
  `<div style="position:absolute;visibility:hidden;height:0;overflow:hidden">${text}</div>`;

describe('the Chromium printer', () => {
  let printer: ChromiumPrinter;

  beforeAll(async () => {
    printer = await launchPrinter();
  });

  afterAll(async () => {
    await printer?.close();
  });

  it('does not run the document’s scripts', async () => {
    // Prepare
    const html = documentHtml(
      `<p>STATIC-TEXT</p>
       <script>document.write('SCRIPT-WROTE-THIS');</script>
       <script>document.body.append('SCRIPT-APPENDED-THIS');</script>
       <img src="data:," onerror="document.body.append('HANDLER-RAN')" alt="">`,
    );

    // Act
    const reading = await readPdf(await printer.print({ html }));

    // Assess
    expect(reading.text).toContain('STATIC-TEXT');
    expect(reading.text).not.toContain('SCRIPT-WROTE-THIS');
    expect(reading.text).not.toContain('SCRIPT-APPENDED-THIS');
    expect(reading.text).not.toContain('HANDLER-RAN');
  });

  it('prints a tagged PDF with an outline of the headings', async () => {
    // Prepare
    const html = documentHtml(
      `<h1>Individualized Education Program</h1><p>Intro.</p>
       <h2>Present Levels</h2><p>Text.</p><h2>Annual Goals</h2><p>Text.</p>`,
    );

    // Act
    const reading = await readPdf(await printer.print({ html }));

    // Assess
    expect(reading.marked).toBe(true);
    expect(reading.hasStructTree).toBe(true);
    expect(reading.outlineTitles).toEqual([
      'Individualized Education Program',
      'Present Levels',
      'Annual Goals',
    ]);
  });

  it('prints the running header and footer in the embedded font, with page numbers', async () => {
    // Prepare
    const paragraphs = '<p>Line of the goals section.</p>'.repeat(150);
    const running = runningCss(
      {
        header: { start: ['HEADER-STUDENT'], center: [], end: ['HEADER-SCHOOL'] },
        footer: {
          start: ['Page ', { counter: 'page' }, ' of ', { counter: 'pages' }],
          center: [],
          end: [],
        },
      },
      'ltr',
    );
    const html = documentHtml(
      `<h1>Goals</h1>${paragraphs}`,
      `${running} @page { @top-right { font-weight: 700 } }`,
    );

    // Act
    const reading = await readPdf(await printer.print({ html }));

    // Assess
    const fontOf = (text: string) => reading.firstPageRuns.find((run) => run.text === text)?.font;
    expect(reading.pageCount).toBeGreaterThan(2);
    expect(fontOf('HEADER-STUDENT')).toBe('NotoSans-Regular');
    expect(fontOf('HEADER-SCHOOL')).toBe('NotoSans-Bold');
    expect(fontOf(`Page 1 of ${reading.pageCount}`)).toBe('NotoSans-Regular');
  });

  it('prints a footer in a script the body does not use, when the page warms its face up', async () => {
    // Prepare: Fontsource splits faces by unicode-range; the body is English, the footer Russian.
    const footerText = 'Страница';
    const css = `${face('noto-sans-cyrillic-400-normal.woff2', 400, 'U+0400-045F')} ${runningCss(
      {
        header: { start: [], center: [], end: [] },
        footer: { start: [footerText], center: [], end: [] },
      },
      'ltr',
    )}`;
    const html = documentHtml(`${warmUp(footerText)}<p>English body.</p>`, css);

    // Act
    const pdf = await printer.print({ html });

    // Assess
    const footer = (await readPdf(pdf)).firstPageRuns.find((run) => run.text === footerText);
    expect(footer?.font).toBe('NotoSans-Regular');
  });

  it('serves each font from memory once, however many documents use it', async () => {
    // Prepare: the product's own faces, by URL; a fresh printer, whose cache holds nothing yet.
    const css = fontFaceCss('Goals and services');
    const fresh = await launchPrinter({ memoryReliefEvery: 1_000 });
    const html = (text: string) =>
      `<!doctype html><html lang="en"><head><style>${css} html { font-family: 'Noto Sans'; }</style></head><body><p>${text}</p></body></html>`;

    try {
      // Act
      const first = await fresh.print({ html: html('Goals one') });
      const servedForOne = fresh.fontsServed;
      await fresh.print({ html: html('Services two') });
      const third = await fresh.print({ html: html('Goals and services three') });

      // Assess: the regular face was fetched for the first document only.
      expect(servedForOne).toBe(1);
      expect(fresh.fontsServed).toBe(servedForOne);
      for (const pdf of [first, third]) {
        const runs = (await readPdf(pdf)).firstPageRuns;
        expect(runs.find((run) => /one|three/.test(run.text))?.font).toBe('NotoSans-Regular');
      }
    } finally {
      await fresh.close();
    }
  });

  it('answers only the URLs of the product’s fonts, and can inline them for another browser', () => {
    // Prepare
    const css = fontFaceCss('Goals');
    const url = /url\((https:[^)]+)\)/.exec(css)?.[1] ?? '';

    // Act
    const known = fontAt(url);
    const unknown = fontAt(`${FONT_ORIGIN}/0000000000000000/etc-passwd.woff2`);
    const inlined = inlineFonts(`<style>${css}</style>`);

    // Assess
    expect(url.startsWith(`${FONT_ORIGIN}/`)).toBe(true);
    expect(known?.subarray(0, 4).toString('latin1')).toBe('wOF2');
    expect(unknown).toBeUndefined();
    expect(inlined).not.toContain(FONT_ORIGIN);
    expect(inlined).toContain('url(data:font/woff2;base64,d09GMg');
  });

  it('keeps concurrent prints apart', async () => {
    // Prepare
    const markers = ['FIRST-DOCUMENT', 'SECOND-DOCUMENT', 'THIRD-DOCUMENT'];

    // Act
    const pdfs = await Promise.all(
      markers.map((marker) => printer.print({ html: documentHtml(`<h1>${marker}</h1>`) })),
    );

    // Assess
    const texts = await Promise.all(pdfs.map(async (pdf) => (await readPdf(pdf)).text));
    texts.forEach((text, index) => {
      expect(text).toContain(markers[index]);
      for (const other of markers.filter((_, i) => i !== index)) expect(text).not.toContain(other);
    });
  });

  it('keeps printing a document that asks to navigate away', async () => {
    // Prepare
    const html = documentHtml(
      '<meta http-equiv="refresh" content="0; url=http://example.invalid/"><h1>STAYS-HERE</h1>',
    );

    // Act
    const reading = await readPdf(await printer.print({ html }));

    // Assess
    expect(reading.text).toContain('STAYS-HERE');
  });

  it('prints without drawing frames for a screen', async () => {
    // Prepare: Chromium's display compositor thread composites every frame a page draws.
    const html = documentHtml(
      `<h1>NO FRAMES</h1>${'<p>A paragraph of the offer.</p>'.repeat(200)}`,
    );
    await printer.print({ html });
    const pid = printer.browserProcessId;
    if (pid === undefined) throw new Error('the printer has no browser process');
    const before = threadCpuMs(pid, 'VizCompositorTh');

    // Act
    for (let i = 0; i < 40; i++) await printer.print({ html });

    // Assess: idle, at most one 10 ms tick (without `--enable-begin-frame-control`: 1.5 ms per
    // print here, 60 ms over 40).
    expect(threadCpuMs(pid, 'VizCompositorTh') - before).toBeLessThanOrEqual(10);
  });
});
