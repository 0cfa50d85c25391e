/**
 * The signing identity in AWS: an asymmetric KMS key signs the SHA-256 digest, so neither the
 * private key nor the document ever leaves for anywhere but KMS; the certificate chain that
 * names the key's owner is read from an SSM parameter (PEM), once per container.
 */
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import {
  GetPublicKeyCommand,
  type GetPublicKeyCommandOutput,
  SignCommand,
  type SignCommandOutput,
} from '@aws-sdk/client-kms';
import { GetParameterCommand, type GetParameterCommandOutput } from '@aws-sdk/client-ssm';
import type { Signer } from '../render/ports.ts';

/** The only KMS signing algorithm the PAdES signature uses: sha256WithRSAEncryption. */
export const KMS_SIGNING_ALGORITHM = 'RSASSA_PKCS1_V1_5_SHA_256';

/**
 * The part of a KMS client the signer uses. `KMSClient` satisfies it; tests pass a double
 * backed by node's crypto (no KMS emulator exists).
 */
export interface KmsApi {
  send(command: SignCommand): Promise<Pick<SignCommandOutput, 'Signature'>>;
  send(command: GetPublicKeyCommand): Promise<Pick<GetPublicKeyCommandOutput, 'PublicKey'>>;
}

/** The part of an SSM client the certificate source uses. `SSMClient` satisfies it. */
export interface SsmApi {
  send(command: GetParameterCommand): Promise<Pick<GetParameterCommandOutput, 'Parameter'>>;
}

/** Where the signer's certificate chain comes from: PEM text, the signer's certificate first. */
export type CertificateChainSource = () => Promise<string>;

/** Reads the chain (PEM) from an SSM parameter (String or SecureString). */
export function ssmCertificateChain(ssm: SsmApi, parameterName: string): CertificateChainSource {
  return async () => {
    const result = await ssm.send(
      new GetParameterCommand({ Name: parameterName, WithDecryption: true }),
    );
    const value = result.Parameter?.Value;
    if (!value) throw new Error(`SSM parameter ${parameterName} holds no certificate`);
    return value;
  };
}

/** The DER certificates of a PEM bundle, in order; throws when there is none. */
export function pemCertificates(pem: string): Uint8Array[] {
  const blocks = [
    ...pem.matchAll(/-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/g),
  ];
  if (blocks.length === 0) throw new Error('no PEM certificate found in the certificate chain');
  return blocks.map(
    (block) => new Uint8Array(Buffer.from((block[1] ?? '').replace(/\s/g, ''), 'base64')),
  );
}

/**
 * An asymmetric KMS key (RSA, SIGN_VERIFY): signs SHA-256 digests and gives its public key.
 * Used by {@link KmsSigner} for documents and by `kms-certificate.ts` for CSRs.
 */
export class KmsKey {
  readonly #kms: KmsApi;
  readonly #keyId: string;

  /** `keyId`: key id, ARN or alias of the key. */
  constructor(kms: KmsApi, keyId: string) {
    this.#kms = kms;
    this.#keyId = keyId;
  }

  /** RSA PKCS#1 v1.5 signature of SHA-256(data); only the 32-byte digest is sent to KMS. */
  async sign(data: Uint8Array): Promise<Uint8Array> {
    const digest = createHash('sha256').update(data).digest();
    try {
      const result = await this.#kms.send(
        new SignCommand({
          KeyId: this.#keyId,
          Message: digest,
          MessageType: 'DIGEST',
          SigningAlgorithm: KMS_SIGNING_ALGORITHM,
        }),
      );
      if (!result.Signature) throw new Error('KMS returned no signature');
      return result.Signature;
    } catch (cause) {
      throw new Error('sign with KMS', { cause });
    }
  }

  /** The key's public key, DER SubjectPublicKeyInfo. */
  async publicKey(): Promise<Uint8Array> {
    try {
      const result = await this.#kms.send(new GetPublicKeyCommand({ KeyId: this.#keyId }));
      if (!result.PublicKey) throw new Error('KMS returned no public key');
      return result.PublicKey;
    } catch (cause) {
      throw new Error('read KMS public key', { cause });
    }
  }
}

/** The signing certificate names another key than the KMS key that signs. */
export class CertificateKeyMismatch extends Error {
  constructor(subject: string) {
    super(
      `the signing certificate (${subject.replace(/\n/g, ', ')}) does not hold the KMS signing key's public key: store the certificate issued for this key (iep-docs certificate)`,
    );
    this.name = 'CertificateKeyMismatch';
  }
}

/**
 * Throws {@link CertificateKeyMismatch} unless `certificate` (DER) holds `publicKey` (DER
 * SubjectPublicKeyInfo, as KMS GetPublicKey gives it).
 */
export function assertCertificateHoldsKey(certificate: Uint8Array, publicKey: Uint8Array): void {
  const parsed = new X509Certificate(certificate);
  const certified = parsed.publicKey.export({ type: 'spki', format: 'der' });
  const kmsKey = createPublicKey({ key: Buffer.from(publicKey), format: 'der', type: 'spki' });
  if (!certified.equals(kmsKey.export({ type: 'spki', format: 'der' }))) {
    throw new CertificateKeyMismatch(parsed.subject);
  }
}

/** What a {@link KmsSigner} needs. */
export interface KmsSignerOptions {
  kms: KmsApi;
  /** Key id, ARN or alias of the asymmetric RSA SIGN_VERIFY key. */
  keyId: string;
  certificateChain: CertificateChainSource;
}

/** A {@link Signer} whose private key lives in KMS. */
export class KmsSigner implements Signer {
  readonly #key: KmsKey;
  readonly #certificateChain: CertificateChainSource;
  #certificates: Promise<Uint8Array[]> | undefined;

  constructor(options: KmsSignerOptions) {
    this.#key = new KmsKey(options.kms, options.keyId);
    this.#certificateChain = options.certificateChain;
  }

  /**
   * The chain, read once per container and checked against the key: its first certificate must
   * hold the KMS key's public key, or every document would carry a signature that no
   * certificate vouches for. A failed read or check is retried on the next call.
   */
  certificates(): Promise<Uint8Array[]> {
    if (!this.#certificates) {
      this.#certificates = this.#checkedChain().catch((cause: unknown) => {
        this.#certificates = undefined;
        if (cause instanceof CertificateKeyMismatch) throw cause;
        throw new Error('read signing certificate chain', { cause });
      });
    }
    return this.#certificates;
  }

  async #checkedChain(): Promise<Uint8Array[]> {
    const [certificates, publicKey] = await Promise.all([
      this.#certificateChain().then(pemCertificates),
      this.#key.publicKey(),
    ]);
    assertCertificateHoldsKey(certificates[0] as Uint8Array, publicKey);
    return certificates;
  }

  /** RSA PKCS#1 v1.5 signature of SHA-256(data), made by KMS. */
  sign(data: Uint8Array): Promise<Uint8Array> {
    return this.#key.sign(data);
  }
}
