/**
 * The last steps every notice shares (a calendar notice, a notice of meeting): print the composed
 * page, sign the PDF as the district (with time-stamp and validation data where the profile's
 * trust gives them), and describe the result as a `RenderedDocument` with its hashes and the
 * time each stage took. The documents' own path is the engine's (engine.ts).
 */
import { createHash } from 'node:crypto';
import type { DistrictProfile } from '../core/district.ts';
import { printJobSha256, type RenderedDocument, type SigningTrust } from './engine.ts';
import type { PdfMetadata, PdfPrinter, PrintJob, Signer } from './ports.ts';
import { pdfPageCount, signPdf } from './signing/index.ts';
import { trustedSigning } from './trusted-signing.ts';

/** What printing and signing a notice needs (a notice renderer's deps fit). */
export interface SignedNoticeDeps {
  printer: PdfPrinter;
  signer: Signer;
  clock: () => Date;
  trust?: SigningTrust;
}

/** The notice being made: its identity, its district, its PDF metadata. */
export interface NoticeToSign {
  documentId: string;
  type: RenderedDocument['type'];
  language: string;
  district: DistrictProfile;
  metadata: PdfMetadata;
  /** Milliseconds spent composing `job` (the template stage). */
  templateMs: number;
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/** Prints `job`, signs it as `notice.district`, and returns the signed notice. */
export async function printSignedNotice(
  deps: SignedNoticeDeps,
  job: PrintJob,
  notice: NoticeToSign,
): Promise<RenderedDocument> {
  const { district } = notice;
  const t1 = performance.now();
  const printed = await deps.printer.print(job);
  const t2 = performance.now();
  const pdf = await signPdf(printed, {
    signer: deps.signer,
    reason: district.signing.reason,
    location: district.signing.location,
    signerName: district.name,
    signingTime: deps.clock(),
    metadata: notice.metadata,
    ...(await trustedSigning(deps.trust, district)),
  });
  const t3 = performance.now();
  return {
    documentId: notice.documentId,
    type: notice.type,
    language: notice.language,
    pdf,
    sha256: sha256(pdf),
    htmlSha256: printJobSha256(job),
    pages: pdfPageCount(pdf),
    bytes: pdf.byteLength,
    signed: true,
    timings: { template: notice.templateMs, pdf: t2 - t1, sign: t3 - t2 },
  };
}
