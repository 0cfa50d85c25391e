/**
 * A local signing identity: a PEM key and certificate (chain) from given paths, or a
 * development CA (root + document-signing leaf) generated once into a git-ignored folder
 * and reused after. The development root is trusted only by the profiles that name
 * `"development-ca"` among their trust anchors (see docs/deploying.md).
 */
import {
  createPrivateKey,
  generateKeyPair,
  type KeyObject,
  randomBytes,
  sign as rsaSign,
  X509Certificate,
} from 'node:crypto';
import { chmod, link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Signer } from '../ports.ts';
import { type CertificateSubject, fromPem, issueCertificate, toPem } from './certificates.ts';

const generateRsaKeyPair = promisify(generateKeyPair);

/** Where the identity comes from; the caller passes IEP_SIGNING_KEY / IEP_SIGNING_CERT. */
export interface LocalSignerOptions {
  /** PEM private key (PKCS#8 or PKCS#1). Given together with `certPath`. */
  keyPath?: string;
  /** PEM certificate, or a chain with the signer's certificate first. */
  certPath?: string;
  /** Folder for the generated development identity (e.g. `.local/signing`). */
  devDir: string;
  /** The generated certificate's start of validity; defaults to now. */
  now?: Date;
  /** Called with the identity file's path when this call generated the development identity. */
  onCreate?: (path: string) => void;
}

/** A `Signer` backed by a local RSA key (node's native crypto). */
export interface LocalSigner extends Signer {
  /** The signer certificate's subject, as node prints it. */
  readonly subject: string;
  /** True for the generated development identity. */
  readonly development: boolean;
  /** The development CA's root certificate and key (development identity only). */
  readonly developmentCa?: DevelopmentCa;
}

/** The development root: it issues the local TSA's certificate and signs the local CRL. */
export interface DevelopmentCa {
  certificate: Buffer;
  key: KeyObject;
}

/** The development identity's subject: plainly not an official signature. */
export const DEVELOPMENT_SUBJECT: CertificateSubject = {
  commonName: 'iep-docs DEVELOPMENT signing identity - not an official signature',
  organization: 'iep-docs development',
};

/** The development root's subject. */
export const DEVELOPMENT_ROOT_SUBJECT: CertificateSubject = {
  commonName: 'iep-docs DEVELOPMENT root CA - trusted only by local development profiles',
  organization: 'iep-docs development',
};

/** Leaf key, leaf certificate, root certificate, then the root's key (the older self-signed file is ignored). */
const IDENTITY_FILE = 'dev-ca-identity.pem';

/** The development root certificate of a state folder, PEM (for `--trust` and the profiles). */
export const DEVELOPMENT_ROOT_FILE = 'dev-root.pem';

/** Loads the identity from `keyPath`/`certPath`, or the (once generated) development one. */
export async function loadLocalSigner(options: LocalSignerOptions): Promise<LocalSigner> {
  if (options.keyPath || options.certPath) {
    if (!options.keyPath || !options.certPath) {
      throw new Error(
        'local signer: give both the key and the certificate (IEP_SIGNING_KEY, IEP_SIGNING_CERT)',
      );
    }
    const [keyPem, certPem] = await Promise.all([
      readFile(options.keyPath, 'utf8'),
      readFile(options.certPath, 'utf8'),
    ]);
    return signerFromPem(keyPem, certPem, false);
  }
  const { pem, created } = await developmentIdentity(options.devDir, options.now ?? new Date());
  if (created) options.onCreate?.(join(options.devDir, IDENTITY_FILE));
  const [leafKey, rootKey] = fromPem(pem, 'PRIVATE KEY');
  const [, root] = fromPem(pem);
  if (!leafKey || !rootKey || !root)
    throw new Error(`local signer: ${IDENTITY_FILE} is incomplete`);
  const signer = signerFromPem(toPem('PRIVATE KEY', leafKey), pem, true);
  const developmentCa = {
    certificate: root,
    key: createPrivateKey({ key: rootKey, format: 'der', type: 'pkcs8' }),
  };
  await writeFile(join(options.devDir, DEVELOPMENT_ROOT_FILE), toPem('CERTIFICATE', root));
  return { ...signer, developmentCa };
}

function signerFromPem(keyPem: string, certPem: string, development: boolean): LocalSigner {
  const key: KeyObject = createPrivateKey(keyPem);
  const chain = fromPem(certPem).map((der) => new X509Certificate(der));
  const [own] = chain;
  if (!own) throw new Error('local signer: no certificate in the PEM');
  if (key.asymmetricKeyType !== 'rsa') throw new Error('local signer: the key is not an RSA key');
  if (!own.checkPrivateKey(key))
    throw new Error('local signer: the key does not match the certificate');
  const certificates = chain.map((certificate) => new Uint8Array(certificate.raw));
  return {
    subject: own.subject,
    development,
    certificates: async () => certificates,
    sign: async (data) => new Uint8Array(rsaSign('sha256', data, key)),
  };
}

/** One generation per folder per process; across processes, a hard link decides. */
const pending = new Map<string, Promise<Identity>>();

interface Identity {
  pem: string;
  /** Whether this process generated it. */
  created: boolean;
}

async function developmentIdentity(devDir: string, now: Date): Promise<Identity> {
  const path = join(devDir, IDENTITY_FILE);
  let identity = pending.get(path);
  if (!identity) {
    identity = readOrCreate(devDir, path, now);
    pending.set(path, identity);
    identity.catch(() => pending.delete(path));
    return identity;
  }
  // Later calls wait for the first, then read the file it wrote (or create it again if removed).
  await identity.catch(() => undefined);
  return readOrCreate(devDir, path, now);
}

async function readOrCreate(devDir: string, path: string, now: Date): Promise<Identity> {
  try {
    return { pem: await readFile(path, 'utf8'), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(devDir, { recursive: true, mode: 0o700 });
  const temporary = join(
    devDir,
    `.${IDENTITY_FILE}.${process.pid}.${randomBytes(6).toString('hex')}`,
  );
  await writeFile(temporary, await generateIdentity(now), { mode: 0o600, flag: 'wx' });
  await chmod(temporary, 0o600);
  try {
    // link() fails if another process got there first: then its identity is the one.
    await link(temporary, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST') {
      // File systems without hard links: rename (atomic), then everyone re-reads.
      await rename(temporary, path);
      return { pem: await readFile(path, 'utf8'), created: true };
    }
    await unlink(temporary);
    return { pem: await readFile(path, 'utf8'), created: false };
  }
  await unlink(temporary);
  return { pem: await readFile(path, 'utf8'), created: true };
}

/**
 * A development CA as PEM: an RSA-3072 root valid ten years and an RSA-3072
 * document-signing leaf it issues, valid two years.
 */
async function generateIdentity(now: Date): Promise<string> {
  const [root, leaf] = await Promise.all([
    generateRsaKeyPair('rsa', { modulusLength: 3072 }),
    generateRsaKeyPair('rsa', { modulusLength: 3072 }),
  ]);
  const years = (n: number): Date => {
    const date = new Date(now);
    date.setUTCFullYear(date.getUTCFullYear() + n);
    return date;
  };
  const rootCertificate = issueCertificate(
    {
      subject: DEVELOPMENT_ROOT_SUBJECT,
      publicKey: root.publicKey,
      notBefore: now,
      notAfter: years(10),
      profile: 'ca',
    },
    root.privateKey,
  );
  const leafCertificate = issueCertificate(
    {
      subject: DEVELOPMENT_SUBJECT,
      publicKey: leaf.publicKey,
      issuerCertificate: rootCertificate,
      notBefore: now,
      notAfter: years(2),
      profile: 'document-signing',
    },
    root.privateKey,
  );
  const key = (pair: { privateKey: KeyObject }): string =>
    pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return `${key(leaf)}${toPem('CERTIFICATE', leafCertificate)}${toPem('CERTIFICATE', rootCertificate)}${key(root)}`;
}
