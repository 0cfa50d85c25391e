/**
 * Reads the CMS SignedData that cms.ts writes, through @peculiar/asn1-cms, strictly: the
 * verifier relies on any changed byte breaking either the structure or a digest. It accepts
 * exactly the shape cms.ts writes, and (see {@link ReadSignedData.encoded}) only its DER.
 */
import type { Attribute, SignerInfo } from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { type AlgorithmIdentifier, Certificate } from '@peculiar/asn1-x509';
import { type CertificateIdentity, Oid, oidValue } from './cms.ts';
import {
  AttributeSet,
  SignedContentInfo,
  type SignedDataRawCertificates,
  SigningCertificateV2,
} from './cms-schema.ts';

/** What the verifier needs from a parsed SignedData. */
export interface ParsedSignedData {
  /** The signed attributes as a DER SET: the bytes the signature covers. */
  signedAttributes: Buffer;
  messageDigest: Buffer;
  /** SHA-256 hashes from signing-certificate-v2, the signer's first. */
  certificateHashes: Buffer[];
  /** The IssuerSerial encodings from signing-certificate-v2, when given. */
  issuerSerials: (Buffer | undefined)[];
  certificates: Buffer[];
  /** The issuer and serial number of each of `certificates`, in the same order. */
  identities: CertificateIdentity[];
  signer: CertificateIdentity;
  signature: Buffer;
  /** The signature-time-stamp-token unsigned attribute's token, when present. */
  timestampToken?: Buffer;
}

/** A CMS structure this verifier does not accept. */
export class CmsError extends Error {
  override name = 'CmsError';
}

const der = (value: unknown): Buffer => Buffer.from(AsnConvert.serialize(value));

function isAlgorithm(
  found: AlgorithmIdentifier,
  oid: string,
  parameters: 'absent' | 'null' | 'either',
): boolean {
  if (found.algorithm !== oid) return false;
  const absent = found.parameters === undefined;
  // asn1-schema reads a NULL parameter as null.
  const nullParameters = found.parameters === null;
  if (parameters === 'absent') return absent;
  if (parameters === 'null') return nullParameters;
  return absent || nullParameters;
}

/** A parsed SignedData, and the DER of what was parsed. */
export interface ReadSignedData {
  parsed: ParsedSignedData;
  /**
   * The DER encoding of what was parsed. The bytes read must begin with exactly these (the
   * parser accepts BER: a long-form length, a re-ordered SET or a padded INTEGER parses, but
   * does not encode back). Encoding costs as much as parsing, so a verifier calls it last,
   * once everything else holds.
   */
  encoded(): Buffer;
}

/** Parses a ContentInfo(SignedData) of exactly the shape cms.ts writes. */
export function parseSignedData(bytes: Buffer): ReadSignedData {
  let info: SignedContentInfo;
  try {
    info = AsnConvert.parse(bytes, SignedContentInfo);
  } catch (error) {
    throw new CmsError(`CMS does not parse: ${(error as Error).message}`);
  }
  if (info.contentType !== Oid.signedData) {
    throw new CmsError(`content type is not ${Oid.signedData}`);
  }
  return { parsed: readSignedData(info.content), encoded: () => der(info) };
}

function readSignedData(signed: SignedDataRawCertificates): ParsedSignedData {
  if (signed.version !== 1) throw new CmsError('SignedData version is not 1');
  const [digestAlgorithm, ...moreDigests] = signed.digestAlgorithms;
  if (!digestAlgorithm || moreDigests.length > 0)
    throw new CmsError('digestAlgorithms: expected 1 element');
  if (!isAlgorithm(digestAlgorithm, Oid.sha256, 'either'))
    throw new CmsError('unsupported digest algorithm');
  const encapsulated = signed.encapContentInfo;
  if (encapsulated.eContentType !== Oid.data || encapsulated.eContent) {
    throw new CmsError('encapContentInfo is not detached data');
  }
  if (!signed.certificates || signed.crls) {
    throw new CmsError('SignedData (certificates required, no CRLs)');
  }
  const [signerInfo, ...moreSigners] = signed.signerInfos;
  if (!signerInfo || moreSigners.length > 0) throw new CmsError('signerInfos (one signer)');
  const certificates = signed.certificates.map((bytes) => Buffer.from(bytes));
  return {
    ...readSignerInfo(signerInfo),
    certificates,
    identities: certificates.map(identityOf),
  };
}

/** A carried certificate's issuer and serial number (its bytes are covered by their hash). */
function identityOf(certificate: Buffer): CertificateIdentity {
  let tbs: Certificate['tbsCertificate'];
  try {
    if (certificate[0] !== 0x30) throw new Error('not a SEQUENCE');
    tbs = AsnConvert.parse(certificate, Certificate).tbsCertificate;
  } catch (error) {
    throw new CmsError(`certificates: unexpected element (${(error as Error).message})`);
  }
  return { issuer: der(tbs.issuer), serial: Buffer.from(tbs.serialNumber) };
}

function readSignerInfo(signer: SignerInfo): Omit<ParsedSignedData, 'certificates' | 'identities'> {
  if (signer.version !== 1) throw new CmsError('SignerInfo version is not 1');
  const sid = signer.sid.issuerAndSerialNumber;
  if (!sid) throw new CmsError('sid is not issuerAndSerialNumber');
  if (!isAlgorithm(signer.digestAlgorithm, Oid.sha256, 'either')) {
    throw new CmsError('unsupported digest algorithm');
  }
  const signatureAlgorithm = signer.signatureAlgorithm;
  if (
    !isAlgorithm(signatureAlgorithm, Oid.rsaEncryption, 'null') &&
    !isAlgorithm(signatureAlgorithm, Oid.sha256WithRsa, 'null')
  ) {
    throw new CmsError('unsupported signature algorithm');
  }
  if (!signer.signedAttrs) throw new CmsError('SignerInfo (signed attributes required)');
  return {
    signedAttributes: der(new AttributeSet(signer.signedAttrs)),
    ...readAttributes(signer.signedAttrs),
    signer: { issuer: der(sid.issuer), serial: Buffer.from(sid.serialNumber) },
    signature: Buffer.from(signer.signature.buffer),
    ...(signer.unsignedAttrs
      ? { timestampToken: readTimestampAttribute(signer.unsignedAttrs) }
      : {}),
  };
}

/** The only unsigned attribute accepted: one signature-time-stamp-token. */
function readTimestampAttribute(unsigned: readonly Attribute[]): Buffer {
  const [entry, ...more] = unsigned;
  if (!entry || more.length > 0) throw new CmsError('unsigned attributes (one)');
  if (entry.attrType !== Oid.timestampToken) {
    throw new CmsError(`unsigned attribute is not ${Oid.timestampToken}`);
  }
  const [token, ...moreTokens] = entry.attrValues;
  const bytes = token ? Buffer.from(token) : undefined;
  if (!bytes || moreTokens.length > 0 || bytes[0] !== 0x30) {
    throw new CmsError('time-stamp token (one value)');
  }
  return bytes;
}

const SIGNED_ATTRIBUTES = [Oid.contentType, Oid.messageDigest, Oid.signingCertificateV2];

function readAttributes(attributes: readonly Attribute[]): {
  messageDigest: Buffer;
  certificateHashes: Buffer[];
  issuerSerials: (Buffer | undefined)[];
} {
  if (attributes.length !== SIGNED_ATTRIBUTES.length) {
    throw new CmsError(
      'signed attributes (contentType, messageDigest, signing-certificate-v2): expected 3 elements',
    );
  }
  const byType = new Map<string, Buffer>();
  for (const attribute of attributes) {
    const [value, ...more] = attribute.attrValues;
    if (!value || more.length > 0) throw new CmsError('attribute values (one value)');
    if (!SIGNED_ATTRIBUTES.includes(attribute.attrType as never) || byType.has(attribute.attrType))
      throw new CmsError('unexpected or repeated signed attribute');
    byType.set(attribute.attrType, Buffer.from(value));
  }
  if (!byType.get(Oid.contentType)?.equals(Buffer.from(oidValue(Oid.data)))) {
    throw new CmsError(`contentType attribute is not ${Oid.data}`);
  }
  let messageDigest: Buffer;
  let essCertificate: SigningCertificateV2;
  try {
    messageDigest = Buffer.from(
      AsnConvert.parse(byType.get(Oid.messageDigest) as Buffer, OctetString).buffer,
    );
    essCertificate = AsnConvert.parse(
      byType.get(Oid.signingCertificateV2) as Buffer,
      SigningCertificateV2,
    );
  } catch (error) {
    throw new CmsError(`signed attribute does not parse: ${(error as Error).message}`);
  }
  if (
    !der(new OctetString(messageDigest)).equals(byType.get(Oid.messageDigest) as Buffer) ||
    !der(essCertificate).equals(byType.get(Oid.signingCertificateV2) as Buffer)
  ) {
    throw new CmsError('a signed attribute is not in DER');
  }
  if (essCertificate.policies) throw new CmsError('SigningCertificateV2 has policies');
  if (essCertificate.certs.length === 0) {
    throw new CmsError('signing-certificate-v2 lists no certificate');
  }
  const certificateHashes: Buffer[] = [];
  const issuerSerials: (Buffer | undefined)[] = [];
  for (const id of essCertificate.certs) {
    // Only SHA-256, the default, is accepted (present or, as DER has it, left out).
    if (id.hashAlgorithm && !isAlgorithm(id.hashAlgorithm, Oid.sha256, 'absent')) {
      throw new CmsError('unsupported ESS hash algorithm');
    }
    certificateHashes.push(Buffer.from(id.certHash.buffer));
    issuerSerials.push(id.issuerSerial ? der(id.issuerSerial) : undefined);
  }
  return { messageDigest, certificateHashes, issuerSerials };
}
