/**
 * Certificates for the KMS signing key: a PKCS#10 request for the district's certificate
 * authority, or a self-signed certificate for a test deployment. The public key comes from
 * KMS GetPublicKey and the signature from KMS Sign: the private key never leaves KMS.
 * Also the days-to-expiry metric that the certificate-expiry alarm watches.
 */
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { CertificationRequest, CertificationRequestInfo } from '@peculiar/asn1-csr';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  BasicConstraints,
  Certificate,
  Extension,
  Extensions,
  id_ce_basicConstraints,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import { type KmsApi, KmsKey } from './kms-signer.ts';

/** sha256WithRSAEncryption (RFC 4055): what KMS RSASSA_PKCS1_V1_5_SHA_256 produces. */
const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';

/** A key that signs SHA-256 with RSA PKCS#1 v1.5 and tells its public key (e.g. `KmsKey`). */
export interface CertificateKey {
  sign(data: Uint8Array): Promise<Uint8Array>;
  /** DER SubjectPublicKeyInfo. */
  publicKey(): Promise<Uint8Array>;
}

/** A DER object and its PEM armour. */
export interface PemObject {
  der: Uint8Array;
  pem: string;
}

function pem(label: string, der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function sha256WithRsa(): AlgorithmIdentifier {
  // RFC 4055 §5: the parameters of sha256WithRSAEncryption are an explicit NULL.
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
export function subjectName(subject: string): Name {
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

async function rsaPublicKey(key: CertificateKey): Promise<SubjectPublicKeyInfo> {
  const spki = AsnConvert.parse(await key.publicKey(), SubjectPublicKeyInfo);
  if (spki.algorithm.algorithm !== RSA_ENCRYPTION) {
    throw new Error(`signing key is not RSA (algorithm ${spki.algorithm.algorithm})`);
  }
  return spki;
}

/** What {@link createCertificateRequest} needs. */
export interface CertificateRequestOptions {
  key: CertificateKey;
  /** Distinguished name, e.g. "CN=Example USD IEP Documents, O=Example Unified School District, C=US". */
  subject: string;
}

/** A PKCS#10 certificate signing request for the key, signed by the key. */
export async function createCertificateRequest(
  options: CertificateRequestOptions,
): Promise<PemObject> {
  const info = new CertificationRequestInfo({
    version: 0,
    subject: subjectName(options.subject),
    subjectPKInfo: await rsaPublicKey(options.key),
  });
  const signature = await options.key.sign(new Uint8Array(AsnConvert.serialize(info)));
  const request = new CertificationRequest({
    certificationRequestInfo: info,
    signatureAlgorithm: sha256WithRsa(),
    signature: new Uint8Array(signature).buffer as ArrayBuffer,
  });
  const der = new Uint8Array(AsnConvert.serialize(request));
  return { der, pem: pem('CERTIFICATE REQUEST', der) };
}

/** What {@link createSelfSignedCertificate} needs. */
export interface SelfSignedOptions extends CertificateRequestOptions {
  /** The clock, injected: notBefore. */
  now: Date;
  /** Validity in days; default 365. */
  validityDays?: number;
}

function extension(extnID: string, critical: boolean, value: unknown): Extension {
  return new Extension({
    extnID,
    critical,
    extnValue: new OctetString(AsnConvert.serialize(value)),
  });
}

/**
 * A self-signed document-signing certificate for a test deployment: end entity (not a CA),
 * key usage digitalSignature + nonRepudiation, a random 128-bit serial number.
 */
export async function createSelfSignedCertificate(options: SelfSignedOptions): Promise<PemObject> {
  const validityDays = options.validityDays ?? 365;
  if (!Number.isInteger(validityDays) || validityDays < 1) {
    throw new Error(`validity must be a positive number of days, got ${validityDays}`);
  }
  const name = subjectName(options.subject);
  const spki = await rsaPublicKey(options.key);
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f; // a positive INTEGER
  const keyId = createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest();
  const notAfter = new Date(options.now.getTime() + validityDays * 86_400_000);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: new Uint8Array(serial).buffer,
    signature: sha256WithRsa(),
    issuer: name,
    validity: new Validity({ notBefore: options.now, notAfter }),
    subject: name,
    subjectPublicKeyInfo: spki,
    extensions: new Extensions([
      extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
      extension(
        id_ce_keyUsage,
        true,
        new KeyUsage(KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation),
      ),
      extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId)),
    ]),
  });
  const signature = await options.key.sign(new Uint8Array(AsnConvert.serialize(tbs)));
  const certificate = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: sha256WithRsa(),
    signatureValue: new Uint8Array(signature).buffer as ArrayBuffer,
  });
  const der = new Uint8Array(AsnConvert.serialize(certificate));
  return { der, pem: pem('CERTIFICATE', der) };
}

/** Whole days from `now` until the certificate's notAfter (negative once it has expired). */
export function daysUntilExpiry(certificate: Uint8Array, now: Date): number {
  const notAfter = new Date(new X509Certificate(certificate).validTo);
  return Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000);
}

/** The CloudWatch metric the certificate-expiry alarm watches (see `infra/env.ts`). */
export const CERTIFICATE_EXPIRY_METRIC = 'SigningCertificateDaysToExpiry';

/**
 * An Embedded Metric Format record of the signing certificate's days to expiry: log it as one
 * JSON line from any Lambda (the daily sweep does) and CloudWatch turns it into the metric.
 */
export function certificateExpiryMetric(
  certificate: Uint8Array,
  now: Date,
  namespace: string,
  service: string,
): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: now.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [['service']],
          Metrics: [{ Name: CERTIFICATE_EXPIRY_METRIC, Unit: 'Count' }],
        },
      ],
    },
    service,
    [CERTIFICATE_EXPIRY_METRIC]: daysUntilExpiry(certificate, now),
  };
}

/** What {@link kmsCertificate} needs: the KMS key and what to make for it. */
export interface KmsCertificateOptions {
  kms: KmsApi;
  /** Key id, ARN or alias of the RSA SIGN_VERIFY key (the stack's SigningKeyArn output). */
  keyId: string;
  /** Distinguished name, e.g. "CN=Example USD IEP Documents, O=Example Unified School District, C=US". */
  subject: string;
  /** `csr`: a request for the district's certificate authority; `self-signed`: a test certificate. */
  kind: 'csr' | 'self-signed';
  /** The clock, for a self-signed certificate's validity. */
  now: Date;
  /** Validity of a self-signed certificate in days; default 365. */
  validityDays?: number;
}

/**
 * What `iep-docs certificate` makes: a CSR, or a self-signed certificate for a test deployment,
 * signed through KMS with the public key KMS holds. PEM out; store the issued (or self-signed)
 * chain in the stack's certificate SSM parameter.
 */
export async function kmsCertificate(options: KmsCertificateOptions): Promise<PemObject> {
  const key = new KmsKey(options.kms, options.keyId);
  return options.kind === 'csr'
    ? createCertificateRequest({ key, subject: options.subject })
    : createSelfSignedCertificate({
        key,
        subject: options.subject,
        now: options.now,
        ...(options.validityDays === undefined ? {} : { validityDays: options.validityDays }),
      });
}
