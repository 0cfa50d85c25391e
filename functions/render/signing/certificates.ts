/**
 * The one X.509 v3 certificate builder (RFC 5280), through @peculiar/asn1-x509: the
 * development CA and its leaves, the local time-stamping authority, the KMS self-signed
 * test certificate and the short-lived AWS leaf all come from here. The issuer's
 * signature is a callback, so a local key and a KMS key issue the same way.
 */
import { createHash, type KeyObject, randomBytes, sign } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  CertificateList,
  CRLDistributionPoints,
  DistributionPoint,
  DistributionPointName,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_cRLDistributionPoints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  RevokedCertificate,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  TBSCertList,
  Time,
  Validity,
  Version,
} from '@peculiar/asn1-x509';

export const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
export const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
/** id-kp-documentSigning (RFC 9336). */
export const EKU_DOCUMENT_SIGNING = '1.3.6.1.5.5.7.3.36';
/** id-kp-timeStamping (RFC 3161 §2.3: the only, critical, EKU of a TSA certificate). */
export const EKU_TIME_STAMPING = '1.3.6.1.5.5.7.3.8';

/** Subject of a certificate as two attributes (the development identities use this). */
export interface CertificateSubject {
  commonName: string;
  organization: string;
}

/** sha256WithRSAEncryption; RFC 4055 §5: its parameters are an explicit NULL. */
export function sha256WithRsa(): AlgorithmIdentifier {
  return new AlgorithmIdentifier({ algorithm: SHA256_WITH_RSA, parameters: null });
}

/** The attribute types a subject may use (RFC 4519 / RFC 5280 names). */
const NAME_ATTRIBUTES: Readonly<Record<string, string>> = {
  CN: '2.5.4.3',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  O: '2.5.4.10',
  OU: '2.5.4.11',
};

/**
 * Parses "CN=…, O=…, C=US" (one value per RDN, "\\," for a literal comma) into an ASN.1 Name,
 * in the order written. Country is a PrintableString, everything else UTF8String.
 */
export function subjectName(subject: string | CertificateSubject): Name {
  if (typeof subject !== 'string') {
    const escapeCommas = (text: string): string => text.replace(/,/g, '\\,');
    return subjectName(
      `O=${escapeCommas(subject.organization)}, CN=${escapeCommas(subject.commonName)}`,
    );
  }
  const parts = subject
    .split(/(?<!\\),/)
    .map((part) => part.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new Error('certificate subject is empty');
  return new Name(
    parts.map((part) => {
      const match = /^([A-Za-z]+)\s*=\s*(.+)$/s.exec(part);
      const type = NAME_ATTRIBUTES[match?.[1]?.toUpperCase() ?? ''];
      if (!match || !type) {
        throw new Error(`certificate subject: cannot read "${part}" (use CN, O, OU, L, ST, C)`);
      }
      const text = (match[2] ?? '').replace(/\\,/g, ',');
      if (type === NAME_ATTRIBUTES.C && !/^[A-Z]{2}$/.test(text)) {
        throw new Error(`certificate subject: C must be a two-letter country code, got "${text}"`);
      }
      const value = new AttributeValue(
        type === NAME_ATTRIBUTES.C ? { printableString: text } : { utf8String: text },
      );
      return new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value })]);
    }),
  );
}

/** What a certificate is for: its basic constraints, key usage and extended key usage. */
export type CertificateProfile = 'ca' | 'document-signing' | 'time-stamping';

/** What a certificate says; the issuer's signature comes separately. */
export interface CertificateTemplate {
  subject: string | CertificateSubject;
  /** The subject's public key (a KeyObject or DER SubjectPublicKeyInfo). */
  publicKey: KeyObject | Uint8Array;
  /** The issuer's certificate (DER), or `undefined` for a self-signed certificate. */
  issuerCertificate?: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  profile: CertificateProfile;
  /** Where relying parties fetch the issuer's CRL (the CRL distribution point). */
  crlUrl?: string;
  /** Serial number bytes; 16 random bytes (positive) when not given. */
  serial?: Uint8Array;
}

function extension(extnID: string, critical: boolean, value: unknown): Extension {
  return new Extension({
    extnID,
    critical,
    extnValue: new OctetString(AsnConvert.serialize(value)),
  });
}

function spkiOf(key: KeyObject | Uint8Array): SubjectPublicKeyInfo {
  const der = key instanceof Uint8Array ? key : key.export({ type: 'spki', format: 'der' });
  return AsnConvert.parse(der, SubjectPublicKeyInfo);
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(spki: SubjectPublicKeyInfo): Uint8Array {
  return createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest();
}

function profileExtensions(profile: CertificateProfile): Extension[] {
  if (profile === 'ca') {
    return [
      extension(
        id_ce_basicConstraints,
        true,
        new BasicConstraints({ cA: true, pathLenConstraint: 0 }),
      ),
      extension(
        id_ce_keyUsage,
        true,
        new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign),
      ),
    ];
  }
  const time = profile === 'time-stamping';
  return [
    extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
    extension(
      id_ce_keyUsage,
      true,
      new KeyUsage(
        time
          ? KeyUsageFlags.digitalSignature
          : KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation,
      ),
    ),
    extension(
      id_ce_extKeyUsage,
      time,
      new ExtendedKeyUsage([time ? EKU_TIME_STAMPING : EKU_DOCUMENT_SIGNING]),
    ),
  ];
}

/** The DER TBSCertificate the issuer signs. */
export function certificateTbs(template: CertificateTemplate): Uint8Array {
  const spki = spkiOf(template.publicKey);
  const issuer = template.issuerCertificate
    ? AsnConvert.parse(template.issuerCertificate, Certificate).tbsCertificate
    : undefined;
  let serial = template.serial;
  if (!serial) {
    const random = randomBytes(16);
    random[0] = ((random[0] as number) & 0x7f) | 0x01; // positive, minimal, non-zero
    serial = random;
  }
  const extensions = [
    ...profileExtensions(template.profile),
    extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdentifier(spki))),
    extension(
      id_ce_authorityKeyIdentifier,
      false,
      new AuthorityKeyIdentifier({
        keyIdentifier: new OctetString(keyIdentifier(issuer ? issuer.subjectPublicKeyInfo : spki)),
      }),
    ),
  ];
  if (template.crlUrl) {
    const point = new DistributionPoint({
      distributionPoint: new DistributionPointName({
        fullName: [new GeneralName({ uniformResourceIdentifier: template.crlUrl })],
      }),
    });
    extensions.push(
      extension(id_ce_cRLDistributionPoints, false, new CRLDistributionPoints([point])),
    );
  }
  const subject = subjectName(template.subject);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: new Uint8Array(serial).buffer as ArrayBuffer,
    signature: sha256WithRsa(),
    issuer: issuer ? issuer.subject : subject,
    validity: new Validity({ notBefore: template.notBefore, notAfter: template.notAfter }),
    subject,
    subjectPublicKeyInfo: spki,
    extensions: new Extensions(extensions),
  });
  return new Uint8Array(AsnConvert.serialize(tbs));
}

/** The signed certificate (DER) from its TBSCertificate and the issuer's signature of it. */
export function assembleCertificate(tbs: Uint8Array, signature: Uint8Array): Buffer {
  const certificate = new Certificate({
    tbsCertificate: AsnConvert.parse(tbs, TBSCertificate),
    signatureAlgorithm: sha256WithRsa(),
    signatureValue: new Uint8Array(signature).buffer as ArrayBuffer,
  });
  return Buffer.from(AsnConvert.serialize(certificate));
}

/** Issues a certificate signed by a local RSA key (sha256WithRSAEncryption), DER. */
export function issueCertificate(template: CertificateTemplate, issuerKey: KeyObject): Buffer {
  const tbs = certificateTbs(template);
  return assembleCertificate(tbs, sign('sha256', tbs, issuerKey));
}

/** Issues a certificate whose issuer signs through a callback (KMS), DER. */
export async function issueCertificateWith(
  template: CertificateTemplate,
  issuerSign: (tbs: Uint8Array) => Promise<Uint8Array>,
): Promise<Buffer> {
  const tbs = certificateTbs(template);
  return assembleCertificate(tbs, await issuerSign(tbs));
}

/** What a CRL (RFC 5280 §5) says: its issuer, its period, and the revoked serials. */
export interface CrlTemplate {
  issuerCertificate: Uint8Array;
  thisUpdate: Date;
  nextUpdate: Date;
  revoked?: readonly { serial: Uint8Array; date: Date }[];
}

/** The DER TBSCertList the CRL issuer signs. */
function crlTbs(template: CrlTemplate): TBSCertList {
  const issuer = AsnConvert.parse(template.issuerCertificate, Certificate).tbsCertificate;
  const revoked = (template.revoked ?? []).map(
    (entry) =>
      new RevokedCertificate({
        userCertificate: new Uint8Array(entry.serial).buffer as ArrayBuffer,
        revocationDate: new Time(entry.date),
      }),
  );
  return new TBSCertList({
    version: Version.v2,
    signature: sha256WithRsa(),
    issuer: issuer.subject,
    thisUpdate: new Time(template.thisUpdate),
    nextUpdate: new Time(template.nextUpdate),
    ...(revoked.length > 0 ? { revokedCertificates: revoked } : {}),
  });
}

function assembleCrl(tbs: TBSCertList, signature: Uint8Array): Buffer {
  const list = new CertificateList({
    tbsCertList: tbs,
    signatureAlgorithm: sha256WithRsa(),
    signature: new Uint8Array(signature).buffer as ArrayBuffer,
  });
  return Buffer.from(AsnConvert.serialize(list));
}

/** A CRL signed by the issuer's local key, DER. */
export function issueCrl(template: CrlTemplate, issuerKey: KeyObject): Buffer {
  const tbs = crlTbs(template);
  return assembleCrl(tbs, sign('sha256', Buffer.from(AsnConvert.serialize(tbs)), issuerKey));
}

/** A CRL whose issuer signs through a callback (the KMS-held issuing CA), DER. */
export async function issueCrlWith(
  template: CrlTemplate,
  issuerSign: (tbs: Uint8Array) => Promise<Uint8Array>,
): Promise<Buffer> {
  const tbs = crlTbs(template);
  return assembleCrl(tbs, await issuerSign(new Uint8Array(AsnConvert.serialize(tbs))));
}

/** PEM armour of a DER object. */
export function toPem(label: string, der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The DER bodies of every `label` block of a PEM text, in order. */
export function fromPem(text: string, label = 'CERTIFICATE'): Buffer[] {
  const pattern = new RegExp(
    `-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`,
    'g',
  );
  return [...text.matchAll(pattern)].map((block) =>
    Buffer.from((block[1] ?? '').replace(/\s/g, ''), 'base64'),
  );
}
