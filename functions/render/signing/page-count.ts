import { PdfDocument } from './pdf-document.ts';
import { PdfSyntaxError } from './pdf-syntax.ts';

/** The number of pages: /Count of the root /Pages of the newest revision. */
export function pdfPageCount(bytes: Uint8Array): number {
  const doc = PdfDocument.load(bytes);
  const pages = doc.dict(doc.catalog().dict.get('Pages'), 'page tree root');
  const count = doc.resolve(pages.get('Count'));
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    throw new PdfSyntaxError('page tree root has no valid /Count');
  }
  return count;
}
