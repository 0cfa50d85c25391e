/**
 * The CRLs a signing chain needs for PAdES B-LT, fetched outside the renderer (at a
 * container's first signature, then whenever a cached one passes its nextUpdate) from each
 * certificate's CRL distribution points, and checked before they go into any document: the
 * right issuer, its signature, current, not revoking the chain. Chromium never fetches.
 */

import { X509Certificate } from 'node:crypto';
import type { Signer } from '../render/ports.ts';
import type { ValidationData } from '../render/signing/index.ts';
import { checkCrl, crlDistributionUrls, isSelfIssued } from '../render/signing/revocation-data.ts';
import { displayName } from '../render/signing/trust.ts';

/** Reads one CRL (DER) from a URL; throws on any failure. */
export type CrlFetch = (url: string) => Promise<Uint8Array>;

/** Largest CRL accepted: a district root's CRL is a few KB; this bounds a misbehaving server. */
const MAX_CRL_BYTES = 4 * 1024 * 1024;

/** A {@link CrlFetch} over HTTP(S) (RFC 5280 §4.2.1.13), 10 s per request by default. */
export function httpCrlFetch(options: { timeoutMs?: number; fetch?: typeof fetch } = {}): CrlFetch {
  const send = options.fetch ?? fetch;
  return async (url) => {
    const response = await send(url, {
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      redirect: 'error',
    });
    if (!response.ok) throw new Error(`CRL ${url}: HTTP ${response.status}`);
    const length = Number(response.headers.get('content-length') ?? 0);
    if (length > MAX_CRL_BYTES) throw new Error(`CRL ${url}: ${length} bytes is too large`);
    const body = new Uint8Array(await response.arrayBuffer());
    if (body.length > MAX_CRL_BYTES) throw new Error(`CRL ${url}: too large`);
    return body;
  };
}

/** The CRLs of a chain's certificates, cached per URL until their nextUpdate. */
export class ChainRevocation {
  readonly #fetch: CrlFetch;
  readonly #clock: () => Date;
  readonly #cache = new Map<string, { der: Uint8Array; nextUpdate: number }>();

  constructor(options: { fetch?: CrlFetch; clock?: () => Date } = {}) {
    this.#fetch = options.fetch ?? httpCrlFetch();
    this.#clock = options.clock ?? (() => new Date());
  }

  /**
   * One current CRL for each certificate of `chain` (signer first) that is not self-issued,
   * from its first distribution point that answers with a valid one. Throws naming the
   * certificate when none does, or when it names none: B-LT cannot be reached without it.
   */
  async crls(chain: readonly Uint8Array[]): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (const [index, certificate] of chain.entries()) {
      if (isSelfIssued(certificate)) continue;
      out.push(await this.#crlOf(certificate, chain[index + 1]));
    }
    return out;
  }

  async #crlOf(certificate: Uint8Array, issuer: Uint8Array | undefined): Promise<Uint8Array> {
    const name = displayName(new X509Certificate(certificate).subject);
    const urls = crlDistributionUrls(certificate);
    if (urls.length === 0)
      throw new Error(
        `certificate "${name}" names no http(s) CRL distribution point: its issuer's CRL cannot be fetched for B-LT`,
      );
    const now = this.#clock();
    const problems: string[] = [];
    for (const url of urls) {
      const cached = this.#cache.get(url);
      if (cached && cached.nextUpdate > now.getTime()) return cached.der;
      try {
        const der = await this.#fetch(url);
        const check = { subject: certificate, at: now, source: url };
        const nextUpdate = checkCrl(der, issuer ? { ...check, issuer } : check);
        this.#cache.set(url, { der, nextUpdate: nextUpdate.getTime() });
        return der;
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    throw new Error(`no current CRL for certificate "${name}": ${problems.join('; ')}`);
  }
}

/** A signer that also gives the validation data (chain and CRLs) its signatures need for B-LT. */
export interface LongTermSigner extends Signer {
  validationData(): Promise<ValidationData>;
}

/** Whether `signer` gives its own validation data. */
export function isLongTermSigner(signer: Signer): signer is LongTermSigner {
  return typeof (signer as Partial<LongTermSigner>).validationData === 'function';
}

/** `signer` with the CRLs of its whole chain (a KMS-per-document or locally held key). */
export function withChainRevocation(signer: Signer, revocation: ChainRevocation): LongTermSigner {
  return {
    certificates: () => signer.certificates(),
    sign: (data) => signer.sign(data),
    async validationData() {
      const certificates = await signer.certificates();
      return { certificates, crls: await revocation.crls(certificates) };
    },
  };
}
