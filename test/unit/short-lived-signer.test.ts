import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from '../../functions/adapters/kms-certificate.ts';
import { KmsKey } from '../../functions/adapters/kms-signer.ts';
import {
  type IssuedLeaf,
  ShortLivedLeafSigner,
} from '../../functions/adapters/short-lived-signer.ts';
import { signingCertificateOf } from '../../functions/pipeline/store-document.ts';
import { signPdf, validateDocument } from '../../functions/render/signing/index.ts';
import { fakeKms } from './kms-fake.ts';
import { classicPdf, metadata } from './signing/fixtures.ts';

const start = new Date('2026-12-01T08:00:00Z');

async function setup(clock: () => Date) {
  const kms = fakeKms();
  const issuing = await createSelfSignedCertificate({
    key: new KmsKey(kms, kms.keyId),
    subject: 'CN=Example USD Issuing CA, O=Example Unified School District, C=US',
    now: new Date('2026-01-01T00:00:00Z'),
    validityDays: 3650,
    ca: true,
  });
  kms.signRequests.length = 0; // count only what the signer asks for
  const issued: IssuedLeaf[] = [];
  const signer = new ShortLivedLeafSigner({
    kms,
    keyId: kms.keyId,
    issuerChain: async () => issuing.pem,
    subject: 'CN=Example USD IEP Documents, O=Example Unified School District, C=US',
    clock,
    onIssued: (leaf) => issued.push(leaf),
  });
  return { kms, issuing, signer, issued };
}

describe('ShortLivedLeafSigner', () => {
  it('asks KMS once for many documents, with a leaf valid at most 24 hours that chains to the issuing CA', async () => {
    // Prepare
    const now = start;
    const { kms, issuing, signer, issued } = await setup(() => now);

    // Act
    const pdfs = await Promise.all(
      Array.from({ length: 20 }, () =>
        signPdf(classicPdf(), {
          signer,
          reason: 'Official IEP record',
          location: 'Springfield, CA',
          signingTime: now,
          metadata,
        }),
      ),
    );

    // Assess
    expect(kms.signRequests).toHaveLength(1);
    expect(issued).toHaveLength(1);
    const [leaf] = await signer.certificates();
    const certificate = new X509Certificate(leaf as Uint8Array);
    const hours = (Date.parse(certificate.validTo) - Date.parse(certificate.validFrom)) / 3_600_000;
    expect(hours).toBeLessThanOrEqual(24);
    expect(issued[0]?.serial).toBe(certificate.serialNumber);
    // The document record names this leaf: read from the signed file itself.
    expect(signingCertificateOf(pdfs[0] as Uint8Array)).toEqual({
      signerSerial: certificate.serialNumber,
      signerIssuer: 'CN=Example USD Issuing CA, O=Example Unified School District, C=US',
    });
    const result = validateDocument(pdfs[0] as Uint8Array, {
      anchors: [{ certificate: issuing.der, source: 'test' }],
      now,
    });
    expect(result.reason).toBeNull();
    expect(result.trusted).toBe(true);
    expect(result.issuer).toBe('Example USD Issuing CA');
  });

  it('issues a new leaf when the current one has less than an hour left', async () => {
    // Prepare
    let now = start;
    const { kms, signer, issued } = await setup(() => now);
    await signer.sign(Buffer.from('a'));

    // Act
    now = new Date(start.getTime() + 22 * 3_600_000);
    await signer.sign(Buffer.from('b'));
    now = new Date(start.getTime() + 23.5 * 3_600_000);
    await signer.sign(Buffer.from('c'));

    // Assess
    expect(kms.signRequests).toHaveLength(2);
    expect(new Set(issued.map((leaf) => leaf.serial)).size).toBe(2);
  });

  it('refuses an issuing certificate that is not a CA, and tries again on the next call', async () => {
    // Prepare
    const kms = fakeKms();
    const notCa = await createSelfSignedCertificate({
      key: new KmsKey(kms, kms.keyId),
      subject: 'CN=Example USD IEP Documents',
      now: new Date('2026-01-01T00:00:00Z'),
    });
    let reads = 0;
    const signer = new ShortLivedLeafSigner({
      kms,
      keyId: kms.keyId,
      issuerChain: async () => {
        reads++;
        return notCa.pem;
      },
      subject: 'CN=Example USD IEP Documents',
    });

    // Act
    const first = signer.sign(Buffer.from('a'));
    await first.catch(() => undefined);
    const second = signer.sign(Buffer.from('a'));

    // Assess
    await expect(first).rejects.toThrow(/issue the short-lived signing certificate/);
    await expect(second).rejects.toThrow();
    expect(reads).toBe(2);
  });

  it('rejects a validity above 24 hours', () => {
    const kms = fakeKms();
    expect(
      () =>
        new ShortLivedLeafSigner({
          kms,
          keyId: kms.keyId,
          issuerChain: async () => '',
          subject: 'CN=x',
          validityHours: 25,
        }),
    ).toThrow(/0–24 hours/);
  });
});
