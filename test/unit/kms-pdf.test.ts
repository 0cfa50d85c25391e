import { describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from '../../functions/adapters/kms-certificate.ts';
import { KmsKey, KmsSigner } from '../../functions/adapters/kms-signer.ts';
import { signPdf, verifyPdf } from '../../functions/render/signing/index.ts';
import { fakeKms } from './kms-fake.ts';
import { classicPdf, metadata, signingTime } from './signing/fixtures.ts';

describe('a PDF signed through KMS', () => {
  it('verifies intact, signed by the certificate made for the KMS key', async () => {
    // Prepare: a test deployment's identity, made entirely through (fake) KMS.
    const kms = fakeKms();
    const certificate = await createSelfSignedCertificate({
      key: new KmsKey(kms, kms.keyId),
      subject: 'CN=Example USD IEP Documents (test), O=Example Unified School District, C=US',
      now: new Date('2026-11-01T00:00:00Z'),
    });
    const signer = new KmsSigner({
      kms,
      keyId: kms.keyId,
      certificateChain: async () => certificate.pem,
    });
    kms.signRequests.length = 0;

    // Act
    const signed = await signPdf(classicPdf(), {
      signer,
      reason: 'Official IEP record of Example Unified School District',
      location: 'Springfield, CA',
      signingTime,
      metadata,
    });

    // Assess
    const result = verifyPdf(signed);
    expect(result.problems).toEqual([]);
    expect(result.intact).toBe(true);
    expect(result.signer).toBe('Example USD IEP Documents (test)');
    expect(kms.signRequests).toHaveLength(1);
    expect(kms.signRequests[0]?.MessageType).toBe('DIGEST');
  });

  it('does not verify once a byte of the signed file changes', async () => {
    // Prepare
    const kms = fakeKms();
    const certificate = await createSelfSignedCertificate({
      key: new KmsKey(kms, kms.keyId),
      subject: 'CN=Example USD IEP Documents (test)',
      now: new Date('2026-11-01T00:00:00Z'),
    });
    const signer = new KmsSigner({
      kms,
      keyId: kms.keyId,
      certificateChain: async () => certificate.pem,
    });
    const signed = await signPdf(classicPdf(), {
      signer,
      reason: 'r',
      location: 'l',
      signingTime,
      metadata,
    });

    // Act
    const tampered = Uint8Array.from(signed);
    const at = Buffer.from(tampered).indexOf('(Goals)');
    tampered[at + 1] = 'X'.charCodeAt(0);

    // Assess
    expect(verifyPdf(tampered).intact).toBe(false);
  });
});
