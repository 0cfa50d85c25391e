/**
 * PAdES baseline B-B signing of a printed PDF, and the unsigned metadata-only variant.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { PdfMetadata, Signer } from '../ports.ts';
import { signedAttributes, signedData } from './cms.ts';
import { writeUpdate } from './incremental-update.ts';

/** What to sign and how the signature describes itself. */
export interface SignOptions {
  signer: Signer;
  /** /Reason, e.g. "Official IEP document issued by the district". */
  reason: string;
  /** /Location, e.g. the district. */
  location: string;
  /** /Name; viewers otherwise show the certificate's subject. */
  signerName?: string;
  /** Written as /M (PAdES B-B carries no signing time inside the CMS). */
  signingTime: Date;
  metadata: PdfMetadata;
}

/** Spare room in /Contents beyond the CMS's exact size (it is zero-padded). */
const CONTENTS_SLACK = 64;

/**
 * Signs `pdf` with one incremental update: metadata, catalog /Lang and
 * /ViewerPreferences, an AcroForm with an invisible signature field on page 1, and an
 * ETSI.CAdES.detached signature covering the whole file except the /Contents string.
 */
export async function signPdf(pdf: Uint8Array, options: SignOptions): Promise<Uint8Array> {
  const certificates = await options.signer.certificates();
  const [signerCertificate] = certificates;
  if (!signerCertificate) throw new Error('sign PDF: the signer has no certificate');
  const modulusBits = modulusBitsOf(signerCertificate);
  if (!modulusBits) throw new Error('sign PDF: the signer certificate does not hold an RSA key');
  const signatureLength = Math.ceil(modulusBits / 8);
  // The CMS has the same size whatever the digest and signature bytes are.
  const sizing = signedData(
    signedAttributes(new Uint8Array(32), certificates),
    certificates,
    new Uint8Array(signatureLength),
  );
  const { file, signature: place } = writeUpdate(pdf, options.metadata, {
    reason: options.reason,
    location: options.location,
    signerName: options.signerName,
    signingTime: options.signingTime,
    contentsSize: sizing.length + CONTENTS_SLACK,
  });
  if (!place) throw new Error('sign PDF: no signature placeholder');
  const byteRange = [0, place.contentsStart, place.contentsEnd, file.length - place.contentsEnd];
  const rangeText = `[${byteRange.join(' ')}]`;
  if (rangeText.length > place.byteRangeLength)
    throw new Error('sign PDF: /ByteRange does not fit');
  file.write(rangeText, place.byteRangeStart, 'latin1');

  const digest = createHash('sha256')
    .update(file.subarray(0, place.contentsStart))
    .update(file.subarray(place.contentsEnd))
    .digest();
  const attributes = signedAttributes(digest, certificates);
  const signatureValue = await options.signer.sign(attributes);
  if (signatureValue.length !== signatureLength) {
    throw new Error('sign PDF: the signature does not match the certificate key size');
  }
  const cms = signedData(attributes, certificates, signatureValue);
  // Lowercase hex, zero padding already in place.
  file.write(cms.toString('hex'), place.contentsStart + 1, 'latin1');
  return new Uint8Array(file.buffer, file.byteOffset, file.length);
}

/** RSA modulus sizes by certificate: a signer hands out the same certificate objects each time. */
const modulusBitsByCertificate = new WeakMap<Uint8Array, number | undefined>();

function modulusBitsOf(certificate: Uint8Array): number | undefined {
  if (!modulusBitsByCertificate.has(certificate)) {
    modulusBitsByCertificate.set(
      certificate,
      new X509Certificate(certificate).publicKey.asymmetricKeyDetails?.modulusLength,
    );
  }
  return modulusBitsByCertificate.get(certificate);
}

/** The same incremental update without a signature, for unsigned draft previews. */
export function addMetadata(pdf: Uint8Array, metadata: PdfMetadata): Uint8Array {
  const { file } = writeUpdate(pdf, metadata);
  return new Uint8Array(file.buffer, file.byteOffset, file.length);
}
