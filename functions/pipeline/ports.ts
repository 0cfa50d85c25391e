/**
 * The pipeline's interfaces: what the use cases need from storage and from each other.
 * Adapters implement them against DynamoDB and S3; tests use the emulators.
 */
import type { DocumentType } from '../core/documents.ts';
import type { MeetingNoticeFacts } from '../core/late-notices.ts';
import type { Problem } from '../core/problems.ts';
import type { SafeguardsEvent } from '../core/safeguards.ts';

/**
 * How a decision version ended. `calendar-closed`: a finalized exit that requires no document
 * (a move, dropping out, a death: only graduation with a regular diploma and aging out require
 * the prior written notice and Summary of Performance, 300.102(a)(3), 300.305(e)(2)): the
 * version is in force and ends the student's calendar, and nothing is sent.
 */
export type OutcomeKind =
  | 'documents-ready'
  | 'calendar-closed'
  | 'rejected'
  | 'skipped'
  | 'dead-lettered';

/** The pipeline's verdict on one decision version (its own table: a district's write cannot erase it). */
export interface DecisionOutcome {
  decisionId: string;
  version: number;
  /** Absent when the record could not be read far enough to know it. */
  districtId?: string;
  outcome: OutcomeKind;
  /** Why it was skipped or dead-lettered. */
  reason?: string;
  /** Every failed rule, for `rejected`. */
  problems?: Problem[];
  /** What went out but needs the district's attention (a meeting notice sent late: 300.322(a)(1)). */
  flags?: Problem[];
  /** A meeting notice's timing (meeting outcomes only), read by the overdue report's late notices. */
  meetingNotice?: MeetingNoticeFacts;
  documentIds?: string[];
  /** Recipients' languages with no locale yet: English documents were produced instead. */
  translationNeeded?: string[];
  /**
   * Recipients' languages whose documents still wait for a complete translation (300.503(c));
   * a language leaves it, in the same write that adds it to `translated`, when its later
   * translation is rendered.
   */
  translationPending?: string[];
  /** Languages whose documents were rendered later, from a translations item (once each). */
  translated?: string[];
  processedAt: string;
  /** Set when the district withdrew the version after it was processed. */
  withdrawnAt?: string;
  /**
   * Set when a higher version was already in force when this one was processed (versions may
   * arrive out of order): its documents are kept on record, but it is not delivered again.
   */
  supersededBy?: number;
}

/** The outcomes table. */
export interface OutcomeStore {
  get(decisionId: string, version: number): Promise<DecisionOutcome | undefined>;
  /** Records the outcome unless the version already has one; false when it had. */
  recordOnce(outcome: DecisionOutcome): Promise<boolean>;
  /** Counts a failed attempt and keeps its reason (for the dead-letter record); never overwrites an outcome. */
  recordAttemptFailure(decisionId: string, version: number, reason: string): Promise<void>;
  /** The reason of the last failed attempt, if any. */
  lastFailure(decisionId: string, version: number): Promise<string | undefined>;
  markWithdrawn(decisionId: string, version: number, at: string): Promise<void>;
  /** Every version's outcome, newest version first. */
  listVersions(decisionId: string): Promise<DecisionOutcome[]>;
  /**
   * Records that a pending language's documents were rendered from a later translation: adds
   * them to `documentIds` and the language to `translated` and takes it out of
   * `translationPending` (one write), unless the language is already `translated`; false when
   * it was.
   */
  recordTranslated(
    decisionId: string,
    version: number,
    language: string,
    documentIds: readonly string[],
  ): Promise<boolean>;
}

/** One stored PDF. */
export interface DocumentRecord {
  documentId: string;
  districtId: string;
  decisionId: string;
  version: number;
  type: DocumentType;
  language: string;
  rendition: number;
  s3Key: string;
  /** The S3 version id, where the bucket is versioned. */
  s3VersionId?: string;
  sha256: string;
  /** SHA-256 of the HTML printed, to tell whether a re-render changed anything. */
  htmlSha256: string;
  bytes: number;
  pages: number;
  signed: boolean;
  /** The signing certificate's subject. */
  signer: string;
  /**
   * The signing certificate's serial number (hex) and issuer, read from the stored file: in AWS
   * with the short-lived leaf, the leaf this container had KMS certify. Absent for unsigned
   * drafts and for records written before they were recorded.
   */
  signerSerial?: string;
  signerIssuer?: string;
  createdAt: string;
}

/** The document records table. */
export interface DocumentRecords {
  get(documentId: string): Promise<DocumentRecord | undefined>;
  /** Writes the record unless one exists for the id; false when it existed. */
  putOnce(record: DocumentRecord): Promise<boolean>;
  listForDecision(decisionId: string): Promise<DocumentRecord[]>;
}

/** The documents bucket. */
export interface DocumentStore {
  putOnce(
    key: string,
    bytes: Uint8Array,
    options: { contentType: string; sha256Hex: string; metadata?: Record<string, string> },
  ): Promise<{ created: boolean; versionId?: string }>;
  get(key: string): Promise<Uint8Array>;
}

/** A structured logger (Powertools' Logger fits). Never given personal data. */
export interface Log {
  debug(message: string, attributes?: Record<string, unknown>): void;
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

/**
 * A request to deliver documents to a decision's recipients. Carries ids only: the
 * deliver handler reads recipients from the decision and documents from their records.
 */
export interface DeliveryJob {
  /** Deterministic (the same request always has the same id), so a repeated enqueue is harmless. */
  jobId: string;
  kind: 'decision-documents' | 'reminder-notice' | 'meeting-notice' | 'safeguards-notice';
  districtId: string;
  decisionId: string;
  version: number;
  /** The document set offered (every language); each recipient gets theirs and English. */
  documentIds: string[];
  /** Only these recipients (guardianId or 'student'); absent: every recipient of the decision. */
  recipientIds?: string[];
  /**
   * A `safeguards-notice` job: the event of 300.504(a)(1)-(4) that requires the notice, and its
   * day (its school year decides "the first complaint in a school year").
   */
  safeguardsEvent?: { event: SafeguardsEvent; occurredOn: string };
  /** Languages whose translation the district awaits, and the day it was requested. */
  translationPending?: TranslationPending[];
}

/** A language whose documents wait for the translation office, since `requestedOn`. */
export interface TranslationPending {
  language: string;
  /** The day the version was processed: the translation has been wanted since then. */
  requestedOn: string;
}

/** The delivery queue (SQS in AWS; a durable table-backed queue on one machine). */
export interface DeliveryQueue {
  enqueue(job: DeliveryJob): Promise<void>;
}
