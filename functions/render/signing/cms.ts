/**
 * CMS (RFC 5652) SignedData for PAdES B-B (ETSI.CAdES.detached), through @peculiar/asn1-cms:
 * detached, SHA-256, RSA PKCS#1 v1.5, signed attributes contentType, messageDigest and
 * signing-certificate-v2 (RFC 5035). No signingTime attribute: PAdES puts the time in /M.
 *
 * cms-reader.ts reads it back, strictly.
 */
import { createHash } from 'node:crypto';
import {
  Attribute,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
} from '@peculiar/asn1-cms';
import { AsnConvert, AsnObjectIdentifierConverter, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  Certificate,
  GeneralName,
  GeneralNames,
  Name,
} from '@peculiar/asn1-x509';
import {
  AttributeSet,
  EssCertIdV2,
  IssuerSerial,
  SignedContentInfo,
  SignedDataRawCertificates,
  SigningCertificateV2,
} from './cms-schema.ts';

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
const der = (value: unknown): Buffer => Buffer.from(AsnConvert.serialize(value));
const arrayBuffer = (bytes: Uint8Array): ArrayBuffer => new Uint8Array(bytes).buffer as ArrayBuffer;

/** The DER encoding of an OBJECT IDENTIFIER (an attribute value). */
export function oidValue(dotted: string): ArrayBuffer {
  return AsnObjectIdentifierConverter.toASN(dotted).toBER(false);
}

/** The DER SET OF of `attributes`, sorted by their encodings as DER requires. */
export function attributeSet(attributes: readonly Attribute[]): {
  der: Buffer;
  sorted: Attribute[];
} {
  const sorted = [...attributes]
    .map((attribute) => ({ attribute, encoding: der(attribute) }))
    .sort((a, b) => Buffer.compare(a.encoding, b.encoding))
    .map(({ attribute }) => attribute);
  return { der: der(new AttributeSet(sorted)), sorted };
}

/** The issuer Name and serial number of a certificate (DER Name, serial INTEGER's content). */
export interface CertificateIdentity {
  issuer: Buffer;
  serial: Buffer;
}

/** The ESS IssuerSerial (DER) of a certificate named by its identity. */
export function issuerSerialOf(identity: CertificateIdentity): Buffer {
  return der(issuerSerialValue(identity));
}

function issuerSerialValue(identity: CertificateIdentity): IssuerSerial {
  return new IssuerSerial({
    issuer: new GeneralNames([
      new GeneralName({ directoryName: AsnConvert.parse(identity.issuer, Name) }),
    ]),
    serialNumber: arrayBuffer(identity.serial),
  });
}

const algorithm = (oid: string, withNull: boolean): AlgorithmIdentifier =>
  new AlgorithmIdentifier(withNull ? { algorithm: oid, parameters: null } : { algorithm: oid });

/** What a signature says of a certificate: its issuer and serial, its ESSCertIDv2. */
interface CertificateFacts {
  /** The certificate's bytes, one buffer for every signature (see cms-schema.ts). */
  bytes: ArrayBuffer;
  tbs: Certificate['tbsCertificate'];
  essCertId: EssCertIdV2;
}

/**
 * Facts by certificate: a signer hands out the same certificate objects each time, and
 * parsing one through the library costs more than the rest of a signature (docs/scale.md).
 */
const factsByCertificate = new WeakMap<Uint8Array, CertificateFacts>();

function factsOf(certificate: Uint8Array): CertificateFacts {
  let facts = factsByCertificate.get(certificate);
  if (!facts) {
    const { tbsCertificate: tbs } = AsnConvert.parse(certificate, Certificate);
    const issuerSerial = new IssuerSerial({
      issuer: new GeneralNames([new GeneralName({ directoryName: tbs.issuer })]),
      serialNumber: tbs.serialNumber,
    });
    facts = {
      bytes: arrayBuffer(certificate),
      tbs,
      essCertId: new EssCertIdV2({ certHash: new OctetString(sha256(certificate)), issuerSerial }),
    };
    factsByCertificate.set(certificate, facts);
  }
  return facts;
}

/** SigningCertificateV2 with an ESSCertIDv2 for each certificate (SHA-256, the default, so omitted). */
export function essSigningCertificateV2(certificates: readonly Uint8Array[]): Buffer {
  return der(
    new SigningCertificateV2({
      certs: certificates.map((certificate) => factsOf(certificate).essCertId),
    }),
  );
}

/**
 * The signed attributes as a DER SET: this exact encoding is what the signer signs.
 * Every certificate of the chain is listed in signing-certificate-v2, so the signature
 * covers each certificate the CMS carries.
 */
export function signedAttributes(digest: Uint8Array, certificates: readonly Uint8Array[]): Buffer {
  const attribute = (attrType: string, value: ArrayBuffer) =>
    new Attribute({ attrType, attrValues: [value] });
  return attributeSet([
    attribute(Oid.contentType, oidValue(Oid.data)),
    attribute(Oid.messageDigest, arrayBuffer(der(new OctetString(digest)))),
    attribute(Oid.signingCertificateV2, arrayBuffer(essSigningCertificateV2(certificates))),
  ]).der;
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
  const { tbs: tbsCertificate } = factsOf(signer);
  const signerInfo = new SignerInfo({
    version: 1,
    sid: new SignerIdentifier({
      issuerAndSerialNumber: new IssuerAndSerialNumber({
        issuer: tbsCertificate.issuer,
        serialNumber: tbsCertificate.serialNumber,
      }),
    }),
    digestAlgorithm: algorithm(Oid.sha256, false),
    signedAttrs: [...AsnConvert.parse(attributes, AttributeSet)],
    signatureAlgorithm: algorithm(Oid.rsaEncryption, true),
    signature: new OctetString(signature),
    ...(timestampToken
      ? {
          unsignedAttrs: [
            new Attribute({
              attrType: Oid.timestampToken,
              attrValues: [arrayBuffer(timestampToken)],
            }),
          ],
        }
      : {}),
  });
  // The certificates are carried byte for byte as given: signing-certificate-v2 hashes them so.
  const content = new SignedDataRawCertificates({
    version: 1,
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: Oid.data }),
    certificates: certificates.map((certificate) => factsOf(certificate).bytes),
    signerInfos: new SignerInfos([signerInfo]),
  });
  content.digestAlgorithms.push(algorithm(Oid.sha256, false));
  return der(new SignedContentInfo({ contentType: Oid.signedData, content }));
}
