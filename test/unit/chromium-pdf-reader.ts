/** Reads what a printed PDF means (text, tags, outline, fonts) with pdf.js, for the printer tests. */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** What the printer tests assert about a PDF. */
export interface PdfReading {
  pageCount: number;
  /** All text of all pages, items joined by spaces. */
  text: string;
  /** The catalog's /MarkInfo says the document is tagged. */
  marked: boolean;
  /** Page 1 has a structure tree (the catalog's /StructTreeRoot). */
  hasStructTree: boolean;
  /** Titles of the outline's top-level entries and their children, depth first. */
  outlineTitles: string[];
  /** Each text item of page 1 with the base name of its embedded font (subset prefix dropped). */
  firstPageRuns: { text: string; font: string }[];
}

/** Opens `pdf` with pdf.js as every test reader does: no eval, no console noise. */
export function openPdf(pdf: Uint8Array) {
  return getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, verbosity: 0 }).promise;
}

/** Opens `pdf` with pdf.js and reads it. */
export async function readPdf(pdf: Uint8Array): Promise<PdfReading> {
  const document = await openPdf(pdf);
  try {
    const texts: string[] = [];
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      texts.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
    }
    const firstPage = await document.getPage(1);
    await firstPage.getOperatorList();
    const firstPageRuns = (await firstPage.getTextContent()).items.flatMap((item) => {
      if (!('str' in item) || item.str.trim() === '') return [];
      const font = firstPage.commonObjs.get(item.fontName) as { name?: string } | undefined;
      return [{ text: item.str, font: (font?.name ?? '').replace(/^[A-Z]{6}\+/, '') }];
    });
    const markInfo = await document.getMarkInfo();
    const outline = (await document.getOutline()) ?? [];
    const outlineTitles: string[] = [];
    const walk = (items: typeof outline): void => {
      for (const item of items) {
        outlineTitles.push(item.title);
        walk(item.items);
      }
    };
    walk(outline);
    return {
      pageCount: document.numPages,
      text: texts.join('\n'),
      marked: markInfo?.Marked === true,
      hasStructTree: (await firstPage.getStructTree()) !== null,
      outlineTitles,
      firstPageRuns,
    };
  } finally {
    await document.destroy();
  }
}
