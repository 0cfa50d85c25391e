/**
 * RFC 3161 time-stamp tokens for PAdES B-T (ETSI EN 319 142-1 §5.3): the request for the
 * SHA-256 of a signature value, reading the authority's response, checking a token, and
 * issuing one (the local development authority and the tests use the same code).
 */
import {
  createHash,
  type KeyObject,
  randomBytes,
  sign,
  verify as verifySignature,
} from 'node:crypto';
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  ContentInfo,
  EncapsulatedContent,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
} from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  MessageImprint,
  PKIStatus,
  PKIStatusInfo,
  TimeStampReq,
  TimeStampResp,
  TSTInfo,
} from '@peculiar/asn1-tsp';
import { AlgorithmIdentifier, Certificate } from '@peculiar/asn1-x509';
import { attributeSet, essSigningCertificateV2, Oid, oidValue } from './cms.ts';
import { AttributeSet } from './cms-schema.ts';

export const ID_CT_TST_INFO = '1.2.840.113549.1.9.16.1.4';
/** id-aa-signatureTimeStampToken (RFC 3161 appendix A): the unsigned attribute. */
export const ID_AA_TIMESTAMP_TOKEN = '1.2.840.113549.1.9.16.2.14';

const sha256 = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();
const sha256Algorithm = (): AlgorithmIdentifier =>
  new AlgorithmIdentifier({ algorithm: Oid.sha256 });

/** A time-stamping authority: gives a token for the SHA-256 of `data` (a signature value). */
export interface TimestampAuthority {
  /** Where it is, for messages and the document record. */
  readonly name: string;
  timestamp(data: Uint8Array): Promise<Uint8Array>;
}

/** A TimeStampReq (DER) for SHA-256(`data`), asking for the TSA's certificate; and its nonce. */
export function timestampRequest(data: Uint8Array): { der: Uint8Array; nonce: Buffer } {
  const nonce = randomBytes(8);
  nonce[0] = ((nonce[0] as number) & 0x7f) | 0x01;
  const request = new TimeStampReq({
    version: 1,
    messageImprint: new MessageImprint({
      hashAlgorithm: sha256Algorithm(),
      hashedMessage: new OctetString(sha256(data)),
    }),
    nonce: new Uint8Array(nonce).buffer as ArrayBuffer,
    certReq: true,
  });
  return { der: new Uint8Array(AsnConvert.serialize(request)), nonce };
}

/** The token of a TimeStampResp, after checking it answers `data` and `nonce`. */
export function readTimestampResponse(
  response: Uint8Array,
  data: Uint8Array,
  nonce: Buffer,
): Buffer {
  const parsed = AsnConvert.parse(response, TimeStampResp);
  const status = parsed.status.status;
  if (status !== PKIStatus.granted && status !== PKIStatus.grantedWithMods) {
    const text = parsed.status.statusString?.join('; ') ?? '';
    throw new Error(
      `the time-stamping authority refused (status ${status}${text ? `: ${text}` : ''})`,
    );
  }
  if (!parsed.timeStampToken) throw new Error('the time-stamping authority sent no token');
  const token = Buffer.from(AsnConvert.serialize(parsed.timeStampToken));
  const info = parseTimestampToken(token).info;
  if (!Buffer.from(info.messageImprint.hashedMessage.buffer).equals(sha256(data)))
    throw new Error('the time-stamp token is for other data');
  if (!info.nonce || !Buffer.from(info.nonce).equals(nonce))
    throw new Error('the time-stamp token does not carry the request nonce');
  return token;
}

/** A parsed token: its TSTInfo, the signer's certificates and what its signature covers. */
export interface ParsedTimestamp {
  info: TSTInfo;
  genTime: Date;
  certificates: Buffer[];
  /** The DER SET of signed attributes the TSA signed. */
  signedAttributes: Buffer;
  signature: Buffer;
  messageDigest: Buffer | undefined;
  eContent: Buffer;
  signerSerial: Buffer;
}

/** Parses a TimeStampToken (ContentInfo(SignedData) with TSTInfo content). */
export function parseTimestampToken(token: Uint8Array): ParsedTimestamp {
  const contentInfo = AsnConvert.parse(token, ContentInfo);
  if (contentInfo.contentType !== Oid.signedData) throw new Error('the token is not SignedData');
  const signed = AsnConvert.parse(contentInfo.content, SignedData);
  if (signed.encapContentInfo.eContentType !== ID_CT_TST_INFO)
    throw new Error('the token does not hold a TSTInfo');
  const octets = signed.encapContentInfo.eContent?.single;
  if (!octets) throw new Error('the token has no content');
  const eContent = Buffer.from(octets.buffer);
  const info = AsnConvert.parse(eContent, TSTInfo);
  const [signer] = signed.signerInfos;
  if (!signer || signed.signerInfos.length !== 1 || !signer.signedAttrs)
    throw new Error('the token needs exactly one signer with signed attributes');
  // The signature covers the attributes as a DER SET, in the order received.
  const signedAttributes = Buffer.from(AsnConvert.serialize(new AttributeSet(signer.signedAttrs)));
  const digest = signer.signedAttrs.find((a) => a.attrType === Oid.messageDigest)?.attrValues[0];
  const certificates = (signed.certificates ?? [])
    .filter((choice) => choice.certificate)
    .map((choice) => Buffer.from(AsnConvert.serialize(choice.certificate)));
  const serial = signer.sid.issuerAndSerialNumber?.serialNumber;
  if (!serial) throw new Error('the token signer is not named by issuer and serial number');
  return {
    info,
    genTime: info.genTime,
    certificates,
    signedAttributes,
    signature: Buffer.from(signer.signature.buffer),
    messageDigest: digest ? Buffer.from(AsnConvert.parse(digest, OctetString).buffer) : undefined,
    eContent,
    signerSerial: Buffer.from(serial),
  };
}

/**
 * Checks a token's own integrity for `data`: imprint, content digest, and the signature by
 * the certificate it names. Returns the TSA certificate, or throws with the reason.
 */
export function checkTimestampToken(parsed: ParsedTimestamp, data: Uint8Array): Buffer {
  const imprint = parsed.info.messageImprint;
  if (imprint.hashAlgorithm.algorithm !== Oid.sha256) throw new Error('the token is not SHA-256');
  if (!Buffer.from(imprint.hashedMessage.buffer).equals(sha256(data)))
    throw new Error('the time-stamp is for another signature value');
  if (!parsed.messageDigest?.equals(sha256(parsed.eContent)))
    throw new Error('the time-stamp token content does not match its messageDigest');
  const certificate = parsed.certificates.find((der) =>
    Buffer.from(AsnConvert.parse(der, Certificate).tbsCertificate.serialNumber).equals(
      parsed.signerSerial,
    ),
  );
  if (!certificate) throw new Error('the time-stamp token does not carry its signer certificate');
  const key = AsnConvert.parse(certificate, Certificate);
  const publicKey = {
    key: Buffer.from(AsnConvert.serialize(key.tbsCertificate.subjectPublicKeyInfo)),
    format: 'der',
    type: 'spki',
  } as const;
  if (!verifySignature('sha256', parsed.signedAttributes, publicKey, parsed.signature))
    throw new Error('the time-stamp token signature does not verify');
  return certificate;
}

/** What a time-stamping authority needs to issue a token. */
export interface TokenIssuer {
  key: KeyObject;
  /** The TSA certificate (id-kp-timeStamping, critical), DER. */
  certificate: Uint8Array;
  /** The TSA policy OID. */
  policy: string;
}

/** The DER TSTInfo (RFC 3161 §2.4.2) answering `request` at `time`, with a fresh serial. */
function tstInfo(request: TimeStampReq, issuer: TokenIssuer, time: Date): Buffer {
  const serial = randomBytes(12);
  serial[0] = ((serial[0] as number) & 0x7f) | 0x01;
  const info = new TSTInfo({
    version: 1,
    policy: request.reqPolicy ?? issuer.policy,
    messageImprint: request.messageImprint,
    serialNumber: new Uint8Array(serial).buffer as ArrayBuffer,
    genTime: time,
    ordering: false,
    ...(request.nonce ? { nonce: request.nonce } : {}),
  });
  return Buffer.from(AsnConvert.serialize(info));
}

/** The token's signed attributes: content type, digest of `eContent`, the TSA certificate. */
function tokenAttributes(eContent: Buffer, issuer: TokenIssuer): Attribute[] {
  return [
    new Attribute({ attrType: Oid.contentType, attrValues: [oidValue(ID_CT_TST_INFO)] }),
    new Attribute({
      attrType: Oid.messageDigest,
      attrValues: [AsnConvert.serialize(new OctetString(sha256(eContent)))],
    }),
    new Attribute({
      attrType: Oid.signingCertificateV2,
      attrValues: [
        new Uint8Array(essSigningCertificateV2([issuer.certificate])).buffer as ArrayBuffer,
      ],
    }),
  ];
}

/** Answers a DER TimeStampReq with a DER TimeStampResp granting a token at `time`. */
export function issueTimestampResponse(
  request: Uint8Array,
  issuer: TokenIssuer,
  time: Date,
): Buffer {
  const parsed = AsnConvert.parse(request, TimeStampReq);
  if (parsed.messageImprint.hashAlgorithm.algorithm !== Oid.sha256)
    throw new Error('only SHA-256 message imprints are accepted');
  const eContent = tstInfo(parsed, issuer, time);
  const certificate = AsnConvert.parse(issuer.certificate, Certificate);
  const attributes = tokenAttributes(eContent, issuer);
  // DER: a SET OF sorted by encoding; the signature covers that SET.
  const { der: setDer, sorted } = attributeSet(attributes);
  const signerInfo = new SignerInfo({
    version: 1,
    sid: new SignerIdentifier({
      issuerAndSerialNumber: new IssuerAndSerialNumber({
        issuer: certificate.tbsCertificate.issuer,
        serialNumber: certificate.tbsCertificate.serialNumber,
      }),
    }),
    digestAlgorithm: sha256Algorithm(),
    signedAttrs: sorted,
    signatureAlgorithm: new AlgorithmIdentifier({
      algorithm: '1.2.840.113549.1.1.1',
      parameters: null,
    }),
    signature: new OctetString(sign('sha256', setDer, issuer.key)),
  });
  const signedData = new SignedData({
    version: 3,
    encapContentInfo: new EncapsulatedContentInfo({
      eContentType: ID_CT_TST_INFO,
      eContent: new EncapsulatedContent({ single: new OctetString(eContent) }),
    }),
    certificates: new CertificateSet([new CertificateChoices({ certificate })]),
    signerInfos: new SignerInfos([signerInfo]),
  });
  signedData.digestAlgorithms.push(sha256Algorithm());
  const token = new ContentInfo({
    contentType: Oid.signedData,
    content: AsnConvert.serialize(signedData),
  });
  const response = new TimeStampResp({
    status: new PKIStatusInfo({ status: PKIStatus.granted }),
    timeStampToken: token,
  });
  return Buffer.from(AsnConvert.serialize(response));
}
