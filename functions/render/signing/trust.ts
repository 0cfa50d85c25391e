/**
 * Certification path validation (RFC 5280 §6, the parts a document signature needs): from
 * the signer's certificate to a trust anchor, each certificate signed by the next, valid at
 * the validation time, CA and key usage constraints, and revocation from the CRLs at hand.
 * Pure: the validation time is an argument (the timestamp's time, or now).
 */
import { verify as verifySignature, X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  BasicConstraints,
  Certificate,
  CertificateList,
  ExtendedKeyUsage,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  KeyUsage,
  KeyUsageFlags,
} from '@peculiar/asn1-x509';
import { EKU_DOCUMENT_SIGNING, EKU_TIME_STAMPING } from './certificates.ts';

/** What the end-entity certificate must be allowed to do. */
export type CertificatePurpose = 'document-signing' | 'time-stamping';

/** The inputs of one path validation. */
export interface PathInput {
  /** The end-entity certificate, DER. */
  leaf: Uint8Array;
  /** Other certificates that may be intermediates (the CMS's, the DSS's). */
  intermediates: readonly Uint8Array[];
  /** Self-signed roots (or pinned certificates) the relying party trusts. */
  anchors: readonly Uint8Array[];
  /** CRLs from the document's DSS or the verifier. */
  crls: readonly Uint8Array[];
  /** The time the certificates must be valid at. */
  at: Date;
  purpose: CertificatePurpose;
  /** Require id-kp-documentSigning (RFC 9336) on a document-signing leaf. */
  requireDocumentSigningEku?: boolean;
}

/** The outcome: trusted with the path's issuer, or the reason it is not. */
export type PathResult =
  | {
      trusted: true;
      /** The end-entity certificate's subject and issuer (CN). */
      subject: string;
      issuer: string;
      anchor: Uint8Array;
      revocation: 'good' | 'not-checked';
    }
  | { trusted: false; reason: string };

const MAX_DEPTH = 6;

/** The CN (else the whole subject) of a certificate name, as node prints it. */
export function displayName(subject: string): string {
  return (
    subject
      .split('\n')
      .find((part) => part.startsWith('CN='))
      ?.slice(3) ?? subject
  );
}

interface Parsed {
  der: Buffer;
  node: X509Certificate;
  asn: Certificate;
}

function parse(der: Uint8Array): Parsed {
  const bytes = Buffer.from(der);
  return {
    der: bytes,
    node: new X509Certificate(bytes),
    asn: AsnConvert.parse(bytes, Certificate),
  };
}

function extensionValue<T>(cert: Parsed, id: string, type: new () => T): T | undefined {
  const found = cert.asn.tbsCertificate.extensions?.find((e) => e.extnID === id);
  return found ? AsnConvert.parse(found.extnValue.buffer, type) : undefined;
}

function keyUsage(cert: Parsed): number | undefined {
  return extensionValue(cert, id_ce_keyUsage, KeyUsage)?.toNumber();
}

/** Whether a certificate carries id-kp-documentSigning (RFC 9336). */
export function hasDocumentSigningEku(der: Uint8Array): boolean {
  const eku = extensionValue(parse(der), id_ce_extKeyUsage, ExtendedKeyUsage) ?? [];
  return eku.includes(EKU_DOCUMENT_SIGNING);
}

/** Validity at `at` (RFC 5280 §6.1.3 (a)(2)). */
function validityProblem(cert: Parsed, at: Date): string | undefined {
  const notBefore = cert.asn.tbsCertificate.validity.notBefore.getTime();
  const notAfter = cert.asn.tbsCertificate.validity.notAfter.getTime();
  const name = displayName(cert.node.subject);
  if (at < notBefore) return `certificate "${name}" was not yet valid at ${at.toISOString()}`;
  if (at > notAfter)
    return `certificate "${name}" had expired at ${at.toISOString()} (valid until ${notAfter.toISOString()})`;
  return undefined;
}

/** What an end-entity certificate must allow for its purpose. */
function purposeProblem(cert: Parsed, input: PathInput): string | undefined {
  const usage = keyUsage(cert);
  const eku = extensionValue(cert, id_ce_extKeyUsage, ExtendedKeyUsage) ?? [];
  const name = displayName(cert.node.subject);
  if (input.purpose === 'time-stamping') {
    // RFC 3161 §2.3: exactly id-kp-timeStamping, critical.
    const critical = cert.asn.tbsCertificate.extensions?.find(
      (e) => e.extnID === id_ce_extKeyUsage,
    )?.critical;
    if (eku.length !== 1 || eku[0] !== EKU_TIME_STAMPING || !critical)
      return `certificate "${name}" is not a time-stamping certificate (RFC 3161 §2.3)`;
    return undefined;
  }
  const signing = KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation;
  if (usage !== undefined && (usage & signing) === 0)
    return `certificate "${name}" does not allow digitalSignature or nonRepudiation`;
  if (input.requireDocumentSigningEku && !eku.includes(EKU_DOCUMENT_SIGNING))
    return `certificate "${name}" lacks the document-signing extended key usage (RFC 9336)`;
  if (eku.length > 0 && !eku.includes(EKU_DOCUMENT_SIGNING) && !eku.includes('2.5.29.37.0'))
    return `certificate "${name}" is restricted to other purposes (extended key usage)`;
  return undefined;
}

/** An issuing certificate must be a CA allowed to sign certificates (§6.1.4 (k), (n)). */
function caProblem(cert: Parsed): string | undefined {
  const constraints = extensionValue(cert, id_ce_basicConstraints, BasicConstraints);
  const usage = keyUsage(cert);
  const name = displayName(cert.node.subject);
  if (!constraints?.cA) return `certificate "${name}" is not a certification authority`;
  if (usage !== undefined && (usage & KeyUsageFlags.keyCertSign) === 0)
    return `certificate "${name}" may not sign certificates`;
  return undefined;
}

/** Whether `crls` revoke `cert` (issued by `issuer`) at or before `at`; undefined: no CRL. */
function revocation(
  cert: Parsed,
  issuer: Parsed,
  crls: readonly Uint8Array[],
  at: Date,
): 'good' | 'revoked' | undefined {
  let checked = false;
  for (const der of crls) {
    let list: CertificateList;
    try {
      list = AsnConvert.parse(der, CertificateList);
    } catch {
      continue;
    }
    const issuerName = Buffer.from(AsnConvert.serialize(list.tbsCertList.issuer));
    const expected = Buffer.from(AsnConvert.serialize(issuer.asn.tbsCertificate.subject));
    if (!issuerName.equals(expected) || !list.tbsCertListRaw) continue;
    const signed = verifySignature(
      'sha256',
      new Uint8Array(list.tbsCertListRaw),
      issuer.node.publicKey,
      new Uint8Array(list.signature),
    );
    if (!signed) continue;
    checked = true;
    const serial = Buffer.from(cert.asn.tbsCertificate.serialNumber);
    const entry = list.tbsCertList.revokedCertificates?.find((revoked) =>
      Buffer.from(revoked.userCertificate).equals(serial),
    );
    if (entry && entry.revocationDate.getTime() <= at) return 'revoked';
  }
  return checked ? 'good' : undefined;
}

/** Validates the path from `input.leaf` to one of `input.anchors`. */
export function validatePath(input: PathInput): PathResult {
  let current: Parsed;
  try {
    current = parse(input.leaf);
  } catch (error) {
    return {
      trusted: false,
      reason: `the signer certificate does not parse: ${(error as Error).message}`,
    };
  }
  const leaf = current;
  const anchors = input.anchors.map(parse);
  const pool = [...anchors, ...input.intermediates.map(parse)];
  const purpose = purposeProblem(current, input);
  if (purpose) return { trusted: false, reason: purpose };
  let revocationState: 'good' | 'not-checked' = 'good';
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const expiry = validityProblem(current, input.at);
    if (expiry) return { trusted: false, reason: expiry };
    const anchor = anchors.find((candidate) => candidate.der.equals(current.der));
    if (anchor) {
      return {
        trusted: true,
        subject: displayName(leaf.node.subject),
        issuer: displayName(leaf.node.issuer),
        anchor: anchor.der,
        revocation: revocationState,
      };
    }
    const issuer = pool.find(
      (candidate) =>
        !candidate.der.equals(current.der) &&
        current.node.checkIssued(candidate.node) &&
        current.node.verify(candidate.node.publicKey),
    );
    if (!issuer) {
      const name = displayName(current.node.subject);
      const selfSigned = current.node.checkIssued(current.node);
      return {
        trusted: false,
        reason: selfSigned
          ? `unknown issuer "${name}": a self-signed certificate that is not a trust anchor`
          : `unknown issuer "${displayName(current.node.issuer)}": no trust anchor issued "${name}"`,
      };
    }
    const ca = caProblem(issuer);
    if (ca) return { trusted: false, reason: ca };
    const status = revocation(current, issuer, input.crls, input.at);
    if (status === 'revoked')
      return {
        trusted: false,
        reason: `certificate "${displayName(current.node.subject)}" is revoked`,
      };
    if (status === undefined) revocationState = 'not-checked';
    current = issuer;
  }
  return { trusted: false, reason: 'the certificate path is too long' };
}
