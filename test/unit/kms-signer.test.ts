import { createHash, createPublicKey, verify, X509Certificate } from 'node:crypto';
import type { GetParameterCommand } from '@aws-sdk/client-ssm';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { AsnConvert } from '@peculiar/asn1-schema';
import { describe, expect, it } from 'vitest';
import {
  certificateExpiryMetric,
  createCertificateRequest,
  createSelfSignedCertificate,
  daysUntilExpiry,
  kmsCertificate,
} from '../../functions/adapters/kms-certificate.ts';
import {
  CertificateKeyMismatch,
  KmsKey,
  KmsSigner,
  pemCertificates,
  ssmCertificateChain,
} from '../../functions/adapters/kms-signer.ts';
import { fakeKms } from './kms-fake.ts';
import { testIdentity } from './signing/fixtures.ts';

const subject = 'CN=Example USD IEP Documents, O=Example Unified School District, C=US';
const now = new Date('2026-11-01T00:00:00Z');

async function selfSignedSigner() {
  const kms = fakeKms();
  const certificate = await createSelfSignedCertificate({
    key: new KmsKey(kms, kms.keyId),
    subject,
    now,
  });
  const signer = new KmsSigner({
    kms,
    keyId: kms.keyId,
    certificateChain: async () => certificate.pem,
  });
  return { kms, certificate, signer };
}

describe('KmsSigner', () => {
  it('sends KMS only the SHA-256 digest, as a DIGEST message for RSASSA_PKCS1_V1_5_SHA_256', async () => {
    // Prepare
    const { kms, signer } = await selfSignedSigner();
    const data = new TextEncoder().encode('the signed attributes of a PDF signature');
    kms.signRequests.length = 0;

    // Act
    await signer.sign(data);

    // Assess
    expect(kms.signRequests).toHaveLength(1);
    const request = kms.signRequests[0];
    expect(request?.KeyId).toBe(kms.keyId);
    expect(request?.MessageType).toBe('DIGEST');
    expect(request?.SigningAlgorithm).toBe('RSASSA_PKCS1_V1_5_SHA_256');
    expect(Buffer.from(request?.Message ?? [])).toEqual(createHash('sha256').update(data).digest());
  });

  it('returns a signature that verifies as sha256WithRSAEncryption over the data', async () => {
    // Prepare
    const { kms, signer } = await selfSignedSigner();
    const data = new TextEncoder().encode('bytes to sign');

    // Act
    const signature = await signer.sign(data);

    // Assess
    expect(verify('sha256', data, kms.publicKey, signature)).toBe(true);
    expect(verify('sha256', new TextEncoder().encode('other'), kms.publicKey, signature)).toBe(
      false,
    );
  });

  it('reads the certificate chain once and returns it signer first, as DER', async () => {
    // Prepare
    const { certificate } = await selfSignedSigner();
    const kms = fakeKms();
    const requests: string[] = [];
    const ssm = {
      send: async (command: GetParameterCommand) => {
        requests.push(`${command.input.Name}:${command.input.WithDecryption}`);
        return { Parameter: { Value: `${certificate.pem}${certificate.pem}` } };
      },
    };
    const signer = new KmsSigner({
      kms,
      keyId: kms.keyId,
      certificateChain: ssmCertificateChain(ssm, '/iep-docs/signing/certificate-chain'),
    });

    // Act
    const first = await signer.certificates();
    const second = await signer.certificates();

    // Assess
    expect(requests).toEqual(['/iep-docs/signing/certificate-chain:true']);
    expect(second).toBe(first);
    expect(first).toHaveLength(2);
    expect(Buffer.from(first[0] ?? [])).toEqual(Buffer.from(certificate.der));
  });

  it('retries reading the chain after a failed read', async () => {
    // Prepare
    const { certificate } = await selfSignedSigner();
    const kms = fakeKms();
    let calls = 0;
    const signer = new KmsSigner({
      kms,
      keyId: kms.keyId,
      certificateChain: async () => {
        calls += 1;
        if (calls === 1) throw new Error('ThrottlingException');
        return certificate.pem;
      },
    });

    // Act
    const failure = await signer.certificates().catch((error: unknown) => error);
    const chain = await signer.certificates();

    // Assess
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe('read signing certificate chain');
    expect(chain).toHaveLength(1);
  });

  it('wraps a KMS failure with what it was doing', async () => {
    // Prepare
    const kms = fakeKms();
    const signer = new KmsSigner({
      kms,
      keyId: 'alias/another-key',
      certificateChain: async () => '',
    });

    // Act
    const failure = await signer.sign(new Uint8Array([1])).catch((error: unknown) => error);

    // Assess
    expect((failure as Error).message).toBe('sign with KMS');
    expect(String((failure as Error).cause)).toContain('NotFoundException');
  });
});

describe('KmsSigner certificate check', () => {
  it('refuses a certificate that holds another public key than the KMS key', async () => {
    // Prepare: a certificate for a key that is not the KMS key.
    const kms = fakeKms();
    const other = testIdentity({ commonName: 'Another key' });
    const pem = other.certificates
      .map(
        (der) =>
          `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`,
      )
      .join('');
    const signer = new KmsSigner({ kms, keyId: kms.keyId, certificateChain: async () => pem });

    // Act
    const failure = await signer.certificates().catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(CertificateKeyMismatch);
    expect((failure as Error).message).toContain('CN=Another key');
  });

  it('accepts the certificate issued for the KMS key', async () => {
    const { signer, certificate } = await selfSignedSigner();

    const chain = await signer.certificates();

    expect(Buffer.from(chain[0] ?? [])).toEqual(Buffer.from(certificate.der));
  });
});

describe('pemCertificates', () => {
  it('rejects text without a certificate', () => {
    expect(() => pemCertificates('not a certificate')).toThrow(/no PEM certificate/);
  });
});

describe('KMS certificates', () => {
  it('makes a CSR whose public key is the KMS key and whose signature verifies', async () => {
    // Prepare
    const kms = fakeKms();

    // Act
    const csr = await createCertificateRequest({ key: new KmsKey(kms, kms.keyId), subject });

    // Assess
    const request = AsnConvert.parse(csr.der, CertificationRequest);
    const info = request.certificationRequestInfo;
    const spki = Buffer.from(AsnConvert.serialize(info.subjectPKInfo));
    expect(spki).toEqual(kms.publicKey.export({ type: 'spki', format: 'der' }));
    expect(request.signatureAlgorithm.algorithm).toBe('1.2.840.113549.1.1.11');
    const signed = Buffer.from(AsnConvert.serialize(info));
    const publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    expect(verify('sha256', signed, publicKey, Buffer.from(request.signature))).toBe(true);
    expect(info.subject.map((rdn) => rdn[0]?.value.toString())).toEqual([
      'Example USD IEP Documents',
      'Example Unified School District',
      'US',
    ]);
    expect(csr.pem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n/);
    expect(kms.signRequests).toHaveLength(1);
  });

  it('makes a self-signed end-entity certificate signed by the KMS key', async () => {
    // Prepare
    const kms = fakeKms();

    // Act
    const certificate = await createSelfSignedCertificate({
      key: new KmsKey(kms, kms.keyId),
      subject,
      now,
      validityDays: 90,
    });

    // Assess
    const parsed = new X509Certificate(certificate.der);
    expect(parsed.verify(kms.publicKey)).toBe(true);
    expect(parsed.ca).toBe(false);
    expect(parsed.subject).toContain('CN=Example USD IEP Documents');
    expect(new Date(parsed.validFrom).toISOString()).toBe(now.toISOString());
    expect(daysUntilExpiry(certificate.der, now)).toBe(90);
    expect(certificate.pem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
  });

  it('refuses a subject it cannot encode faithfully', async () => {
    const kms = fakeKms();
    const key = new KmsKey(kms, kms.keyId);
    await expect(createCertificateRequest({ key, subject: 'CN=x, C=USA' })).rejects.toThrow(
      /two-letter/,
    );
    await expect(createCertificateRequest({ key, subject: 'XX=y' })).rejects.toThrow(/cannot read/);
  });

  it('refuses an empty subject', async () => {
    const kms = fakeKms();
    await expect(
      createCertificateRequest({ key: new KmsKey(kms, kms.keyId), subject: ' ' }),
    ).rejects.toThrow(/subject is empty/);
  });

  it('reports days to expiry as an embedded metric the alarm can watch', async () => {
    // Prepare
    const { certificate } = await selfSignedSigner();
    const later = new Date(now.getTime() + 320 * 86_400_000);

    // Act
    const record = certificateExpiryMetric(certificate.der, later, 'IepDocs', 'iep-docs');

    // Assess
    expect(record).toMatchObject({
      service: 'iep-docs',
      SigningCertificateDaysToExpiry: 45,
      _aws: { CloudWatchMetrics: [{ Namespace: 'IepDocs', Dimensions: [['service']] }] },
    });
  });
});

describe('kmsCertificate', () => {
  it('makes either a CSR or a self-signed certificate for the key, as the CLI asks', async () => {
    // Prepare
    const kms = fakeKms();
    const base = { kms, keyId: kms.keyId, subject, now };

    // Act
    const csr = await kmsCertificate({ ...base, kind: 'csr' });
    const certificate = await kmsCertificate({ ...base, kind: 'self-signed', validityDays: 30 });

    // Assess
    expect(csr.pem).toContain('BEGIN CERTIFICATE REQUEST');
    expect(new X509Certificate(certificate.der).verify(kms.publicKey)).toBe(true);
    expect(daysUntilExpiry(certificate.der, now)).toBe(30);
  });
});
