/**
 * The ports of online answers: the append-only responses table and the per-link code state
 * (the one-time code and its wrong-try counter). DynamoDB in AWS and on one machine.
 */
import type { Consent } from '../core/consent.ts';
import type { ResponseAnswer } from '../core/parent-response.ts';
import type { CodeState } from '../core/response-code.ts';

/** One signed answer, as recorded (never updated: a later answer is a new record). */
export interface ResponseRecord {
  decisionId: string;
  /** `v<version, 6 digits>#<recipientId>#<sequence, 4 digits>`: the table's sort key. */
  responseKey: string;
  responseId: string;
  districtId: string;
  version: number;
  recipientId: string;
  /** 1 for the first answer of this recipient to this version, then 2, 3… */
  sequence: number;
  /** The responseId of the answer this one supersedes (kept on record). */
  supersedes?: string;
  linkId: string;
  response: ResponseAnswer;
  except: string[];
  message?: string;
  /** The typed full name. */
  signature: string;
  /** The version of the ESIGN 7001(c) disclosure the signer consented to. */
  esignConsentVersion: string;
  /** The language of the page answered (BCP 47). */
  language: string;
  /** ISO-8601 instant. */
  signedAt: string;
  /** SHA-256 of the client address salted with the link's token hash (never the address). */
  ipHash: string;
  userAgent?: string;
  /** The decision's consent after this answer, where the decision records consent. */
  consentAfter?: Consent;
  /**
   * 'letter' when the answerer opened the page with the letter's printed code: they chose paper
   * (300.505), so their copy goes by post; absent for the emailed link and one-time code.
   */
  proof?: 'letter';
  /** The signed "Parent response" PDF, when it was made. */
  documentId?: string;
  /** When the parent's copy and the case manager's notice were sent (set once, afterwards). */
  noticeSentAt?: string;
  /** A sender's claim on those emails while it sends them (ISO instant; see `claimNotice`). */
  noticeClaimedAt?: string;
}

/** The responses table: append-only. */
export interface ResponseStore {
  /** Writes a record unless its key exists (false then: another answer took that sequence). */
  append(record: ResponseRecord): Promise<boolean>;
  /** Sets the PDF of an answer once (the only attribute written after the append). */
  attachDocument(decisionId: string, responseKey: string, documentId: string): Promise<void>;
  /** The answers of one recipient to one version, oldest first. */
  listFor(decisionId: string, version: number, recipientId: string): Promise<ResponseRecord[]>;
  /** Every answer to a decision (all versions), in key order. */
  listDecision(decisionId: string): Promise<ResponseRecord[]>;
}

/**
 * What the responses stream's consumer needs besides the append-only table: the record as it
 * stands now, and a claim on its emails, so a retried record sends them at most once per
 * claim (a claim older than `staleBefore` was a crash mid-send and is taken over).
 */
export interface ResponseFollowUpStore
  extends Pick<ResponseStore, 'attachDocument' | 'listFor' | 'listDecision'> {
  /** One answer (a consistent read), or undefined. */
  get(decisionId: string, responseKey: string): Promise<ResponseRecord | undefined>;
  /** Claims the answer's emails at `at`; false when sent, or claimed since `staleBefore`. */
  claimNotice(
    decisionId: string,
    responseKey: string,
    at: string,
    staleBefore: string,
  ): Promise<boolean>;
  /** Marks the emails of a claim taken at `claimedAt` sent. */
  markNoticeSent(
    decisionId: string,
    responseKey: string,
    claimedAt: string,
    at: string,
  ): Promise<void>;
  /** Gives a claim back after its send failed, so a retry claims afresh. */
  releaseNotice(decisionId: string, responseKey: string, claimedAt: string): Promise<void>;
}

/** The per-link code state (one item per link, expiring with the link). */
export interface CodeStore {
  get(linkId: string): Promise<CodeState>;
  /**
   * Saves `next` only if the stored state still is `previous` (by its counters): two requests
   * racing on one link cannot both spend the same try. False when another request won.
   */
  save(linkId: string, next: CodeState, previous: CodeState, expiresAt: number): Promise<boolean>;
}
