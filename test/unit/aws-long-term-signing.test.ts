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
import {
  signPdfAtLevel,
  validateDocument,
  verifyPdf,
} from '../../functions/render/signing/index.ts';
import { issueTimestampResponse } from '../../functions/render/signing/timestamp.ts';
import { trustedSigning } from '../../functions/render/trusted-signing.ts';
import { fakeKms } from './kms-fake.ts';
import { classicPdf, metadata, testRoot } from './signing/fixtures.ts';

const CLI = fileURLToPath(new URL('../../bin/iep-docs.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'iep-aws-blt-'));
const now = new Date();
const day = 86_400_000;

const { certificate: root, privateKey: rootKey } = testRoot(
  'CN=Example USD Root CA, O=Example Unified School District, C=US',
  now,
);

/** A third-party time-stamping authority's own root, distinct from the district's. */
const { certificate: tsaRoot, privateKey: tsaRootKey } = testRoot(
  'CN=Example Trust Services Root CA, O=Example Trust Services, C=US',
  now,
);

/**
 * The district root's CRL server (at the issuing CA's distribution point) and a third-party
 * TSA certified by its own root, whose CRL the same server publishes at the TSA
 * certificate's distribution point (`tsaCrlAnswers: false` withholds only that one).
 */
async function services(options: { crlAnswers: boolean; tsaCrlAnswers?: boolean }) {
  let crlRequests = 0;
  let tsaCrlRequests = 0;
  const tsaPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let tsaCertificate: Buffer | undefined;
  const server: Server = createServer((request, response) => {
    if (request.method === 'POST' && request.url === '/tsa') {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const issuer = {
          key: tsaPair.privateKey,
          certificate: tsaCertificate as Buffer,
          policy: '2.25.1',
        };
        const reply = issueTimestampResponse(Buffer.concat(chunks), issuer, new Date());
        response.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(reply);
      });
      return;
    }
    const forTsa = request.url === '/tsa-root.crl';
    if (forTsa) tsaCrlRequests++;
    else crlRequests++;
    if (!(forTsa ? (options.tsaCrlAnswers ?? true) : options.crlAnswers))
      return void response.writeHead(503).end();
    const [issuerCertificate, key] = forTsa ? [tsaRoot, tsaRootKey] : [root, rootKey];
    const crl = issueCrl(
      { issuerCertificate, thisUpdate: now, nextUpdate: new Date(now.getTime() + 7 * day) },
      key,
    );
    response.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(crl);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  tsaCertificate = issueCertificate(
    {
      subject: 'CN=Example Trust Services time-stamping authority, O=Example Trust Services, C=US',
      publicKey: tsaPair.publicKey,
      issuerCertificate: tsaRoot,
      notBefore: new Date(now.getTime() - day),
      notAfter: new Date(now.getTime() + 365 * day),
      profile: 'time-stamping',
      crlUrl: `http://127.0.0.1:${port}/tsa-root.crl`,
    },
    tsaRootKey,
  );
  return {
    crlUrl: `http://127.0.0.1:${port}/root.crl`,
    tsaUrl: `http://127.0.0.1:${port}/tsa`,
    crlRequests: () => crlRequests,
    tsaCrlRequests: () => tsaCrlRequests,
    tsaCertificate: () => tsaCertificate as Buffer,
    close: () => new Promise((resolve) => server.close(resolve)),
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
    rootKey,
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
    const tsaCrlRequests = online.tsaCrlRequests();
    await online.close();
    writeFileSync(join(dir, 'aws.pdf'), first.pdf);
    writeFileSync(join(dir, 'root.pem'), toPem('CERTIFICATE', root));
    writeFileSync(join(dir, 'tsa-root.pem'), toPem('CERTIFICATE', tsaRoot));
    const evidence = verifyPdf(first.pdf).evidence;
    const held = (list: readonly Uint8Array[] | undefined, der: Uint8Array) =>
      (list ?? []).some((item) => Buffer.from(item).equals(der));
    const trust = ['--trust', join(dir, 'root.pem'), '--trust', join(dir, 'tsa-root.pem')];
    const run = spawnSync(
      process.execPath,
      [CLI, 'verify', '--json', ...trust, join(dir, 'aws.pdf')],
      { encoding: 'utf8', env: { ...process.env, IEP_STATE_DIR: join(dir, 'state') } },
    );

    // Assess: two KMS signatures per container (the leaf, its CRL), each root's CRL fetched once;
    // the DSS holds the TSA's certificate and its root's CRL besides the signer's chain.
    expect([first.level, again.level]).toEqual(['B-LT', 'B-LT']);
    expect(kms.signRequests).toHaveLength(2);
    expect([crlRequests, tsaCrlRequests]).toEqual([1, 1]);
    expect(held(evidence?.dssCertificates, online.tsaCertificate())).toBe(true);
    expect(evidence?.dssCrls).toHaveLength(3);
    expect(run.status, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({ intact: true, trusted: true, level: 'B-LT', reason: null });
    expect(json.timestamp.authority).toMatch(/Example Trust Services time-stamping authority/);
    expect(Math.abs(Date.parse(json.timestamp.time) - Date.now())).toBeLessThan(10 * 60_000);
    expect(json.signer).toMatch(/short-lived signing key/);
  });

  it('fail rather than fall to B-T when the root’s CRL cannot be had, unless the profile accepts B-T', async () => {
    // Prepare
    const broken = await services({ crlAnswers: false });
    const { sign, district } = await deployment(broken);
    const tsaBroken = await services({ crlAnswers: true, tsaCrlAnswers: false });
    const tsaSide = await deployment(tsaBroken);

    // Act
    const failed = await sign().catch((error: Error) => error);
    const accepted = await sign(district({ minimumLevel: 'B-T' }));
    const tsaFailed = await tsaSide.sign().catch((error: Error) => error);
    const tsaAccepted = await tsaSide.sign(tsaSide.district({ minimumLevel: 'B-T' }));
    await broken.close();
    await tsaBroken.close();

    // Assess: the cause names the certificate and the answer.
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toMatch(/validation data \(CRLs\) for example-usd/);
    expect(String(((failed as Error).cause as Error).message)).toMatch(
      /no current CRL for certificate "Example USD Document Signing CA": CRL .* HTTP 503/,
    );
    expect(accepted.level).toBe('B-T');
    // The TSA's own chain: its root's CRL withheld fails a B-LT profile too.
    expect(tsaFailed).toBeInstanceOf(Error);
    expect(String(((tsaFailed as Error).cause as Error).message)).toMatch(
      /no current CRL for certificate "Example Trust Services time-stamping authority": CRL .* HTTP 503/,
    );
    expect(tsaAccepted.level).toBe('B-T');
  });

  it('are reported B-T, not B-LT, when the DSS lacks the CRL of a certificate on the path', async () => {
    // Prepare
    const online = await services({ crlAnswers: true });
    const { sign, district } = await deployment(online);

    // Act: the DSS without the issuing CA's CRL of the leaf (index 0), without the root's,
    // then without the TSA root's CRL of the TSA's certificate (index 2).
    const withoutLeafCrl = await sign(district(), 0);
    const withoutRootCrl = await sign(district(), 1);
    const withoutTsaCrl = await sign(district(), 2);
    const complete = await sign(district());
    await online.close();
    const anchors = [root, tsaRoot].map((certificate) => ({ certificate, source: 'test' }));
    const check = (pdf: Uint8Array) => validateDocument(pdf, { anchors, now: new Date() });

    // Assess
    expect(check(withoutLeafCrl.pdf)).toMatchObject({ trusted: true, level: 'B-T' });
    expect(check(withoutRootCrl.pdf)).toMatchObject({ trusted: true, level: 'B-T' });
    expect(check(withoutTsaCrl.pdf)).toMatchObject({ trusted: true, level: 'B-T' });
    // …and `iep-docs verify`, offline, says so too (exit 0: intact and trusted, level B-T).
    writeFileSync(join(dir, 'no-tsa-crl.pdf'), withoutTsaCrl.pdf);
    writeFileSync(join(dir, 'root-b.pem'), toPem('CERTIFICATE', root));
    writeFileSync(join(dir, 'tsa-root-b.pem'), toPem('CERTIFICATE', tsaRoot));
    const trust = ['--trust', join(dir, 'root-b.pem'), '--trust', join(dir, 'tsa-root-b.pem')];
    const run = spawnSync(
      process.execPath,
      [CLI, 'verify', '--json', ...trust, join(dir, 'no-tsa-crl.pdf')],
      { encoding: 'utf8', env: { ...process.env, IEP_STATE_DIR: join(dir, 'state-b') } },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ trusted: true, level: 'B-T' });
    expect(check(complete.pdf)).toMatchObject({ trusted: true, level: 'B-LT' });
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
