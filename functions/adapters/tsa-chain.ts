/**
 * The validation data of a third-party time-stamping authority's own chain, for PAdES B-LT:
 * the DSS is written before a document's time-stamp is asked for, so once per container a
 * time-stamp over a dummy digest (certReq) shows which certificate the authority signs with;
 * its chain's CRLs come from their distribution points (ChainRevocation, cached until their
 * nextUpdate). Each document's real token must then be signed by that same certificate: when
 * the authority has rotated its certificate since, the signing fails (the retry re-probes).
 */
import { randomBytes, X509Certificate } from 'node:crypto';
import type { TimestampAuthority, ValidationData } from '../render/signing/index.ts';
import { checkTimestampToken, parseTimestampToken } from '../render/signing/timestamp.ts';
import { ChainRevocation } from './chain-revocation.ts';

/** The certificates a token carries, ordered from its signer up (as far as they chain). */
function chainOf(signer: Uint8Array, pool: readonly Uint8Array[]): Uint8Array[] {
  const chain = [signer];
  for (;;) {
    const last = new X509Certificate(chain.at(-1) as Uint8Array);
    if (last.checkIssued(last)) return chain;
    const next = pool.find(
      (candidate) =>
        !chain.some((held) => Buffer.from(held).equals(candidate)) &&
        last.checkIssued(new X509Certificate(candidate)),
    );
    if (!next) return chain;
    chain.push(next);
  }
}

/**
 * A {@link TimestampAuthority} that also gives the validation data of its own chain, and
 * refuses a token signed by a certificate other than the one that data covers.
 */
export class ProbedTimestampAuthority implements TimestampAuthority {
  readonly #authority: TimestampAuthority;
  readonly #revocation: ChainRevocation;
  #chain: Promise<Uint8Array[]> | undefined;

  constructor(authority: TimestampAuthority, revocation: ChainRevocation = new ChainRevocation()) {
    this.#authority = authority;
    this.#revocation = revocation;
  }

  get name(): string {
    return this.#authority.name;
  }

  /** The authority's chain (signer first) and its current CRLs; throws when they cannot be had. */
  async validationData(): Promise<ValidationData> {
    const certificates = await this.#probedChain();
    return { certificates, crls: await this.#revocation.crls(certificates) };
  }

  async timestamp(data: Uint8Array): Promise<Uint8Array> {
    const token = await this.#authority.timestamp(data);
    const chain = this.#chain && (await this.#chain.catch(() => undefined));
    if (chain) {
      const parsed = parseTimestampToken(token);
      const signer = checkTimestampToken(parsed, data);
      if (!signer.equals(chain[0] as Uint8Array)) {
        this.#chain = undefined; // the retry probes again and writes the new chain's data
        throw new Error(
          `time-stamping authority ${this.name} signed with a certificate other than the one whose revocation data the document carries`,
        );
      }
    }
    return token;
  }

  #probedChain(): Promise<Uint8Array[]> {
    this.#chain ??= (async () => {
      const dummy = randomBytes(32);
      const parsed = parseTimestampToken(await this.#authority.timestamp(dummy));
      const signer = checkTimestampToken(parsed, dummy);
      const chain = chainOf(signer, parsed.certificates);
      const leaf = new X509Certificate(signer);
      if (Date.parse(leaf.validTo) <= Date.now())
        throw new Error(`the certificate of time-stamping authority ${this.name} has expired`);
      return chain;
    })().catch((cause: unknown) => {
      this.#chain = undefined;
      throw new Error(`probe time-stamping authority ${this.name} for its certificate chain`, {
        cause,
      });
    });
    return this.#chain;
  }
}
