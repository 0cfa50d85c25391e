/**
 * Trust, not just integrity: a forgery re-signed with a self-made certificate bearing the
 * district's name is intact but untrusted (exit 4); an expired signer is trusted only when
 * an RFC 3161 time-stamp proves the signature was made while it was valid.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import { DocumentEngine } from '../../functions/render/engine.ts';
import type { PdfPrinter, Signer } from '../../functions/render/ports.ts';
import {
  type CertificateProfile,
  issueCertificate,
  toPem,
} from '../../functions/render/signing/certificates.ts';
import { signPdfAtLevel, type TimestampAuthority } from '../../functions/render/signing/index.ts';
import {
  issueTimestampResponse,
  readTimestampResponse,
  timestampRequest,
} from '../../functions/render/signing/timestamp.ts';
import { sampleDecision } from '../fixtures/decisions.ts';
import { testDevelopmentRoot, testEngine } from '../fixtures/engine.ts';
import { classicPdf, metadata } from '../unit/signing/fixtures.ts';
import { recordFigure } from './support/figures.ts';

const CLI = fileURLToPath(new URL('../../bin/iep-docs.mjs', import.meta.url));
const PART = 'Trust';
const dir = mkdtempSync(join(tmpdir(), 'iep-adv-trust-'));
const day = 86_400_000;

function verify(file: string, ...trust: string[]) {
  const run = spawnSync(
    process.execPath,
    [CLI, 'verify', file, ...trust.flatMap((pem) => ['--trust', pem])],
    // A state folder without a development CA: only --trust is trusted.
    { encoding: 'utf8', env: { ...process.env, IEP_STATE_DIR: join(dir, 'state') } },
  );
  return { code: run.status, json: JSON.parse(run.stdout || '{}'), stderr: run.stderr };
}

interface Pair {
  publicKey: KeyObject;
  privateKey: KeyObject;
}
const keys = (): Pair => generateKeyPairSync('rsa', { modulusLength: 2048 });

function certificate(
  subject: string,
  pair: Pair,
  profile: CertificateProfile,
  from: Date,
  to: Date,
  issuer?: { certificate: Buffer; key: KeyObject },
): Buffer {
  return issueCertificate(
    {
      subject,
      publicKey: pair.publicKey,
      ...(issuer ? { issuerCertificate: issuer.certificate } : {}),
      notBefore: from,
      notAfter: to,
      profile,
    },
    issuer?.key ?? pair.privateKey,
  );
}

const signerOf = (pair: Pair, chain: Buffer[]): Signer => ({
  certificates: async () => chain,
  sign: async (data) => sign('sha256', data, pair.privateKey),
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('documents signed by certificates the district does not trust', () => {
  let printer: PdfPrinter;
  let genuine: Uint8Array;
  let forged: Uint8Array;

  beforeAll(async () => {
    const made = await testEngine();
    printer = made.printer;
    const decision = sampleDecision();
    const real = await made.engine.render(decision);
    // The forger changes a service's minutes and signs with a self-made "district" certificate.
    const changed = sampleDecision(undefined, (raw) => {
      raw.iep.services[0].frequency.minutes = 30;
    });
    const pair = keys();
    const now = new Date();
    const selfMade = certificate(
      'CN=Example Unified School District, O=Example Unified School District, C=US',
      pair,
      'document-signing',
      new Date(now.getTime() - day),
      new Date(now.getTime() + 365 * day),
    );
    const forger = new DocumentEngine({
      printer,
      signer: signerOf(pair, [selfMade]),
      districts: loadDistrictDirectory(),
      clock: () => now,
    });
    const fake = await forger.render(changed);
    if (real.kind !== 'documents' || fake.kind !== 'documents') throw new Error('not rendered');
    genuine = (real.documents[0] as { pdf: Uint8Array }).pdf;
    forged = (fake.documents[0] as { pdf: Uint8Array }).pdf;
  });

  afterAll(async () => {
    await printer?.close();
  });

  it('exits 0 for the genuine document and 4 for the re-signed forgery naming the district', () => {
    // Prepare
    writeFileSync(join(dir, 'genuine.pdf'), genuine);
    writeFileSync(join(dir, 'forged.pdf'), forged);

    // Act
    const real = verify(join(dir, 'genuine.pdf'), testDevelopmentRoot);
    const fake = verify(join(dir, 'forged.pdf'), testDevelopmentRoot);

    // Assess
    recordFigure({
      name: 're-signed forgeries `verify` trusts',
      value: fake.code === 4 ? 0 : 1,
      equals: 0,
      part: PART,
    });
    expect(real.code).toBe(0);
    expect(real.json).toMatchObject({ intact: true, trusted: true, reason: null });
    expect(fake.code).toBe(4);
    expect(fake.json).toMatchObject({
      intact: true,
      trusted: false,
      signer: 'Example Unified School District',
    });
    expect(fake.json.reason).toMatch(/unknown issuer "Example Unified School District"/);
  });
});

describe('an expired signing certificate', () => {
  const validFrom = new Date('2024-01-01T00:00:00Z');
  const validTo = new Date('2025-01-01T00:00:00Z');
  const signedAt = new Date('2024-06-01T12:00:00Z');
  const caPair = keys();
  const ca = {
    certificate: certificate(
      'CN=Example USD issuing CA, O=Example USD',
      caPair,
      'ca',
      validFrom,
      new Date('2040-01-01'),
    ),
    key: caPair.privateKey,
  };
  const leafPair = keys();
  const leaf = certificate(
    'CN=Example USD documents, O=Example USD',
    leafPair,
    'document-signing',
    validFrom,
    validTo,
    ca,
  );
  const tsaPair = keys();
  const tsaCertificate = certificate(
    'CN=Example USD TSA, O=Example USD',
    tsaPair,
    'time-stamping',
    validFrom,
    new Date('2035-01-01'),
    ca,
  );
  const caFile = join(dir, 'ca.pem');
  const tsa: TimestampAuthority = {
    name: 'test TSA',
    timestamp: async (data) => {
      const { der, nonce } = timestampRequest(data);
      const issuer = { key: tsaPair.privateKey, certificate: tsaCertificate, policy: '1.2.3.4' };
      return readTimestampResponse(issueTimestampResponse(der, issuer, signedAt), data, nonce);
    },
  };
  const options = {
    signer: signerOf(leafPair, [leaf, ca.certificate]),
    reason: 'Official IEP record',
    location: 'Springfield, CA',
    signingTime: signedAt,
    metadata,
  };

  it('is not trusted without a time-stamp (4), and trusted with one made while it was valid (0)', async () => {
    // Prepare
    writeFileSync(caFile, toPem('CERTIFICATE', ca.certificate));
    const bare = await signPdfAtLevel(classicPdf(), options);
    const stamped = await signPdfAtLevel(classicPdf(), { ...options, timestampAuthority: tsa });
    writeFileSync(join(dir, 'bare.pdf'), bare.pdf);
    writeFileSync(join(dir, 'stamped.pdf'), stamped.pdf);

    // Act
    const withoutStamp = verify(join(dir, 'bare.pdf'), caFile);
    const withStamp = verify(join(dir, 'stamped.pdf'), caFile);

    // Assess
    expect(withoutStamp.code).toBe(4);
    expect(withoutStamp.json.reason).toMatch(/had expired/);
    expect(withStamp.code).toBe(0);
    expect(withStamp.json).toMatchObject({
      trusted: true,
      level: 'B-T',
      signedAt: signedAt.toISOString(),
      timestamp: { time: signedAt.toISOString(), authority: 'Example USD TSA' },
    });
  });
});
