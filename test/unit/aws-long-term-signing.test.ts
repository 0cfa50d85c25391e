/**
 * AWS-mode signatures are PAdES B-LT: the short-lived leaf (certified by the KMS double),
 * the issuing CA's own CRL for it (signed in KMS), the district root's CRL fetched from the
 * issuing CA's distribution point, and a time-stamp; then `iep-docs verify` says B-LT with
 * every server stopped. A B-LT that cannot be had fails the signing, unless the profile
 * accepts B-T.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import { KmsKey } from '../../functions/adapters/kms-signer.ts';
import { awsSigner } from '../../functions/adapters/short-lived-signer.ts';
import { ENV } from '../../functions/contract/environment.ts';
import { DistrictDirectory } from '../../functions/core/district.ts';
import { awsPlatform } from '../../functions/platform/aws.ts';
import { issueCertificate, issueCrl, toPem } from '../../functions/render/signing/certificates.ts';
import { signPdfAtLevel, validateDocument } from '../../functions/render/signing/index.ts';
import { trustedSigning } from '../../functions/render/trusted-signing.ts';
import { startLocalTrustServices } from '../../infra/local/time-stamping-authority.ts';
import { fakeKms } from './kms-fake.ts';
import { classicPdf, metadata } from './signing/fixtures.ts';

const CLI = fileURLToPath(new URL('../../bin/iep-docs.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'iep-aws-blt-'));
const now = new Date();
const day = 86_400_000;

const rootPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const root = issueCertificate(
  {
    subject: 'CN=Example USD Root CA, O=Example Unified School District, C=US',
    publicKey: rootPair.publicKey,
    notBefore: new Date(now.getTime() - day),
    notAfter: new Date(now.getTime() + 3650 * day),
    profile: 'ca',
  },
  rootPair.privateKey,
);
const rootCa = { certificate: root, key: rootPair.privateKey };

/** The district root's CRL server (at the issuing CA's distribution point) and a TSA it certifies. */
async function services(options: { crlAnswers: boolean }) {
  let crlRequests = 0;
  const crlServer: Server = createServer((_request, response) => {
    crlRequests++;
    if (!options.crlAnswers) return void response.writeHead(503).end();
    const crl = issueCrl(
      { issuerCertificate: root, thisUpdate: now, nextUpdate: new Date(now.getTime() + 7 * day) },
      rootPair.privateKey,
    );
    response.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(crl);
  });
  await new Promise<void>((resolve) => crlServer.listen(0, '127.0.0.1', resolve));
  const tsa = await startLocalTrustServices(rootCa);
  const { port } = crlServer.address() as AddressInfo;
  return {
    crlUrl: `http://127.0.0.1:${port}/root.crl`,
    tsaUrl: tsa.tsaUrl,
    crlRequests: () => crlRequests,
    close: async () => {
      await new Promise((resolve) => crlServer.close(resolve));
      await tsa.close();
    },
  };
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The KMS key certified by the root as the district's issuing CA, its CRL at `crlUrl`. */
async function deployment(at: { crlUrl: string; tsaUrl: string }) {
  const kms = fakeKms();
  const key = new KmsKey(kms, kms.keyId);
  const issuing = issueCertificate(
    {
      subject: 'CN=Example USD Document Signing CA, O=Example Unified School District, C=US',
      publicKey: await key.publicKey(),
      issuerCertificate: root,
      notBefore: new Date(now.getTime() - day),
      notAfter: new Date(now.getTime() + 365 * day),
      profile: 'ca',
      crlUrl: at.crlUrl,
    },
    rootPair.privateKey,
  );
  const chain = toPem('CERTIFICATE', issuing) + toPem('CERTIFICATE', root);
  const signer = await awsSigner({ kms, keyId: kms.keyId, chain: async () => chain });
  kms.signRequests.length = 0; // count only what signing asks for
  // The AWS platform's own trust wiring, with this signer and the profile's TSA.
  const platform = awsPlatform(
    { signer: async () => signer, districts: () => loadDistrictDirectory() },
    { AWS_REGION: 'us-east-1', [ENV.districtsDir]: 'config/districts' },
  );
  const base = loadDistrictDirectory().get('example-usd');
  const district = (signing: Record<string, unknown> = {}) =>
    DistrictDirectory.parse([
      { ...base, signing: { ...base.signing, timestampAuthorityUrl: at.tsaUrl, ...signing } },
    ]).get(base.districtId);
  const sign = async (profile = district(), dropCrl?: number) => {
    const trusted = await trustedSigning(platform.trust, profile);
    const data = trusted.validationData;
    return signPdfAtLevel(classicPdf(), {
      signer: await platform.signer(),
      reason: 'Official IEP record',
      location: 'Springfield, CA',
      signingTime: new Date(),
      metadata,
      ...trusted,
      ...(data && dropCrl !== undefined
        ? { validationData: { ...data, crls: data.crls.filter((_, i) => i !== dropCrl) } }
        : {}),
    });
  };
  return { kms, sign, district };
}

describe('signatures made in AWS', () => {
  it('are B-LT with the short-lived leaf, and verify offline as B-LT with their time-stamp', async () => {
    // Prepare
    const online = await services({ crlAnswers: true });
    const { kms, sign } = await deployment(online);

    // Act: two documents in one container, then every server stopped before verifying.
    const first = await sign();
    const again = await sign();
    const crlRequests = online.crlRequests();
    await online.close();
    writeFileSync(join(dir, 'aws.pdf'), first.pdf);
    writeFileSync(join(dir, 'root.pem'), toPem('CERTIFICATE', root));
    const run = spawnSync(
      process.execPath,
      [CLI, 'verify', '--json', '--trust', join(dir, 'root.pem'), join(dir, 'aws.pdf')],
      { encoding: 'utf8', env: { ...process.env, IEP_STATE_DIR: join(dir, 'state') } },
    );

    // Assess: two KMS signatures per container (the leaf, its CRL), the root's CRL fetched once.
    expect([first.level, again.level]).toEqual(['B-LT', 'B-LT']);
    expect(kms.signRequests).toHaveLength(2);
    expect(crlRequests).toBe(1);
    expect(run.status, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({ intact: true, trusted: true, level: 'B-LT', reason: null });
    expect(json.timestamp.authority).toMatch(/time-stamping authority/);
    expect(Math.abs(Date.parse(json.timestamp.time) - Date.now())).toBeLessThan(10 * 60_000);
    expect(json.signer).toMatch(/short-lived signing key/);
  });

  it('fail rather than fall to B-T when the root’s CRL cannot be had, unless the profile accepts B-T', async () => {
    // Prepare
    const broken = await services({ crlAnswers: false });
    const { sign, district } = await deployment(broken);

    // Act
    const failed = await sign().catch((error: Error) => error);
    const accepted = await sign(district({ minimumLevel: 'B-T' }));
    await broken.close();

    // Assess: the cause names the certificate and the answer.
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toMatch(/validation data \(CRLs\) for example-usd/);
    expect(String(((failed as Error).cause as Error).message)).toMatch(
      /no current CRL for certificate "Example USD Document Signing CA": CRL .* HTTP 503/,
    );
    expect(accepted.level).toBe('B-T');
  });

  it('are reported B-T, not B-LT, when the DSS lacks the CRL of a certificate on the path', async () => {
    // Prepare
    const online = await services({ crlAnswers: true });
    const { sign, district } = await deployment(online);

    // Act: the DSS without the issuing CA's CRL of the leaf (index 0), then without the root's.
    const withoutLeafCrl = await sign(district(), 0);
    const withoutRootCrl = await sign(district(), 1);
    await online.close();
    const check = (pdf: Uint8Array) =>
      validateDocument(pdf, { anchors: [{ certificate: root, source: 'test' }], now: new Date() });

    // Assess
    expect(check(withoutLeafCrl.pdf)).toMatchObject({ trusted: true, level: 'B-T' });
    expect(check(withoutRootCrl.pdf)).toMatchObject({ trusted: true, level: 'B-T' });
  });

  it('are reported valid and totally signed by poppler pdfsig (when installed)', async (context) => {
    if (spawnSync('pdfsig', ['-v']).error) {
      console.warn('pdfsig is not installed: the poppler cross-check is skipped');
      return context.skip();
    }
    const online = await services({ crlAnswers: true });
    const { sign } = await deployment(online);
    const file = join(dir, 'pdfsig.pdf');
    writeFileSync(file, (await sign()).pdf);
    await online.close();

    const output = execFileSync('pdfsig', ['-nocert', file]).toString();

    expect(output).toMatch(/Signature Validation: Signature is Valid/);
    expect(output).toMatch(/Total document signed/);
  });
});
