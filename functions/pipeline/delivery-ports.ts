/**
 * The delivery capability's interfaces: delivery records, download links, the access log,
 * the mailer and the decision reader. Adapters implement them against DynamoDB and SES.
 */

import type { Channel } from '../core/recipients.ts';
import type { DeliveryJob } from './ports.ts';
import type { RecipientRevocation } from './recipient-revocation.ts';

/**
 * Where one delivery stands.
 * - `sending`: claimed, the email not yet confirmed sent (a crash here leaves it; see deliver.ts).
 * - `sent` → `delivered` | `bounced` | `complained`: the email's life, from SES events.
 * - `pending-mail`: a postal packet is stored and waits for the district to print and mail it.
 * - `needs-review`: a send may or may not have happened; a person decides (never re-sent blindly).
 * - `problem`: the recipient can be reached by no channel; the district must act.
 */
export type DeliveryState =
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'bounced'
  | 'complained'
  | 'pending-mail'
  | 'mailed'
  | 'needs-review'
  | 'problem';

/** One email or postal packet to one recipient for one document set. Ids only: no addresses. */
export interface DeliveryRecord {
  deliveryId: string;
  /** Sorts a decision's deliveries: `v<version>#<kind>#<recipientId>#<channel>`. */
  deliveryKey: string;
  districtId: string;
  decisionId: string;
  version: number;
  kind: DeliveryJob['kind'];
  recipientId: string;
  channel: Channel;
  /** The language of the message (the recipient's locale, or English). */
  language: string;
  /** The recipient's language, when no locale serves it yet. */
  translationNeeded?: string;
  /** The recipient's documents wait for a complete translation, requested on that day. */
  translationPending?: { language: string; requestedOn: string };
  /** Every document of the set (all languages), to rebuild the job after a bounce. */
  documentSetIds: string[];
  /** The documents offered to this recipient: their language first, then English. */
  documentIds: string[];
  /** Email subject, or the cover letter's subject line. */
  subject: string;
  state: DeliveryState;
  /** Why: a problem, a review, a bounce. */
  reason?: string;
  /** Notes for the district, e.g. "translation needed: es". */
  notes?: string[];
  /** SES message id, once sent. */
  messageId?: string;
  /** The download link's id and the hash of its token (never the token). */
  linkId?: string;
  tokenHash?: string;
  linkExpiresAt?: string;
  /** S3 key of the postal packet. */
  postalKey?: string;
  /** The day the district mailed the packet (it sets `mailed` itself: docs/district-guide.md). */
  mailedAt?: string;
  /** The email delivery a postal packet replaces (after a bounce). */
  replaces?: string;
  claimedAt: string;
  updatedAt: string;
  sentAt?: string;
  /** The procedural safeguards notice this delivery gave (300.504), once recorded. */
  safeguards?: {
    event: string;
    schoolYear: string;
    language: string;
    version: string;
    translationNeeded?: string;
  };
}

/** The deliveries table. */
export interface DeliveryStore {
  get(deliveryId: string): Promise<DeliveryRecord | undefined>;
  /** Writes the record unless one exists for the id (the claim); false when it existed. */
  claim(record: DeliveryRecord): Promise<boolean>;
  /**
   * Sets fields when the record's state is one of `from`; false when it was not.
   * Guards each transition, so a late or repeated event cannot undo a later one.
   */
  transition(
    deliveryId: string,
    from: readonly DeliveryState[],
    changes: Partial<DeliveryRecord>,
  ): Promise<boolean>;
  /** Deletes a claim still `sending` since `claimedAt` (its send was refused), so a retry claims afresh. */
  release(deliveryId: string, claimedAt: string): Promise<void>;
  /** A decision's deliveries, optionally of one version, in deliveryKey order. */
  listForDecision(decisionId: string, version?: number): Promise<DeliveryRecord[]>;
}

/** A download link, keyed by the SHA-256 of its token (the token itself is never stored). */
export interface LinkRecord {
  tokenHash: string;
  linkId: string;
  deliveryId: string;
  districtId: string;
  decisionId: string;
  version: number;
  recipientId: string;
  /** The page's language. */
  language: string;
  documentIds: string[];
  createdAt: string;
  /** Epoch seconds (the table's TTL attribute; DynamoDB deletes late, so code checks it too). */
  expiresAt: number;
  revokedAt?: string;
  /**
   * What the record is (absent: an emailed download link): a code printed in a postal letter,
   * keyed by the code's hash, or a response session it opened (printed-codes.ts). Neither
   * opens the documents page; both open only the response page (the code through `/r`).
   */
  kind?: 'postal' | 'postal-session';
  /** A session's printed code (its key): the session lives only while its code does. */
  parentTokenHash?: string;
}

/** The links table. */
export interface LinkStore {
  /** Saves a new link; throws `RecipientLinksRevoked` when a recipient revocation covers it. */
  put(link: LinkRecord): Promise<void>;
  get(tokenHash: string): Promise<LinkRecord | undefined>;
  revoke(tokenHash: string, at: string): Promise<void>;
  /** Writes (or extends to a newer version) a recipient revocation marker. */
  markRecipientRevoked(marker: RecipientRevocation): Promise<void>;
  /** The recipient's revocation marker, if any (a consistent read). */
  recipientRevocation(
    decisionId: string,
    recipientId: string,
  ): Promise<RecipientRevocation | undefined>;
}

/** One access to an education record through a link (34 CFR 300.614). */
export interface AccessEntry {
  linkId: string;
  /** ISO-8601 instant. */
  accessedAt: string;
  deliveryId: string;
  recipientId: string;
  decisionId: string;
  version: number;
  documentId: string;
  sourceIp?: string;
  userAgent?: string;
}

/** The access log table. */
export interface AccessLog {
  record(entry: AccessEntry): Promise<void>;
  list(linkId: string): Promise<AccessEntry[]>;
}

/** An email as the deliver use case composes it. */
export interface OutgoingEmail {
  from: { name: string; email: string };
  replyTo?: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  attachments?: { fileName: string; contentType: string; content: Uint8Array }[];
  /** Travels with the message and comes back in SES events (EmailTags). */
  tags: Record<string, string>;
}

/** Sends email (SES v2 in AWS and on one machine). */
export interface Mailer {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

/** Reads a district's decision item (plain values), as written. */
export interface DecisionReader {
  get(decisionId: string, version: number): Promise<unknown | undefined>;
}

/** What the mailroom (or a print vendor) is told of a packet waiting to be printed: ids only. */
export interface PostalPacketReady {
  deliveryId: string;
  districtId: string;
  decisionId: string;
  version: number;
  /** The packet's S3 key in the documents bucket. */
  key: string;
  pages: number;
}

/** Tells the mailroom a packet is ready (an SQS queue in AWS); optional per deployment. */
export interface PostalNotifier {
  packetReady(packet: PostalPacketReady): Promise<void>;
}
