/**
 * A postal packet: the cover letter, then each document, in one print-ready PDF. Each part
 * starts on a front side (a blank page is added after a part with an odd page count), so the
 * packet prints duplex as well as simplex.
 *
 * The signed documents' pages are copied into the packet, so the packet itself is not
 * signed: it is for paper. The signed originals stay in S3 and behind the download link.
 */
import { createHash } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';

/** Letter size in PDF points. */
const LETTER: [number, number] = [612, 792];

/** Concatenates PDFs into one packet; `title` goes into the packet's metadata (no student data). */
export async function assemblePacket(
  parts: Uint8Array[],
  title: string,
): Promise<{ pdf: Uint8Array; pages: number; sha256: string }> {
  const packet = await PDFDocument.create();
  packet.setTitle(title);
  packet.setProducer('iep-docs');
  packet.setCreator('iep-docs');
  for (const bytes of parts) {
    const source = await PDFDocument.load(bytes, { updateMetadata: false });
    const pages = await packet.copyPages(source, source.getPageIndices());
    for (const page of pages) packet.addPage(page);
    if (pages.length % 2 === 1) packet.addPage(LETTER);
  }
  const pdf = await packet.save();
  return {
    pdf,
    pages: packet.getPageCount(),
    sha256: createHash('sha256').update(pdf).digest('hex'),
  };
}
