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
  /** The signed "Parent response" PDF, when it was made. */
  documentId?: string;
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

/** The per-link code state (one item per link, expiring with the link). */
export interface CodeStore {
  get(linkId: string): Promise<CodeState>;
  /**
   * Saves `next` only if the stored state still is `previous` (by its counters): two requests
   * racing on one link cannot both spend the same try. False when another request won.
   */
  save(linkId: string, next: CodeState, previous: CodeState, expiresAt: number): Promise<boolean>;
}
