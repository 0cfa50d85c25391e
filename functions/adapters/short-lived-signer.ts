/**
 * Signing in AWS without a KMS call per document: at cold start the container makes an RSA
 * key pair in memory and has the district's issuing key in KMS certify it for at most 24
 * hours (one KMS Sign); documents are then signed locally. The private key never leaves
 * the container's memory, and the issuing key never leaves KMS.
 */
import { generateKeyPair, type KeyObject, sign, X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import type { Signer } from '../render/ports.ts';
import { issueCertificateWith, issueCrlWith } from '../render/signing/certificates.ts';
import type { ValidationData } from '../render/signing/index.ts';
import { ChainRevocation, type LongTermSigner, withChainRevocation } from './chain-revocation.ts';
import { type CertificateChainSource, type KmsApi, KmsKey, pemCertificates } from './kms-signer.ts';

/** The longest a short-lived leaf is valid (the issue's bound). */
export const MAX_LEAF_HOURS = 24;
/** A leaf is replaced once less than this much of its validity is left. */
const RENEW_BEFORE_MS = 60 * 60 * 1000;

/** What a leaf was issued as: recorded with the run and named by each document. */
export interface IssuedLeaf {
  serial: string;
  issuer: string;
  subject: string;
  notBefore: string;
  notAfter: string;
}

/** What a {@link ShortLivedLeafSigner} needs. */
export interface ShortLivedLeafOptions {
  kms: KmsApi;
  /** The district's issuing key (RSA SIGN_VERIFY) in KMS. */
  keyId: string;
  /** The issuing CA's certificate (a CA certificate for the KMS key) and its chain, PEM. */
  issuerChain: CertificateChainSource;
  /** The leaf's subject, e.g. "CN=Example USD IEP Documents, O=Example Unified School District, C=US". */
  subject: string;
  clock?: () => Date;
  /** Leaf validity in hours, at most 24 (default 24). */
  validityHours?: number;
  /** Called with each issued leaf (record it in the runs table or the log). */
  onIssued?: (leaf: IssuedLeaf) => void;
  /** The CRLs of the issuing CA's own chain (its root's), for B-LT; default over HTTP(S). */
  revocation?: ChainRevocation;
}

interface Leaf {
  key: KeyObject;
  chain: Uint8Array[];
  notAfter: number;
  /** The issuing CA's CRL covering this leaf (KMS-signed once, at its first B-LT signature). */
  crl?: Promise<Uint8Array>;
}

/** A {@link Signer} with a short-lived leaf certified by KMS: KMS calls per container, not per document. */
export class ShortLivedLeafSigner implements LongTermSigner {
  readonly #options: ShortLivedLeafOptions;
  readonly #issuer: KmsKey;
  readonly #revocation: ChainRevocation;
  #leaf: Promise<Leaf> | undefined;

  constructor(options: ShortLivedLeafOptions) {
    const hours = options.validityHours ?? MAX_LEAF_HOURS;
    if (!(hours > 0 && hours <= MAX_LEAF_HOURS))
      throw new Error(`short-lived leaf: validity must be 0–${MAX_LEAF_HOURS} hours, got ${hours}`);
    this.#options = options;
    this.#issuer = new KmsKey(options.kms, options.keyId);
    this.#revocation = options.revocation ?? new ChainRevocation();
  }

  /**
   * The chain and its CRLs for the DSS (B-LT): a CRL the issuing CA signs in KMS for the
   * current leaf (one more KMS Sign per leaf; it runs from the leaf's issue to its expiry and
   * revokes nothing: the leaf's key never leaves this container's memory), and the CRLs of the
   * issuing CA's own chain from their distribution points (none when it is self-issued).
   */
  async validationData(): Promise<ValidationData> {
    const leaf = await this.#current();
    leaf.crl ??= this.#leafCrl(leaf).catch((cause: unknown) => {
      leaf.crl = undefined;
      throw new Error("issue the issuing CA's CRL for the short-lived leaf", { cause });
    });
    const [crl, upstream] = await Promise.all([
      leaf.crl,
      this.#revocation.crls(leaf.chain.slice(1)),
    ]);
    return { certificates: leaf.chain, crls: [crl, ...upstream] };
  }

  #leafCrl(leaf: Leaf): Promise<Uint8Array> {
    return issueCrlWith(
      {
        issuerCertificate: leaf.chain[1] as Uint8Array,
        thisUpdate: (this.#options.clock ?? (() => new Date()))(),
        nextUpdate: new Date(leaf.notAfter),
      },
      (tbs) => this.#issuer.sign(tbs),
    );
  }

  async certificates(): Promise<Uint8Array[]> {
    return (await this.#current()).chain;
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    return new Uint8Array(sign('sha256', data, (await this.#current()).key));
  }

  /** The leaf in use, issuing a new one at first use and when the current one nears expiry. */
  #current(): Promise<Leaf> {
    const now = (this.#options.clock ?? (() => new Date()))().getTime();
    const leaf = this.#leaf;
    if (leaf) {
      return leaf.then((current) =>
        current.notAfter - now > RENEW_BEFORE_MS ? current : this.#renew(now),
      );
    }
    return this.#renew(now);
  }

  #renew(now: number): Promise<Leaf> {
    const issuing = this.#issue(new Date(now)).catch((cause: unknown) => {
      if (this.#leaf === issuing) this.#leaf = undefined;
      throw new Error('issue the short-lived signing certificate', { cause });
    });
    this.#leaf = issuing;
    return issuing;
  }

  async #issue(now: Date): Promise<Leaf> {
    const issuerChain = pemCertificates(await this.#options.issuerChain());
    const [issuerCertificate] = issuerChain;
    if (!issuerCertificate) throw new Error('no issuing certificate');
    if (!new X509Certificate(issuerCertificate).ca)
      throw new Error('the issuing certificate is not a CA certificate (basicConstraints cA)');
    const { publicKey, privateKey } = await promisify(generateKeyPair)('rsa', {
      modulusLength: 2048,
    });
    const hours = this.#options.validityHours ?? MAX_LEAF_HOURS;
    // Backdated a minute: clocks of relying parties drift.
    const notBefore = new Date(now.getTime() - 60_000);
    const notAfter = new Date(now.getTime() + hours * 3_600_000 - 60_000);
    const leaf = await issueCertificateWith(
      {
        subject: this.#options.subject,
        publicKey,
        issuerCertificate,
        notBefore,
        notAfter,
        profile: 'document-signing',
      },
      (tbs) => this.#issuer.sign(tbs),
    );
    const parsed = new X509Certificate(leaf);
    if (!parsed.verify(new X509Certificate(issuerCertificate).publicKey))
      throw new Error('KMS did not sign with the issuing certificate key');
    this.#options.onIssued?.({
      serial: parsed.serialNumber,
      issuer: parsed.issuer,
      subject: parsed.subject,
      notBefore: notBefore.toISOString(),
      notAfter: notAfter.toISOString(),
    });
    return {
      key: privateKey,
      chain: [leaf, ...issuerChain],
      notAfter: notAfter.getTime(),
    };
  }
}

/** The signing mode a deployment chooses (`IEP_SIGNING_MODE`); see docs/deploying.md. */
export type AwsSigningMode = 'short-lived-leaf' | 'kms-per-document';

/**
 * The signer for a KMS key whose certificate chain is in `chain`: a short-lived leaf when
 * the key's certificate is an issuing CA (and the mode allows it), else KMS per document.
 */
export async function awsSigner(options: {
  kms: KmsApi;
  keyId: string;
  chain: CertificateChainSource;
  mode?: string;
  onIssued?: (leaf: IssuedLeaf) => void;
  /** Where the chain's CRLs come from (B-LT); default over HTTP(S), cached. */
  revocation?: ChainRevocation;
}): Promise<LongTermSigner> {
  const { KmsKey, KmsSigner, assertCertificateHoldsKey } = await import('./kms-signer.ts');
  const revocation = options.revocation ?? new ChainRevocation();
  const perDocument = (): LongTermSigner =>
    withChainRevocation(
      new KmsSigner({ kms: options.kms, keyId: options.keyId, certificateChain: options.chain }),
      revocation,
    );
  if (options.mode === 'kms-per-document') return perDocument();
  const pem = await options.chain();
  const [first] = pemCertificates(pem);
  const issuer = new X509Certificate(first as Uint8Array);
  if (!issuer.ca) return perDocument();
  // The issuing CA's certificate must hold the KMS key, or no leaf it signs would verify.
  assertCertificateHoldsKey(
    first as Uint8Array,
    await new KmsKey(options.kms, options.keyId).publicKey(),
  );
  // The leaf names the issuing CA's organisation; its CN says what it signs.
  const parts = issuer.subject.split('\n').filter((part) => !part.startsWith('CN='));
  const subject = [...parts, 'CN=IEP documents (short-lived signing key)']
    .map((part) => part.replace(/,/g, '\\,'))
    .join(', ');
  return new ShortLivedLeafSigner({
    kms: options.kms,
    keyId: options.keyId,
    issuerChain: async () => pem,
    subject,
    revocation,
    ...(options.onIssued ? { onIssued: options.onIssued } : {}),
  });
}
