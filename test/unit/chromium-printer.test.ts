import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChromiumPrinter,
  type EmbeddedFontFace,
  fontFaceRules,
  fontWarmUpHtml,
  headerFooterTemplate,
  launchPrinter,
} from '../../functions/render/chromium.ts';
import { readPdf } from './chromium-pdf-reader.ts';

const require = createRequire(import.meta.url);

function notoSans(file: string): string {
  const path = require.resolve(`@fontsource/noto-sans/files/${file}`);
  return `data:font/woff2;base64,${readFileSync(path).toString('base64')}`;
}

const latinFace: EmbeddedFontFace = {
  family: 'Noto Sans',
  dataUrl: notoSans('noto-sans-latin-400-normal.woff2'),
};

const fonts: EmbeddedFontFace[] = [
  latinFace,
  { family: 'Noto Sans', weight: 700, dataUrl: notoSans('noto-sans-latin-700-normal.woff2') },
];

function documentHtml(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>IEP</title>
    <style>${fontFaceRules(fonts)} body { font-family: 'Noto Sans'; }</style></head>
    <body>${body}</body></html>`;
}

const plainJob = { headerTemplate: '<span></span>', footerTemplate: '<span></span>' };

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
    const reading = await readPdf(await printer.print({ html, ...plainJob }));

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
    const reading = await readPdf(await printer.print({ html, ...plainJob }));

    // Assess
    expect(reading.marked).toBe(true);
    expect(reading.hasStructTree).toBe(true);
    expect(reading.outlineTitles).toEqual([
      'Individualized Education Program',
      'Present Levels',
      'Annual Goals',
    ]);
  });

  it('prints header and footer in the embedded font, with page numbers', async () => {
    // Prepare: the body uses only the regular face; the warm-up makes the page load the bold one.
    const paragraphs = '<p>Line of the goals section.</p>'.repeat(150);
    const html = documentHtml(`${fontWarmUpHtml(fonts)}<h1>Goals</h1>${paragraphs}`);
    const headerTemplate = headerFooterTemplate('<b>HEADER-DISTRICT</b> HEADER-TITLE', { fonts });
    const footerTemplate = headerFooterTemplate(
      'Page <span class="pageNumber"></span> of <span class="totalPages"></span>',
      { fonts },
    );

    // Act
    const reading = await readPdf(await printer.print({ html, headerTemplate, footerTemplate }));

    // Assess
    const fontOf = (text: string) => reading.firstPageRuns.find((run) => run.text === text)?.font;
    expect(reading.pageCount).toBeGreaterThan(2);
    expect(fontOf('HEADER-DISTRICT')).toBe('NotoSans-Bold');
    expect(fontOf('HEADER-TITLE')).toBe('NotoSans-Regular');
    expect(fontOf(`Page 1 of ${reading.pageCount}`)).toBe('NotoSans-Regular');
  });

  it('prints a footer in a script the body does not use, when the page warms its face up', async () => {
    // Prepare: Fontsource splits faces by unicode-range; the body is English, the footer Russian.
    const splitFaces: EmbeddedFontFace[] = [
      { ...latinFace, unicodeRange: 'U+0000-00FF,U+2000-206F' },
      {
        family: 'Noto Sans',
        dataUrl: notoSans('noto-sans-cyrillic-400-normal.woff2'),
        unicodeRange: 'U+0301,U+0400-045F,U+0490-0491,U+04B0-04B1,U+2116',
      },
    ];
    const footerText = 'Страница';
    const html = `<!doctype html><html lang="en"><head><style>${fontFaceRules(splitFaces)}
      body { font-family: 'Noto Sans'; }</style></head>
      <body>${fontWarmUpHtml(splitFaces, footerText)}<p>English body.</p></body></html>`;
    const footerTemplate = headerFooterTemplate(footerText, { fonts: splitFaces });

    // Act
    const pdf = await printer.print({ html, headerTemplate: '<span></span>', footerTemplate });

    // Assess
    const footer = (await readPdf(pdf)).firstPageRuns.find((run) => run.text === footerText);
    expect(footer?.font).toBe('NotoSans-Regular');
  });

  it('keeps concurrent prints apart', async () => {
    // Prepare
    const markers = ['FIRST-DOCUMENT', 'SECOND-DOCUMENT', 'THIRD-DOCUMENT'];

    // Act
    const pdfs = await Promise.all(
      markers.map((marker) =>
        printer.print({ html: documentHtml(`<h1>${marker}</h1>`), ...plainJob }),
      ),
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
    const reading = await readPdf(await printer.print({ html, ...plainJob }));

    // Assess
    expect(reading.text).toContain('STAYS-HERE');
  });
});
