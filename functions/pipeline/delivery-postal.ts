/**
 * A postal packet: the cover letter, then each document, in one print-ready, tagged PDF that
 * is signed as a whole, so the paper a parent receives verifies like the documents do. Each
 * part starts on a front side (a blank page is added after a part with an odd page count), so
 * the packet prints duplex as well as simplex.
 *
 * The documents' own signatures cover their own files only: the packet carries their pages
 * and structure (see render/tagged-merge.ts) and one signature of its own; the signed
 * originals stay in S3 and behind the download link.
 */
import { createHash } from 'node:crypto';
import type { PdfMetadata, Signer } from '../render/ports.ts';
import { signPdf } from '../render/signing/index.ts';
import { type MergePart, mergeTaggedPdfs } from '../render/tagged-merge.ts';
import type { TrustedSigning } from '../render/trusted-signing.ts';

/** How the packet is signed: the district's identity and trust services, as on its documents. */
export interface PacketSigning extends TrustedSigning {
  signer: Signer;
  reason: string;
  location: string;
  signerName: string;
  signingTime: Date;
  /** Title (no student data), author, subject and the recipient's language. */
  metadata: PdfMetadata;
}

/** Joins the cover letter and the documents into one packet and signs it. */
export async function assemblePacket(
  parts: readonly Omit<MergePart, 'padToEven'>[],
  signing: PacketSigning,
): Promise<{ pdf: Uint8Array; pages: number; sha256: string }> {
  const merged = await mergeTaggedPdfs(parts.map((part) => ({ ...part, padToEven: true })));
  const pdf = await signPdf(merged.pdf, signing);
  return {
    pdf,
    pages: merged.pages,
    sha256: createHash('sha256').update(pdf).digest('hex'),
  };
}
