/**
 * Verifies a PAdES signature written by `signPdf`, strictly: any changed byte anywhere
 * in the file, and any update appended after the signature, makes it not intact.
 */
import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import { issuerSerialOf } from './cms.ts';
import {
  CmsError,
  type ParsedSignedData,
  parseSignedData,
  type ReadSignedData,
} from './cms-reader.ts';
import { PdfDocument } from './pdf-document.ts';
import {
  decodeText,
  type PdfDict,
  PdfName,
  type PdfObject,
  PdfStream,
  PdfString,
  parsePdfDate,
} from './pdf-syntax.ts';

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

/** The outcome of checking a signed PDF. */
export interface VerifyResult {
  /** True only when the signature is valid and covers every byte of the file. */
  intact: boolean;
  /** Why it is not intact (empty when intact). */
  problems: string[];
  /** The signer certificate's subject common name. */
  signer?: string;
  /** The signature dictionary's /M, ISO 8601. */
  signingTime?: string;
  /** SHA-256 of the whole file, hex. */
  sha256: string;
  subFilter?: string;
  /** What trust validation needs from an intact signature (see `validate.ts`). */
  evidence?: SignatureEvidence;
}

/** The signature's certificates, time-stamp and the document's validation data. */
export interface SignatureEvidence {
  signerCertificate: Buffer;
  certificates: Buffer[];
  signatureValue: Buffer;
  timestampToken?: Buffer;
  /** The DSS's certificates and CRLs (PAdES B-LT). */
  dssCertificates: Buffer[];
  dssCrls: Buffer[];
  /** The Info dictionary's /Keywords: document id, decision id, "vN". */
  keywords?: string;
}

/** Checks the PDF's signature; never throws for a malformed file (it reports it). */
export function verifyPdf(bytes: Uint8Array): VerifyResult {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const result: VerifyResult = { intact: false, problems: [], sha256 };
  try {
    checkSignature(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), result);
  } catch (error) {
    result.problems.push(`cannot read the signature: ${(error as Error).message}`);
  }
  result.intact = result.problems.length === 0;
  return result;
}

function checkSignature(file: Buffer, result: VerifyResult): void {
  const doc = PdfDocument.load(file);
  const signature = findSignature(doc);
  if (!signature) {
    result.problems.push('no signature');
    return;
  }
  const { problems } = result;
  const subFilter = signature.get('SubFilter');
  if (subFilter instanceof PdfName) result.subFilter = subFilter.name;
  if (result.subFilter !== 'ETSI.CAdES.detached')
    problems.push('sub-filter is not ETSI.CAdES.detached');
  const time = signature.get('M');
  if (time instanceof PdfString) result.signingTime = parsePdfDate(decodeText(time));
  if (!result.signingTime) problems.push('the signature has no valid signing time /M');

  const signed = signedRange(file, signature, problems);
  if (!signed) return;
  const { gapStart, gapEnd, tailLength, der } = signed;
  let read: ReadSignedData;
  try {
    read = parseSignedData(der);
  } catch (error) {
    if (!(error instanceof CmsError)) throw error;
    problems.push(error.message);
    return;
  }
  const cms = read.parsed;
  const covered = createHash('sha256')
    .update(file.subarray(0, gapStart))
    .update(file.subarray(gapEnd, gapEnd + tailLength))
    .digest();
  if (!sameBytes(covered, cms.messageDigest)) {
    problems.push('the document digest does not match the signed messageDigest');
  }
  checkCertificates(cms, result);
  // Last, as it costs the most: the CMS is the DER of what was read, followed by zeros only.
  if (problems.length === 0) {
    const encoded = read.encoded();
    if (!encoded.equals(der.subarray(0, encoded.length))) {
      problems.push('the CMS is not in DER, or not the shape written here');
    } else if (der.subarray(encoded.length).some((byte) => byte !== 0)) {
      problems.push('the /Contents padding after the CMS is not all zeros');
    }
  }
  collectEvidence(doc, cms, result);
}

/**
 * Where the signature's /ByteRange leaves its gap, checked to be exactly the canonical hex
 * /Contents string, and the DER it holds; undefined (with the problem noted) when it is not.
 */
function signedRange(
  file: Buffer,
  signature: PdfDict,
  problems: string[],
): { gapStart: number; gapEnd: number; tailLength: number; der: Buffer } | undefined {
  const contents = signature.get('Contents');
  const byteRange = signature.get('ByteRange');
  if (!(contents instanceof PdfString) || !contents.hex || contents.start < 0) {
    problems.push('the signature /Contents is not a hex string');
    return undefined;
  }
  if (!isByteRange(byteRange)) {
    problems.push('the signature /ByteRange is not four non-negative integers');
    return undefined;
  }
  const [start, gapStart, gapEnd, tailLength] = byteRange;
  if (start !== 0) problems.push('the /ByteRange does not start at the beginning of the file');
  if (gapStart !== contents.start || gapEnd !== contents.end) {
    problems.push('the /ByteRange gap is not exactly the /Contents string');
    return undefined;
  }
  if (gapEnd + tailLength > file.length) {
    problems.push('the /ByteRange runs past the end of the file');
    return undefined;
  }
  if (gapEnd + tailLength < file.length)
    problems.push('an incremental update follows the signature');

  if (file[gapStart] !== 0x3c || file[gapEnd - 1] !== 0x3e) {
    problems.push('the /ByteRange gap is not exactly the /Contents string');
    return undefined;
  }
  const hex = file.toString('latin1', gapStart + 1, gapEnd - 1);
  // One case throughout: a case-flipped digit is a changed byte, not the same value.
  if (!/^(?:[0-9a-f]*|[0-9A-F]*)$/.test(hex) || hex.length % 2) {
    problems.push('the /Contents hex string is not canonical');
    return undefined;
  }
  const der = Buffer.from(hex, 'hex');
  return { gapStart, gapEnd, tailLength, der };
}

function collectEvidence(doc: PdfDocument, cms: ParsedSignedData, result: VerifyResult): void {
  const signerCertificate = signerCertificateOf(cms);
  if (!signerCertificate) return;
  const dss = doc.resolve(doc.catalog().dict.get('DSS'));
  const streams = (key: string): Buffer[] => {
    const list = dss instanceof Map ? doc.resolve(dss.get(key)) : undefined;
    if (!Array.isArray(list)) return [];
    return list
      .map((item) => doc.resolve(item))
      .filter((item): item is PdfStream => item instanceof PdfStream && !item.dict.has('Filter'))
      .map((item) => Buffer.from(item.data));
  };
  const info = doc.resolve(doc.trailer.get('Info'));
  const keywords = info instanceof Map ? info.get('Keywords') : undefined;
  result.evidence = {
    signerCertificate,
    certificates: cms.certificates,
    signatureValue: cms.signature,
    ...(cms.timestampToken ? { timestampToken: cms.timestampToken } : {}),
    dssCertificates: streams('Certs'),
    dssCrls: streams('CRLs'),
    ...(keywords instanceof PdfString ? { keywords: decodeText(keywords) } : {}),
  };
}

/** The carried certificate the SignerInfo names by issuer and serial number. */
function signerCertificateOf(cms: ParsedSignedData): Buffer | undefined {
  const index = cms.identities.findIndex(
    ({ issuer, serial }) =>
      sameBytes(issuer, cms.signer.issuer) && sameBytes(serial, cms.signer.serial),
  );
  return cms.certificates[index];
}

function checkCertificates(cms: ParsedSignedData, result: VerifyResult): void {
  const { problems } = result;
  const signerDer = signerCertificateOf(cms);
  if (!signerDer) {
    problems.push('the signer certificate is not in the CMS');
    return;
  }
  const certificate = new X509Certificate(signerDer);
  result.signer = commonName(certificate.subject);
  if (!verifySignature('sha256', cms.signedAttributes, certificate.publicKey, cms.signature)) {
    problems.push('the signature does not verify with the signer certificate');
  }
  // signing-certificate-v2 names the signer first and, here, every certificate carried.
  const hashOf = (der: Buffer): Buffer => createHash('sha256').update(der).digest();
  if (!sameBytes(cms.certificateHashes[0] as Buffer, hashOf(signerDer))) {
    problems.push('signing-certificate-v2 does not match the signer certificate');
  }
  cms.issuerSerials.forEach((encoded, i) => {
    const listed = cms.certificates.findIndex((der) =>
      sameBytes(hashOf(der), cms.certificateHashes[i] as Buffer),
    );
    const identity = cms.identities[listed];
    if (encoded && identity && !sameBytes(encoded, issuerSerialOf(identity))) {
      problems.push('signing-certificate-v2 issuerSerial does not match its certificate');
    }
  });
  for (const der of cms.certificates) {
    const hash = hashOf(der);
    if (!cms.certificateHashes.some((listed) => sameBytes(listed, hash))) {
      problems.push('the CMS carries a certificate the signature does not cover');
    }
  }
}

function commonName(subject: string): string | undefined {
  const line = subject.split('\n').find((part) => part.startsWith('CN='));
  return line?.slice(3);
}

function isByteRange(value: PdfObject | undefined): value is [number, number, number, number] {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    value.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0)
  );
}

/** The signature dictionary of the (last) signed signature field in the AcroForm. */
function findSignature(doc: PdfDocument): PdfDict | undefined {
  const form = doc.resolve(doc.catalog().dict.get('AcroForm'));
  if (!(form instanceof Map)) return undefined;
  const fields = doc.resolve(form.get('Fields'));
  if (!Array.isArray(fields)) return undefined;
  let found: PdfDict | undefined;
  const visit = (field: PdfObject, depth: number): void => {
    const dict = doc.resolve(field);
    if (!(dict instanceof Map) || depth > 16) return;
    const type = dict.get('FT');
    const value = doc.resolve(dict.get('V'));
    if (type instanceof PdfName && type.name === 'Sig' && value instanceof Map) found = value;
    const kids = doc.resolve(dict.get('Kids'));
    if (Array.isArray(kids)) for (const kid of kids) visit(kid, depth + 1);
  };
  for (const field of fields) visit(field, 0);
  return found;
}
