/**
 * Certificates for the KMS signing key: a PKCS#10 request for the district's certificate
 * authority, or a self-signed certificate for a test deployment. The public key comes from
 * KMS GetPublicKey and the signature from KMS Sign: the private key never leaves KMS.
 * Also the days-to-expiry metric that the certificate-expiry alarm watches.
 */
import { X509Certificate } from 'node:crypto';
import { CertificationRequest, CertificationRequestInfo } from '@peculiar/asn1-csr';
import { AsnConvert } from '@peculiar/asn1-schema';
import { SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import {
  issueCertificateWith,
  RSA_ENCRYPTION,
  sha256WithRsa,
  subjectName,
  toPem,
} from '../render/signing/certificates.ts';
import { type KmsApi, KmsKey } from './kms-signer.ts';

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

export { subjectName };

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
  return { der, pem: toPem('CERTIFICATE REQUEST', der) };
}

/** What {@link createSelfSignedCertificate} needs. */
export interface SelfSignedOptions extends CertificateRequestOptions {
  /** The clock, injected: notBefore. */
  now: Date;
  /** Validity in days; default 365. */
  validityDays?: number;
  /**
   * An issuing CA certificate (for the short-lived-leaf signing mode) instead of a
   * document-signing certificate.
   */
  ca?: boolean;
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
  const spki = await rsaPublicKey(options.key);
  const der = await issueCertificateWith(
    {
      subject: options.subject,
      publicKey: new Uint8Array(AsnConvert.serialize(spki)),
      notBefore: options.now,
      notAfter: new Date(options.now.getTime() + validityDays * 86_400_000),
      profile: options.ca ? 'ca' : 'document-signing',
    },
    (tbs) => options.key.sign(tbs),
  );
  return { der, pem: toPem('CERTIFICATE', der) };
}

/** Whole days from `now` until the certificate's notAfter (negative once it has expired). */
export function daysUntilExpiry(certificate: Uint8Array, now: Date): number {
  const notAfter = new Date(new X509Certificate(certificate).validTo);
  return Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000);
}

/** The CloudWatch metric the certificate-expiry alarm watches (see `functions/contract/environment.ts`). */
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
  /** With `self-signed`: an issuing CA certificate (short-lived-leaf mode) for a test deployment. */
  ca?: boolean;
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
        ca: options.ca ?? false,
        ...(options.validityDays === undefined ? {} : { validityDays: options.validityDays }),
      });
}
