/**
 * PAdES baseline signing of a printed PDF (B-B; B-T with an RFC 3161 time-stamp; B-LT with
 * a DSS dictionary of the chain and its CRLs), and the unsigned metadata-only variant.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { PdfMetadata, Signer } from '../ports.ts';
import { signedAttributes, signedData } from './cms.ts';
import { signedAttributesFor, signedDataFor } from './cms-template.ts';
import { type ValidationData, writeUpdate } from './incremental-update.ts';
import type { TimestampAuthority } from './timestamp.ts';

/** The PAdES baseline level a signature reaches (ETSI EN 319 142-1 §6). */
export type SignatureLevel = 'B-B' | 'B-T' | 'B-LT';

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
  /** The time-stamping authority for B-T; without one the signature is B-B. */
  timestampAuthority?: TimestampAuthority;
  /** Sign B-B when the authority fails (only when the district profile allows it). */
  allowBaselineB?: boolean;
  /** Chain certificates and CRLs for the DSS (B-LT, together with a time-stamp and a CRL). */
  validationData?: ValidationData;
  /**
   * The lowest level the district accepts: a signature that would fall short fails (the
   * signing step is retried, then dead-lettered) instead of being silently downgraded.
   */
  requiredLevel?: SignatureLevel;
}

const LEVEL_RANK: Readonly<Record<SignatureLevel, number>> = { 'B-B': 0, 'B-T': 1, 'B-LT': 2 };

/** The level `options` can reach at best, before the time-stamp is asked for. */
function reachableLevel(options: SignOptions): SignatureLevel {
  if (!options.timestampAuthority) return 'B-B';
  return (options.validationData?.crls.length ?? 0) > 0 ? 'B-LT' : 'B-T';
}

function assertLevel(level: SignatureLevel, options: SignOptions, why: string): void {
  const required = options.requiredLevel ?? 'B-B';
  if (LEVEL_RANK[level] < LEVEL_RANK[required])
    throw new Error(
      `sign PDF: the district requires PAdES ${required}, this signature would be ${level} (${why})`,
    );
}

/** Spare room in /Contents beyond the CMS's exact size (it is zero-padded). */
const CONTENTS_SLACK = 64;
/** Room for a time-stamp token: TSTInfo, its signature and the TSA's certificate chain. */
const TIMESTAMP_ROOM = 12_288;

/**
 * Signs `pdf` with one incremental update: metadata, catalog /Lang and
 * /ViewerPreferences, an AcroForm with an invisible signature field on page 1, and an
 * ETSI.CAdES.detached signature covering the whole file except the /Contents string.
 */
export async function signPdf(pdf: Uint8Array, options: SignOptions): Promise<Uint8Array> {
  return (await signPdfAtLevel(pdf, options)).pdf;
}

/** {@link signPdf}, also saying which baseline level the signature reached. */
export async function signPdfAtLevel(
  pdf: Uint8Array,
  options: SignOptions,
): Promise<{ pdf: Uint8Array; level: SignatureLevel }> {
  assertLevel(
    reachableLevel(options),
    options,
    !options.timestampAuthority ? 'no time-stamping authority' : 'no revocation data',
  );
  const certificates = await options.signer.certificates();
  const [signerCertificate] = certificates;
  if (!signerCertificate) throw new Error('sign PDF: the signer has no certificate');
  const modulusBits = modulusBitsOf(signerCertificate);
  if (!modulusBits) throw new Error('sign PDF: the signer certificate does not hold an RSA key');
  const signatureLength = Math.ceil(modulusBits / 8);
  const cmsLength = cmsLengthOf(certificates, signatureLength);
  const { file, signature: place } = writeUpdate(
    pdf,
    options.metadata,
    {
      reason: options.reason,
      location: options.location,
      signerName: options.signerName,
      signingTime: options.signingTime,
      contentsSize: cmsLength + CONTENTS_SLACK + (options.timestampAuthority ? TIMESTAMP_ROOM : 0),
    },
    options.timestampAuthority ? options.validationData : undefined,
  );
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
  const attributes = signedAttributesFor(digest, certificates, signatureLength);
  const signatureValue = await options.signer.sign(attributes);
  if (signatureValue.length !== signatureLength) {
    throw new Error('sign PDF: the signature does not match the certificate key size');
  }
  const token = await timestampOf(signatureValue, options);
  const cms = signedDataFor(attributes, certificates, signatureValue, token);
  if (2 * cms.length > place.contentsEnd - place.contentsStart - 2)
    throw new Error('sign PDF: the signature and its time-stamp do not fit in /Contents');
  // Lowercase hex, zero padding already in place.
  file.write(cms.toString('hex'), place.contentsStart + 1, 'latin1');
  const level: SignatureLevel = !token ? 'B-B' : reachableLevel(options);
  assertLevel(level, options, 'the time-stamp failed');
  return { pdf: new Uint8Array(file.buffer, file.byteOffset, file.length), level };
}

/**
 * The authority's token for the signature value (ETSI EN 319 142-1 §5.3). A failure fails
 * the signing, like any infrastructure failure, unless the profile accepts B-B.
 */
async function timestampOf(
  signatureValue: Uint8Array,
  options: SignOptions,
): Promise<Uint8Array | undefined> {
  const authority = options.timestampAuthority;
  if (!authority) return undefined;
  try {
    return await authority.timestamp(signatureValue);
  } catch (cause) {
    if (options.allowBaselineB) return undefined;
    throw new Error(`sign PDF: time-stamp from ${authority.name} failed`, { cause });
  }
}

/** CMS sizes by signer certificate (and signature length): one chain per signer certificate. */
const cmsLengthByCertificate = new WeakMap<Uint8Array, Map<number, number>>();

/** The CMS's length: the same whatever the digest and signature bytes are. */
function cmsLengthOf(certificates: readonly Uint8Array[], signatureLength: number): number {
  const [signer] = certificates as [Uint8Array];
  const lengths = cmsLengthByCertificate.get(signer) ?? new Map<number, number>();
  cmsLengthByCertificate.set(signer, lengths);
  let length = lengths.get(signatureLength);
  if (length === undefined) {
    length = signedData(
      signedAttributes(new Uint8Array(32), certificates),
      certificates,
      new Uint8Array(signatureLength),
    ).length;
    lengths.set(signatureLength, length);
  }
  return length;
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
