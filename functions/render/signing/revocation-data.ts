/**
 * What B-LT needs of a certificate chain (ETSI EN 319 142-1 §5.4, RFC 5280 §5): which of its
 * certificates need their issuer's CRL, where each says that CRL is published (its CRL
 * distribution points), and whether a CRL fetched from there is the right, current one.
 * Pure: fetching is an adapter's (functions/adapters/chain-revocation.ts).
 */
import { verify as verifySignature, X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  Certificate,
  CertificateList,
  CRLDistributionPoints,
  id_ce_cRLDistributionPoints,
} from '@peculiar/asn1-x509';
import { displayName } from './trust.ts';

/** The http(s) URLs of a certificate's CRL distribution points, in order (LDAP ones skipped). */
export function crlDistributionUrls(certificate: Uint8Array): string[] {
  const asn = AsnConvert.parse(certificate, Certificate);
  const found = asn.tbsCertificate.extensions?.find(
    (e) => e.extnID === id_ce_cRLDistributionPoints,
  );
  if (!found) return [];
  const points = AsnConvert.parse(found.extnValue.buffer, CRLDistributionPoints);
  return points
    .flatMap((point) => point.distributionPoint?.fullName ?? [])
    .map((name) => name.uniformResourceIdentifier)
    .filter((uri): uri is string => typeof uri === 'string' && /^https?:\/\//i.test(uri));
}

/** Whether a certificate issued itself (a root: nothing above it can revoke it). */
export function isSelfIssued(certificate: Uint8Array): boolean {
  const node = new X509Certificate(certificate);
  return node.checkIssued(node);
}

/** What a fetched CRL must be for the certificate it is meant to cover. */
export interface CrlCheck {
  /** The certificate whose revocation status the CRL must give. */
  subject: Uint8Array;
  /** Its issuer's certificate, when the chain holds it: the CRL's signature is checked with it. */
  issuer?: Uint8Array;
  /** The CRL must still be current at this time. */
  at: Date;
  /** Where it came from, for messages. */
  source: string;
}

/**
 * Checks that `der` is a CRL of the subject's issuer, signed by it (when known), current at
 * `at`, and not revoking the subject; returns its nextUpdate. Throws naming what is wrong.
 */
export function checkCrl(der: Uint8Array, check: CrlCheck): Date {
  const subject = AsnConvert.parse(check.subject, Certificate).tbsCertificate;
  const name = displayName(new X509Certificate(check.subject).subject);
  let list: CertificateList;
  try {
    list = AsnConvert.parse(der, CertificateList);
  } catch {
    throw new Error(`the CRL from ${check.source} is not a DER CRL`);
  }
  const tbs = list.tbsCertList;
  const issuerName = Buffer.from(AsnConvert.serialize(tbs.issuer));
  if (!issuerName.equals(Buffer.from(AsnConvert.serialize(subject.issuer))))
    throw new Error(`the CRL from ${check.source} is not issued by the issuer of "${name}"`);
  if (check.issuer) {
    const signed =
      list.tbsCertListRaw !== undefined &&
      verifySignature(
        'sha256',
        new Uint8Array(list.tbsCertListRaw),
        new X509Certificate(check.issuer).publicKey,
        new Uint8Array(list.signature),
      );
    if (!signed) throw new Error(`the CRL from ${check.source} is not signed by its issuer`);
  }
  const nextUpdate = tbs.nextUpdate?.getTime();
  if (!nextUpdate) throw new Error(`the CRL from ${check.source} has no nextUpdate`);
  if (nextUpdate.getTime() <= check.at.getTime())
    throw new Error(
      `the CRL from ${check.source} is out of date (nextUpdate ${nextUpdate.toISOString()})`,
    );
  const serial = Buffer.from(subject.serialNumber);
  if (tbs.revokedCertificates?.some((entry) => Buffer.from(entry.userCertificate).equals(serial)))
    throw new Error(`certificate "${name}" is revoked (CRL from ${check.source})`);
  return nextUpdate;
}
