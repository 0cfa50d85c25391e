/**
 * A self-signed X.509 v3 certificate (RFC 5280) for the development identity, written
 * with the DER encoder and signed with node's native RSA: no extra dependency.
 */
import { createHash, type KeyObject, randomBytes, sign } from 'node:crypto';
import { expectTlv, octetString, oid, sequence, smallInteger, Tag, tlv } from './der.ts';

/** Subject (and issuer) of a self-signed certificate. */
export interface CertificateSubject {
  commonName: string;
  organization: string;
}

const sha256WithRsa = (): Buffer => sequence(oid('1.2.840.113549.1.1.11'), tlv(Tag.null));

function name(subject: CertificateSubject): Buffer {
  const rdn = (type: string, value: string): Buffer =>
    tlv(Tag.set, sequence(oid(type), tlv(0x0c, Buffer.from(value, 'utf8'))));
  return sequence(rdn('2.5.4.10', subject.organization), rdn('2.5.4.3', subject.commonName));
}

function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const year = date.getUTCFullYear();
  // UTCTime until 2049, GeneralizedTime after (RFC 5280 §4.1.2.5).
  return year < 2050
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`, 'latin1'))
    : tlv(0x18, Buffer.from(`${iso}Z`, 'latin1'));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical
    ? sequence(oid(id), tlv(0x01, Uint8Array.of(0xff)), octetString(value))
    : sequence(oid(id), octetString(value));
}

/** A self-signed end-entity signing certificate for `publicKey`, DER. */
export function selfSignedCertificate(
  subject: CertificateSubject,
  publicKey: KeyObject,
  privateKey: KeyObject,
  notBefore: Date,
  notAfter: Date,
): Buffer {
  return issueCertificate({
    subject,
    publicKey,
    issuer: subject,
    issuerKey: privateKey,
    notBefore,
    notAfter,
  });
}

/** What a certificate says and who signs it. */
export interface CertificateRequest {
  subject: CertificateSubject;
  publicKey: KeyObject;
  issuer: CertificateSubject;
  issuerKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  /** A CA certificate (for test chains); end-entity signing certificate otherwise. */
  ca?: boolean;
}

/** Issues an X.509 v3 certificate, DER. */
export function issueCertificate(request: CertificateRequest): Buffer {
  const { subject, publicKey, notBefore, notAfter } = request;
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const spkiTlv = expectTlv(spki, 0, Tag.sequence, 'subjectPublicKeyInfo');
  const algorithm = expectTlv(spkiTlv.content, 0, Tag.sequence, 'algorithm');
  const keyBits = expectTlv(spkiTlv.content, algorithm.end, 0x03, 'subjectPublicKey');
  const serial = randomBytes(16);
  serial[0] = ((serial[0] as number) & 0x7f) | 0x01; // positive, minimal, non-zero
  const extensions = [
    request.ca
      ? extension('2.5.29.19', true, sequence(tlv(0x01, Uint8Array.of(0xff)))) // cA
      : extension('2.5.29.19', true, sequence()), // not a CA
    request.ca
      ? extension('2.5.29.15', true, tlv(0x03, Uint8Array.of(1, 0x06))) // keyCertSign, cRLSign
      : extension('2.5.29.15', true, tlv(0x03, Uint8Array.of(6, 0xc0))), // digitalSignature, nonRepudiation
    extension(
      '2.5.29.14',
      false,
      octetString(createHash('sha1').update(keyBits.content.subarray(1)).digest()),
    ),
  ];
  const tbs = sequence(
    tlv(Tag.context0, smallInteger(2)),
    tlv(Tag.integer, serial),
    sha256WithRsa(),
    name(request.issuer),
    sequence(time(notBefore), time(notAfter)),
    name(subject),
    spki,
    tlv(0xa3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, request.issuerKey);
  return sequence(tbs, sha256WithRsa(), tlv(0x03, Uint8Array.of(0), signature));
}
