/**
 * Storing a rendered PDF exactly once, for every path that makes documents (a decision's
 * documents, a regenerated rendition, a calendar notice): the PDF goes to S3 under a key
 * derived from the document's identity (a conditional put in AWS), then its record is written
 * with attribute_not_exists(documentId), which holds where S3 emulators ignore the condition.
 * A retry after a crash finds the object a dead attempt stored and records what is stored,
 * not what it rendered again (the signed bytes always differ).
 */
import { createHash, X509Certificate } from 'node:crypto';
import { documentS3Key } from '../core/documents.ts';
import type { RenderedDocument } from '../render/engine.ts';
import { pdfPageCount, verifyPdf } from '../render/signing/index.ts';
import type { DocumentRecord, DocumentRecords, DocumentStore } from './ports.ts';

export interface StoreDocumentDeps {
  records: DocumentRecords;
  store: DocumentStore;
  /** The signing certificate's subject, recorded with each document. */
  signerName: string;
  /** The record's creation time (ISO). */
  now: () => string;
}

/** The decision a document belongs to. */
export type DocumentOwner = { districtId: string; decisionId: string; version: number };

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** The serial and issuer of the certificate that signed `pdf` (the file's own, not the signer's current one). */
export function signingCertificateOf(
  pdf: Uint8Array,
): { signerSerial: string; signerIssuer: string } | undefined {
  const certificate = verifyPdf(pdf).evidence?.signerCertificate;
  if (!certificate) return undefined;
  const x509 = new X509Certificate(certificate);
  return { signerSerial: x509.serialNumber, signerIssuer: x509.issuer.replace(/\n/g, ', ') };
}

/** Stores `doc` once and records it once; `created` is false when another attempt recorded it first. */
export async function storeDocumentOnce(
  deps: StoreDocumentDeps,
  owner: DocumentOwner,
  doc: RenderedDocument,
  rendition = 1,
): Promise<{ record: DocumentRecord; created: boolean }> {
  const s3Key = documentS3Key({ ...owner, type: doc.type, language: doc.language, rendition });
  const put = await deps.store.putOnce(s3Key, doc.pdf, {
    contentType: 'application/pdf',
    sha256Hex: doc.sha256,
    metadata: {
      'document-id': doc.documentId,
      'decision-id': owner.decisionId,
      version: String(owner.version),
      ...(rendition > 1 ? { rendition: String(rendition) } : {}),
    },
  });
  const bytes = put.created ? doc.pdf : await deps.store.get(s3Key);
  const record: DocumentRecord = {
    documentId: doc.documentId,
    districtId: owner.districtId,
    decisionId: owner.decisionId,
    version: owner.version,
    type: doc.type,
    language: doc.language,
    rendition,
    s3Key,
    ...(put.versionId ? { s3VersionId: put.versionId } : {}),
    sha256: put.created ? doc.sha256 : sha256(bytes),
    htmlSha256: doc.htmlSha256,
    bytes: bytes.byteLength,
    pages: put.created ? doc.pages : pdfPageCount(bytes),
    signed: doc.signed,
    signer: deps.signerName,
    ...(doc.signed ? signingCertificateOf(bytes) : {}),
    createdAt: deps.now(),
  };
  if (await deps.records.putOnce(record)) return { record, created: true };
  const winner = await deps.records.get(doc.documentId);
  if (!winner)
    throw new Error(`document record ${doc.documentId} vanished after a conditional write failed`);
  return { record: winner, created: false };
}
