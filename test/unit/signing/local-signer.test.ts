import { execFile } from 'node:child_process';
import { createPublicKey, verify, X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadLocalSigner } from '../../../functions/render/signing/index.ts';
import { certificatesPem, testIdentity } from './fixtures.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iep-signing-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadLocalSigner without a configured key', () => {
  it('generates one development identity for concurrent first calls and reuses it', async () => {
    const devDir = join(dir, 'signing');
    const created: string[] = [];
    const onCreate = (path: string): void => {
      created.push(path);
    };

    const [first, second] = await Promise.all([
      loadLocalSigner({ devDir, onCreate }),
      loadLocalSigner({ devDir, onCreate }),
    ]);
    const later = await loadLocalSigner({ devDir, onCreate });

    const [a] = await first.certificates();
    const [b] = await second.certificates();
    const [c] = await later.certificates();
    expect(Buffer.from(a as Uint8Array).equals(Buffer.from(b as Uint8Array))).toBe(true);
    expect(Buffer.from(a as Uint8Array).equals(Buffer.from(c as Uint8Array))).toBe(true);
    expect(created).toEqual([join(devDir, 'dev-ca-identity.pem')]);
    expect((await readdir(devDir)).sort()).toEqual(['dev-ca-identity.pem', 'dev-root.pem']);
    expect((await stat(join(devDir, 'dev-ca-identity.pem'))).mode & 0o777).toBe(0o600);
  });

  it('generates one identity when separate processes start at the same time', async () => {
    const devDir = join(dir, 'signing');
    const script = fileURLToPath(new URL('./load-dev-identity.ts', import.meta.url));
    const run = () =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', script, devDir]).then(
        (out) => out.stdout,
      );

    const hashes = await Promise.all([run(), run(), run()]);

    expect(new Set(hashes).size).toBe(1);
    expect(hashes[0]).toMatch(/^[0-9a-f]{64}$/);
    expect((await readdir(devDir)).sort()).toEqual(['dev-ca-identity.pem', 'dev-root.pem']);
  });

  it('says plainly that the identity is for development, valid for two years, RSA-3072, issued by a development root', async () => {
    const signer = await loadLocalSigner({ devDir: dir, now: new Date('2026-11-01T00:00:00Z') });

    const [der, rootDer] = await signer.certificates();
    const certificate = new X509Certificate(der as Uint8Array);
    const root = new X509Certificate(rootDer as Uint8Array);
    expect(signer.development).toBe(true);
    expect(certificate.subject).toBe(
      'O=iep-docs development\nCN=iep-docs DEVELOPMENT signing identity - not an official signature',
    );
    expect(new Date(certificate.validFrom).toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(new Date(certificate.validTo).toISOString()).toBe('2028-11-01T00:00:00.000Z');
    expect(certificate.publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(certificate.verify(root.publicKey)).toBe(true);
    expect(root.subject).toContain('DEVELOPMENT root CA');
    expect(root.ca).toBe(true);
    expect(root.verify(root.publicKey)).toBe(true);
    expect(signer.developmentCa?.certificate.equals(root.raw)).toBe(true);
  });

  it('signs SHA-256 with RSA PKCS#1 v1.5 under the certificate key', async () => {
    const signer = await loadLocalSigner({ devDir: dir });
    const data = Buffer.from('signed attributes');

    const signature = await signer.sign(data);

    const [der] = await signer.certificates();
    const publicKey = createPublicKey(
      new X509Certificate(der as Uint8Array).publicKey.export({ format: 'pem', type: 'spki' }),
    );
    expect(verify('sha256', data, publicKey, signature)).toBe(true);
  });
});

describe('loadLocalSigner with a configured key and certificate', () => {
  it('uses the key and the certificate chain from the given paths', async () => {
    const identity = testIdentity({ withCa: true });
    const keyPath = join(dir, 'signing.key.pem');
    const certPath = join(dir, 'signing.chain.pem');
    await writeFile(keyPath, identity.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await writeFile(certPath, certificatesPem(identity.certificates));

    const signer = await loadLocalSigner({ keyPath, certPath, devDir: join(dir, 'unused') });

    const chain = await signer.certificates();
    expect(signer.development).toBe(false);
    expect(chain.map((der) => Buffer.from(der))).toEqual(identity.certificates);
    const data = Buffer.from('x');
    expect(
      verify(
        'sha256',
        data,
        new X509Certificate(chain[0] as Uint8Array).publicKey,
        await signer.sign(data),
      ),
    ).toBe(true);
    await expect(stat(join(dir, 'unused'))).rejects.toThrow();
  });

  it('refuses a key that does not belong to the certificate', async () => {
    const keyPath = join(dir, 'other.key.pem');
    const certPath = join(dir, 'cert.pem');
    await writeFile(keyPath, testIdentity().privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await writeFile(certPath, certificatesPem(testIdentity().certificates));

    await expect(loadLocalSigner({ keyPath, certPath, devDir: dir })).rejects.toThrow(
      /does not match/,
    );
  });

  it('refuses a key without a certificate', async () => {
    await expect(loadLocalSigner({ keyPath: join(dir, 'k.pem'), devDir: dir })).rejects.toThrow(
      /both/,
    );
  });
});
