/**
 * Printed response codes (issue #19): a postal recipient who may answer finds in their letter a
 * code and the short address `<download base URL>/r`. The code is a link of its own: a record
 * of the links table (`kind: 'postal'`) keyed by the code's SHA-256, bound to the decision,
 * version and recipient of its delivery, expiring like the links and revoked with them (the
 * delivery record keeps its hash, so superseding, withdrawing or revoking the recipient reaches
 * it as it reaches an email link; opening it checks the version in force and the recipient's
 * revocation marker too). A code is never a download token: it opens only the response page.
 *
 * `POST /r` with a valid code makes a short session: a fresh 256-bit link token (`kind:
 * 'postal-session'`, an hour at most, never past its code) and a redirect to that token's
 * response page. The session's path carries no code and no personal data; it is the same
 * bearer-token-in-the-path model as the emailed link, with its protections (no-referrer,
 * no-store, access logs without paths), and needs no cookie.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  formatPrintedCode,
  normalizePrintedCode,
  PRINTED_CODE_BYTES,
} from '../core/printed-code.ts';
import type { LinkRecord, LinkStore } from './delivery-ports.ts';
import { type VersionStatus, versionInForce } from './link-standing.ts';
import { newToken } from './links.ts';
import type { Log } from './ports.ts';
import { RecipientLinksRevoked, revocationCovers } from './recipient-revocation.ts';

/** How long a session opened with a printed code lasts (enough to read and answer). */
export const PRINTED_CODE_SESSION_MS = 60 * 60_000;

/**
 * The links table key of a printed code: SHA-256 of its canonical form, domain-separated, so
 * no download token (43 base64url characters, hashed bare) can ever share it.
 */
export function printedCodeHash(canonical: string): string {
  return createHash('sha256').update(`printed-code:${canonical}`, 'utf8').digest('hex');
}

/** A fresh printed code (its printed form) and its hash. */
export function newPrintedCode(): { code: string; codeHash: string } {
  const code = formatPrintedCode(randomBytes(PRINTED_CODE_BYTES));
  return { code, codeHash: printedCodeHash(normalizePrintedCode(code) as string) };
}

export interface PrintedCodeDoorDeps {
  links: Pick<LinkStore, 'get' | 'put' | 'recipientRevocation'>;
  versions: (decisionId: string) => Promise<VersionStatus[]>;
  clock: () => Date;
  log: Log;
}

/** Opens a response session for a printed code. */
export class PrintedCodeDoor {
  constructor(private readonly deps: PrintedCodeDoorDeps) {}

  /**
   * The session token a typed code opens, or undefined: malformed, unknown, expired, revoked,
   * superseded and withdrawn codes are all one answer (nothing tells which).
   */
  async open(typed: string | undefined): Promise<string | undefined> {
    const canonical = normalizePrintedCode(typed);
    if (!canonical) return undefined;
    const code = await this.deps.links.get(printedCodeHash(canonical));
    const now = this.deps.clock().getTime();
    if (code?.kind !== 'postal' || code.revokedAt || code.expiresAt * 1000 <= now) return undefined;
    if (!versionInForce(code.version, await this.deps.versions(code.decisionId))) return undefined;
    const marker = await this.deps.links.recipientRevocation(code.decisionId, code.recipientId);
    if (revocationCovers(marker, code.version)) return undefined;
    const { token, tokenHash } = newToken();
    const { revokedAt: _none, ...rest } = code;
    const session: LinkRecord = {
      ...rest,
      tokenHash,
      kind: 'postal-session',
      parentTokenHash: code.tokenHash,
      createdAt: new Date(now).toISOString(),
      expiresAt: Math.min(code.expiresAt, Math.floor((now + PRINTED_CODE_SESSION_MS) / 1000)),
    };
    try {
      await this.deps.links.put(session);
    } catch (error) {
      if (error instanceof RecipientLinksRevoked) return undefined;
      throw error;
    }
    this.deps.log.info('printed code opened a response session', {
      linkId: code.linkId,
      decisionId: code.decisionId,
    });
    return token;
  }
}
