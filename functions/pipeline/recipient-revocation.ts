/**
 * Revoking one recipient's links without racing their delivery. `iep-docs links revoke` first
 * writes a marker for (decision, recipient) into the links table, naming the newest version
 * that exists then; afterwards
 *   - a delivery saves its link only in a transaction that checks the marker does not cover
 *     the link's version (DynamoDB serializes the two writes: a link written after the marker
 *     fails, one written before it is already listed by its delivery claim and revoked);
 *   - opening a link checks the marker too, so a link the revocation's listing missed (the
 *     deliveries index is eventually consistent) opens nothing either.
 * A version the district writes after the revocation (the corrected address) is not covered.
 */

/** The marker: every link of `recipientId` to versions up to `throughVersion` is revoked. */
export interface RecipientRevocation {
  decisionId: string;
  recipientId: string;
  throughVersion: number;
  /** When it was first written (ISO 8601). */
  revokedAt: string;
}

/**
 * The marker's key in the links table: not a SHA-256 hex, so no token can ever hash to it
 * (tokens are looked up as 64 hex digits).
 */
export function recipientRevocationKey(decisionId: string, recipientId: string): string {
  return `recipient-revoked#${decisionId}#${recipientId}`;
}

/** Thrown by a link store when a marker covers the link being saved: nothing was written. */
export class RecipientLinksRevoked extends Error {
  constructor(
    readonly decisionId: string,
    readonly recipientId: string,
    readonly version: number,
  ) {
    super(`the district revoked recipient ${recipientId}'s links of decision ${decisionId}`);
    this.name = 'RecipientLinksRevoked';
  }
}

/** Whether `marker` covers a link of `version`. */
export function revocationCovers(
  marker: RecipientRevocation | undefined,
  version: number,
): boolean {
  return marker !== undefined && version <= marker.throughVersion;
}
