/**
 * CMS (RFC 5652) SignedData for PAdES B-B (ETSI.CAdES.detached): detached, SHA-256,
 * RSA PKCS#1 v1.5, signed attributes contentType, messageDigest and
 * signing-certificate-v2 (RFC 5035). No signingTime attribute: PAdES puts the time in /M.
 */
import { createHash } from 'node:crypto';
import {
  children,
  childrenOfTag,
  childrenWithTags,
  DerError,
  derNull,
  expectTlv,
  octetString,
  oid,
  readTlv,
  sameBytes,
  sequence,
  setOf,
  smallInteger,
  Tag,
  type Tlv,
  tlv,
} from './der.ts';

export const Oid = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  /** id-aa-signatureTimeStampToken (RFC 3161 appendix A). */
  timestampToken: '1.2.840.113549.1.9.16.2.14',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
} as const;

const sha256 = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();

/** The issuer Name and serialNumber INTEGER of a certificate, as their DER encodings. */
export interface CertificateIdentity {
  issuer: Buffer;
  serial: Buffer;
}

/** Reads issuer and serial number from a DER certificate's TBSCertificate. */
export function certificateIdentity(certificate: Uint8Array): CertificateIdentity {
  const cert = expectTlv(Buffer.from(certificate), 0, Tag.sequence, 'certificate');
  if (cert.end !== certificate.length) throw new DerError('certificate: trailing bytes');
  const tbs = expectTlv(cert.content, 0, Tag.sequence, 'tbsCertificate');
  const version = readTlv(tbs.content, 0);
  const offset = version.tag === Tag.context0 ? version.end : 0;
  const serial = expectTlv(tbs.content, offset, Tag.integer, 'serialNumber');
  const algorithm = expectTlv(tbs.content, serial.end, Tag.sequence, 'signature');
  const issuer = expectTlv(tbs.content, algorithm.end, Tag.sequence, 'issuer');
  return { issuer: issuer.encoded, serial: serial.encoded };
}

/** The ESS IssuerSerial of a certificate: GeneralNames(directoryName issuer), serialNumber. */
export function issuerSerial(certificate: Uint8Array): Buffer {
  const { issuer, serial } = certificateIdentity(certificate);
  return sequence(sequence(tlv(Tag.context4, issuer)), serial);
}

const algorithm = (dotted: string, withNull: boolean): Buffer =>
  withNull ? sequence(oid(dotted), derNull()) : sequence(oid(dotted));

const attribute = (type: string, value: Uint8Array): Buffer => sequence(oid(type), setOf(value));

/** SigningCertificateV2 with an ESSCertIDv2 for each certificate (SHA-256, the default, so omitted). */
export function essSigningCertificateV2(certificates: readonly Uint8Array[]): Buffer {
  const ids = certificates.map((certificate) =>
    sequence(octetString(sha256(certificate)), issuerSerial(certificate)),
  );
  return sequence(sequence(...ids));
}

/**
 * The signed attributes as a DER SET: this exact encoding is what the signer signs.
 * Every certificate of the chain is listed in signing-certificate-v2, so the signature
 * covers each certificate the CMS carries.
 */
export function signedAttributes(digest: Uint8Array, certificates: readonly Uint8Array[]): Buffer {
  return setOf(
    attribute(Oid.contentType, oid(Oid.data)),
    attribute(Oid.messageDigest, octetString(digest)),
    attribute(Oid.signingCertificateV2, essSigningCertificateV2(certificates)),
  );
}

/**
 * Assembles the ContentInfo(SignedData) DER from the signed attributes and the signature,
 * with the RFC 3161 token of the signature value as unsigned attribute when given (B-T).
 */
export function signedData(
  attributes: Buffer,
  certificates: readonly Uint8Array[],
  signature: Uint8Array,
  timestampToken?: Uint8Array,
): Buffer {
  const [signer] = certificates;
  if (!signer) throw new Error('signed data: the signer has no certificate');
  const { issuer, serial } = certificateIdentity(signer);
  const signerInfo = sequence(
    smallInteger(1),
    sequence(issuer, serial),
    algorithm(Oid.sha256, false),
    tlv(Tag.context0, expectTlv(attributes, 0, Tag.set, 'signed attributes').content),
    algorithm(Oid.rsaEncryption, true),
    octetString(signature),
    ...(timestampToken ? [tlv(Tag.context1, attribute(Oid.timestampToken, timestampToken))] : []),
  );
  const content = sequence(
    smallInteger(1),
    setOf(algorithm(Oid.sha256, false)),
    sequence(oid(Oid.data)),
    tlv(Tag.context0, ...certificates),
    setOf(signerInfo),
  );
  return sequence(oid(Oid.signedData), tlv(Tag.context0, content));
}

/** What the verifier needs from a parsed SignedData. */
export interface ParsedSignedData {
  /** The signed attributes re-tagged as a SET: the bytes the signature covers. */
  signedAttributes: Buffer;
  messageDigest: Buffer;
  /** SHA-256 hashes from signing-certificate-v2, the signer's first. */
  certificateHashes: Buffer[];
  /** The IssuerSerial encodings from signing-certificate-v2, when given. */
  issuerSerials: (Buffer | undefined)[];
  certificates: Buffer[];
  signer: CertificateIdentity;
  signature: Buffer;
  /** The signature-time-stamp-token unsigned attribute's token, when present. */
  timestampToken?: Buffer;
}

/** A CMS structure this verifier does not accept. */
export class CmsError extends Error {
  override name = 'CmsError';
}

function expectOid(node: Tlv, dotted: string, what: string): void {
  if (node.tag !== Tag.oid || !sameBytes(node.encoded, oid(dotted))) {
    throw new CmsError(`${what} is not ${dotted}`);
  }
}

function expectInteger(node: Tlv, value: number, what: string): void {
  if (!sameBytes(node.encoded, smallInteger(value))) throw new CmsError(`${what} is not ${value}`);
}

function expectAlgorithm(node: Tlv, expected: readonly Buffer[], what: string): void {
  if (!expected.some((encoding) => sameBytes(node.encoded, encoding))) {
    throw new CmsError(`unsupported ${what}`);
  }
}

/**
 * Parses a ContentInfo(SignedData) strictly: exactly the shape this module writes
 * (any DER tail is rejected by the caller, which checks the padding).
 */
export function parseSignedData(der: Buffer): { parsed: ParsedSignedData; length: number } {
  try {
    return parseStrict(der);
  } catch (error) {
    if (error instanceof DerError) throw new CmsError(`CMS does not parse: ${error.message}`);
    throw error;
  }
}

function parseStrict(der: Buffer): { parsed: ParsedSignedData; length: number } {
  const contentInfo = expectTlv(der, 0, Tag.sequence, 'ContentInfo');
  const [type, explicit] = childrenWithTags(contentInfo, [Tag.oid, Tag.context0], 'ContentInfo');
  expectOid(type as Tlv, Oid.signedData, 'content type');
  const [body] = childrenWithTags(explicit as Tlv, [Tag.sequence], 'SignedData');
  const [version, digestAlgorithms, encap, certificateSet, signerInfos] = childrenWithTags(
    body as Tlv,
    [Tag.integer, Tag.set, Tag.sequence, Tag.context0, Tag.set],
    'SignedData (certificates required, no CRLs)',
  ) as [Tlv, Tlv, Tlv, Tlv, Tlv];
  expectInteger(version, 1, 'SignedData version');
  const sha256Algorithms = [algorithm(Oid.sha256, false), algorithm(Oid.sha256, true)];
  const [digestAlgorithm] = childrenWithTags(digestAlgorithms, [Tag.sequence], 'digestAlgorithms');
  expectAlgorithm(digestAlgorithm as Tlv, sha256Algorithms, 'digest algorithm');
  const [encapType] = childrenWithTags(encap, [Tag.oid], 'encapContentInfo (detached)');
  expectOid(encapType as Tlv, Oid.data, 'encapsulated content type');
  const certificates = childrenOfTag(certificateSet, Tag.sequence, 'certificates').map(
    (certificate) => Buffer.from(certificate.encoded),
  );
  const [signerInfo] = childrenWithTags(signerInfos, [Tag.sequence], 'signerInfos (one signer)');
  const shape: number[] = [
    Tag.integer,
    Tag.sequence,
    Tag.sequence,
    Tag.context0,
    Tag.sequence,
    Tag.octetString,
  ];
  // The only unsigned attribute accepted: one signature-time-stamp-token.
  if (children(signerInfo as Tlv).length === 7) shape.push(Tag.context1);
  const [siVersion, sid, siDigest, attributes, signatureAlgorithm, signature, unsigned] =
    childrenWithTags(
      signerInfo as Tlv,
      shape,
      'SignerInfo (signed attributes required, a time-stamp the only unsigned attribute)',
    ) as [Tlv, Tlv, Tlv, Tlv, Tlv, Tlv, Tlv | undefined];
  expectInteger(siVersion, 1, 'SignerInfo version');
  const [issuer, serial] = childrenWithTags(sid, [Tag.sequence, Tag.integer], 'sid') as [Tlv, Tlv];
  expectAlgorithm(siDigest, sha256Algorithms, 'digest algorithm');
  expectAlgorithm(
    signatureAlgorithm,
    [algorithm(Oid.rsaEncryption, true), algorithm(Oid.sha256WithRsa, true)],
    'signature algorithm',
  );
  const attributeSet = tlv(Tag.set, attributes.content);
  const { messageDigest, hashes, serials } = readAttributes(attributes);
  return {
    parsed: {
      signedAttributes: attributeSet,
      messageDigest,
      certificateHashes: hashes,
      issuerSerials: serials,
      certificates,
      signer: { issuer: Buffer.from(issuer.encoded), serial: Buffer.from(serial.encoded) },
      signature: Buffer.from(signature.content),
      ...(unsigned ? { timestampToken: readTimestampAttribute(unsigned) } : {}),
    },
    length: contentInfo.end,
  };
}

function readTimestampAttribute(unsigned: Tlv): Buffer {
  const [entry] = childrenWithTags(unsigned, [Tag.sequence], 'unsigned attributes (one)');
  const [type, values] = childrenWithTags(entry as Tlv, [Tag.oid, Tag.set], 'attribute') as [
    Tlv,
    Tlv,
  ];
  expectOid(type, Oid.timestampToken, 'unsigned attribute');
  const [token] = childrenWithTags(values, [Tag.sequence], 'time-stamp token (one value)');
  return Buffer.from((token as Tlv).encoded);
}

function readAttributes(attributes: Tlv): {
  messageDigest: Buffer;
  hashes: Buffer[];
  serials: (Buffer | undefined)[];
} {
  const list = childrenWithTags(
    attributes,
    [Tag.sequence, Tag.sequence, Tag.sequence],
    'signed attributes (contentType, messageDigest, signing-certificate-v2)',
  );
  const byType = new Map<string, Tlv>();
  for (const entry of list) {
    const [type, values] = childrenWithTags(entry, [Tag.oid, Tag.set], 'attribute') as [Tlv, Tlv];
    const [value] = childrenWithTags(values, [undefined], 'attribute values (one value)');
    const name = [Oid.contentType, Oid.messageDigest, Oid.signingCertificateV2].find((candidate) =>
      sameBytes(type.encoded, oid(candidate)),
    );
    if (!name || byType.has(name)) throw new CmsError('unexpected or repeated signed attribute');
    byType.set(name, value as Tlv);
  }
  expectOid(byType.get(Oid.contentType) as Tlv, Oid.data, 'contentType attribute');
  const digest = byType.get(Oid.messageDigest) as Tlv;
  if (digest.tag !== Tag.octetString) throw new CmsError('messageDigest is not an OCTET STRING');
  const essCertificate = byType.get(Oid.signingCertificateV2) as Tlv;
  const [ids] = childrenWithTags(essCertificate, [Tag.sequence], 'SigningCertificateV2');
  const hashes: Buffer[] = [];
  const serials: (Buffer | undefined)[] = [];
  for (const id of childrenOfTag(ids as Tlv, Tag.sequence, 'ESSCertIDv2 list')) {
    const parts = children(id);
    let index = 0;
    if (parts[0]?.tag === Tag.sequence) {
      // hashAlgorithm present (it comes before certHash); only SHA-256 is accepted.
      expectAlgorithm(parts[0], [algorithm(Oid.sha256, false)], 'ESS hash algorithm');
      index++;
    }
    const hash = parts[index];
    if (hash?.tag !== Tag.octetString) throw new CmsError('ESSCertIDv2 certHash is missing');
    hashes.push(Buffer.from(hash.content));
    const issuerSerial = parts[index + 1];
    if (parts.length > index + 2) throw new CmsError('ESSCertIDv2 has extra fields');
    serials.push(issuerSerial ? Buffer.from(issuerSerial.encoded) : undefined);
  }
  if (hashes.length === 0) throw new CmsError('signing-certificate-v2 lists no certificate');
  return { messageDigest: Buffer.from(digest.content), hashes, serials };
}
