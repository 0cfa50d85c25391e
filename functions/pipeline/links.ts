/**
 * Download links: a random bearer token per recipient and document set, stored only as its
 * SHA-256, with an expiry and revocation, and the access log of every document fetched
 * through one (34 CFR 300.614).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AccessLog, DeliveryStore, LinkRecord, LinkStore } from './delivery-ports.ts';
import { type VersionStatus, versionInForce } from './link-standing.ts';
import type { Log } from './ports.ts';
import { revocationCovers } from './recipient-revocation.ts';

/** 256 random bits: far beyond guessing, and a hash lookup needs no slow KDF at that strength. */
const TOKEN_BYTES = 32;

/** The days a link stays valid unless the district's profile says otherwise. */
export const DEFAULT_LINK_VALIDITY_DAYS = 30;

/** The SHA-256 of a token, hex: the links table's key. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A fresh token (base64url, 43 characters) and its hash. */
export function newToken(): { token: string; tokenHash: string } {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, tokenHash: hashToken(token) };
}

/** Only what a token can look like; anything else is rejected before any lookup. */
export function isWellFormedToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

/** The URL of a link: `${downloadBaseUrl}/d/<token>`. */
export function linkUrl(downloadBaseUrl: string, token: string): string {
  return `${downloadBaseUrl.replace(/\/+$/, '')}/d/${token}`;
}

export interface LinkServiceDeps {
  links: LinkStore;
  accessLog: AccessLog;
  deliveries: DeliveryStore;
  clock: () => Date;
  log: Log;
  /**
   * The versions of a decision and their status (a consistent read). Given, a link opens only
   * while its version is in force (see `versionInForce`); the download endpoint gives it.
   */
  decisionVersions?: (decisionId: string) => Promise<VersionStatus[]>;
}

/** Issues, resolves and revokes links, and logs access through them. */
export class LinkService {
  constructor(private readonly deps: LinkServiceDeps) {}

  /**
   * A new link and its token, not yet stored: the caller records the token's hash with its
   * claim first, then saves the link. The token exists only in the caller's hands from here on.
   */
  newLink(
    link: Omit<LinkRecord, 'tokenHash' | 'createdAt' | 'expiresAt'>,
    validityDays: number,
  ): { token: string; record: LinkRecord } {
    const { token, tokenHash } = newToken();
    const now = this.deps.clock();
    const record: LinkRecord = {
      ...link,
      tokenHash,
      createdAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + validityDays * 86_400,
    };
    return { token, record };
  }

  /** Stores a link made by {@link newLink}. */
  async save(record: LinkRecord): Promise<void> {
    await this.deps.links.put(record);
  }

  /** Revokes one link (a send that never happened). */
  async revoke(tokenHash: string): Promise<void> {
    await this.deps.links.revoke(tokenHash, this.deps.clock().toISOString());
  }

  /** The link a token opens, or undefined when unknown, expired or revoked (callers must not tell which). */
  async resolve(token: string): Promise<LinkRecord | undefined> {
    if (!isWellFormedToken(token)) return undefined;
    const link = await this.deps.links.get(hashToken(token));
    // A printed code or its session opens the response page only (printed-codes.ts).
    if (!link || link.revokedAt || link.kind !== undefined) return undefined;
    // TTL deletes expired items late (up to days): expiry is enforced here.
    if (link.expiresAt * 1000 <= this.deps.clock().getTime()) return undefined;
    const versions = this.deps.decisionVersions;
    if (versions && !versionInForce(link.version, await versions(link.decisionId))) {
      return undefined;
    }
    // A recipient revocation covers links its listing of the deliveries did not see.
    const marker = await this.deps.links.recipientRevocation(link.decisionId, link.recipientId);
    if (revocationCovers(marker, link.version)) return undefined;
    return link;
  }

  /** Records one access to one document through a link; written before the document is handed out. */
  async recordAccess(
    link: LinkRecord,
    documentId: string,
    client: { sourceIp?: string; userAgent?: string },
  ): Promise<void> {
    await this.deps.accessLog.record({
      linkId: link.linkId,
      accessedAt: this.deps.clock().toISOString(),
      deliveryId: link.deliveryId,
      recipientId: link.recipientId,
      decisionId: link.decisionId,
      version: link.version,
      documentId,
      ...(client.sourceIp ? { sourceIp: client.sourceIp } : {}),
      ...(client.userAgent ? { userAgent: client.userAgent.slice(0, 512) } : {}),
    });
  }

  /**
   * Revokes every link of a decision version (a withdrawn version): found through the
   * deliveries, which keep each link's token hash. Idempotent.
   */
  async revokeLinks(decisionId: string, version: number): Promise<number> {
    const at = this.deps.clock().toISOString();
    const deliveries = await this.deps.deliveries.listForDecision(decisionId, version);
    let revoked = 0;
    for (const delivery of deliveries) {
      if (!delivery.tokenHash) continue;
      await this.deps.links.revoke(delivery.tokenHash, at);
      revoked++;
    }
    this.deps.log.info('links revoked', { decisionId, version, links: revoked });
    return revoked;
  }

  /**
   * Revokes the links of every version before `version` (a newer version is in force: the
   * parents were sent its documents, and a guardian it removed keeps no way in). Idempotent.
   */
  async revokeSuperseded(decisionId: string, version: number): Promise<number> {
    const deliveries = await this.deps.deliveries.listForDecision(decisionId);
    const revoked = await this.#revokeAll(deliveries.filter((d) => d.version < version));
    this.deps.log.info('superseded links revoked', { decisionId, version, links: revoked });
    return revoked;
  }

  /**
   * Revokes every link one recipient holds to the versions of a decision up to
   * `throughVersion` (a mistyped address), those of deliveries still in flight included: the
   * marker is written first, so no link of those versions can be saved or opened after it
   * (recipient-revocation.ts). Idempotent.
   */
  async revokeRecipient(
    decisionId: string,
    recipientId: string,
    throughVersion: number,
  ): Promise<number> {
    await this.deps.links.markRecipientRevoked({
      decisionId,
      recipientId,
      throughVersion,
      revokedAt: this.deps.clock().toISOString(),
    });
    const deliveries = await this.deps.deliveries.listForDecision(decisionId);
    const revoked = await this.#revokeAll(
      deliveries.filter((d) => d.recipientId === recipientId && d.version <= throughVersion),
    );
    this.deps.log.info('recipient links revoked', {
      decisionId,
      recipientId,
      throughVersion,
      links: revoked,
    });
    return revoked;
  }

  async #revokeAll(deliveries: readonly { tokenHash?: string }[]): Promise<number> {
    const at = this.deps.clock().toISOString();
    let revoked = 0;
    for (const delivery of deliveries) {
      if (!delivery.tokenHash) continue;
      await this.deps.links.revoke(delivery.tokenHash, at);
      revoked++;
    }
    return revoked;
  }
}
