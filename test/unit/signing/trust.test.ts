import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpTimestampAuthority } from '../../../functions/adapters/http-timestamp-authority.ts';
import { issueCertificate, issueCrl } from '../../../functions/render/signing/certificates.ts';
import {
  type LocalSigner,
  loadLocalSigner,
  signPdfAtLevel,
  validateDocument,
} from '../../../functions/render/signing/index.ts';
import {
  type LocalTrustServices,
  startLocalTrustServices,
} from '../../../infra/local/time-stamping-authority.ts';
import { classicPdf, metadata } from './fixtures.ts';

const now = new Date();
let signer: LocalSigner;
let services: LocalTrustServices;
let root: Buffer;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'iep-trust-'));
  signer = await loadLocalSigner({ devDir: dir });
  root = signer.developmentCa?.certificate as Buffer;
  services = await startLocalTrustServices(
    signer.developmentCa as NonNullable<LocalSigner['developmentCa']>,
  );
}, 60_000);
afterAll(() => services?.close());

const options = () => ({
  signer,
  reason: 'Official IEP record',
  location: 'Springfield, CA',
  signingTime: now,
  metadata: { ...metadata, keywords: ['doc-1', 'dec-1', 'v3'] },
});

describe('the development CA with the local time-stamping authority', () => {
  it('signs B-LT: time-stamped, DSS with the chain and the CRL, trusted through the root', async () => {
    // Prepare
    const certificates = await signer.certificates();

    // Act
    const { pdf, level } = await signPdfAtLevel(classicPdf(), {
      ...options(),
      timestampAuthority: httpTimestampAuthority({ url: services.tsaUrl }),
      validationData: { certificates, crls: [services.crl()] },
    });
    const result = validateDocument(pdf, {
      anchors: [{ certificate: root, source: 'test' }],
      now,
    });

    // Assess
    expect(level).toBe('B-LT');
    expect(result.reason).toBeNull();
    expect(result).toMatchObject({
      intact: true,
      trusted: true,
      level: 'B-LT',
      documentId: 'doc-1',
      decisionId: 'dec-1',
      version: 3,
    });
    expect(result.issuer).toContain('DEVELOPMENT root CA');
    expect(result.timestamp?.authority).toContain('time-stamping authority');
    expect(Math.abs(Date.parse(result.timestamp?.time ?? '') - now.getTime())).toBeLessThan(60_000);
  });

  it('is not trusted without the development root among the anchors', async () => {
    // Prepare
    const { pdf } = await signPdfAtLevel(classicPdf(), options());
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const stranger = issueCertificate(
      {
        subject: { commonName: 'Some other root', organization: 'Elsewhere' },
        publicKey: other.publicKey,
        notBefore: now,
        notAfter: new Date(now.getTime() + 86_400_000),
        profile: 'ca',
      },
      other.privateKey,
    );

    // Act
    const result = validateDocument(pdf, {
      anchors: [{ certificate: stranger, source: 'x' }],
      now,
    });

    // Assess
    expect(result).toMatchObject({ intact: true, trusted: false, level: 'B-B', timestamp: null });
    expect(result.reason).toMatch(/unknown issuer/);
  });

  it('is not trusted once a CRL at hand revokes the signer', async () => {
    // Prepare
    const { pdf } = await signPdfAtLevel(classicPdf(), options());
    const [leaf] = await signer.certificates();
    const ca = signer.developmentCa as NonNullable<LocalSigner['developmentCa']>;
    const serial = new (await import('node:crypto')).X509Certificate(leaf as Uint8Array)
      .serialNumber;
    const crl = issueCrl(
      {
        issuerCertificate: ca.certificate,
        thisUpdate: now,
        nextUpdate: new Date(now.getTime() + 86_400_000),
        revoked: [{ serial: Buffer.from(serial, 'hex'), date: new Date(now.getTime() - 60_000) }],
      },
      ca.key,
    );

    // Act
    const result = validateDocument(pdf, {
      anchors: [{ certificate: root, source: 'test' }],
      crls: [crl],
      now,
    });

    // Assess
    expect(result.trusted).toBe(false);
    expect(result.reason).toMatch(/revoked/);
  });

  it('fails the signing when the authority does not answer, unless B-B is allowed', async () => {
    // Prepare
    const silent = httpTimestampAuthority({ url: 'http://127.0.0.1:9/tsa', timeoutMs: 2_000 });

    // Act
    const failed = signPdfAtLevel(classicPdf(), { ...options(), timestampAuthority: silent });
    const allowed = await signPdfAtLevel(classicPdf(), {
      ...options(),
      timestampAuthority: silent,
      allowBaselineB: true,
    });

    // Assess
    await expect(failed).rejects.toThrow(/time-stamp from 127.0.0.1:9 failed/);
    expect(allowed.level).toBe('B-B');
  });

  it('is reported valid and totally signed by poppler pdfsig (when installed)', async (context) => {
    if (spawnSync('pdfsig', ['-v']).error) {
      console.warn('pdfsig is not installed: the poppler cross-check is skipped');
      return context.skip();
    }
    // Prepare
    const { pdf } = await signPdfAtLevel(classicPdf(), {
      ...options(),
      timestampAuthority: httpTimestampAuthority({ url: services.tsaUrl }),
      validationData: { certificates: await signer.certificates(), crls: [services.crl()] },
    });
    const file = join(await mkdtemp(join(tmpdir(), 'iep-pdfsig-')), 'signed.pdf');
    await writeFile(file, pdf);

    // Act
    const output = execFileSync('pdfsig', ['-nocert', file]).toString();

    // Assess
    expect(output).toMatch(/Signature Validation: Signature is Valid/);
    expect(output).toMatch(/Total document signed/);
  });
});
