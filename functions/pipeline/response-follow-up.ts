/**
 * What follows a recorded answer, fed by the responses table's stream (issue #19) in AWS and on
 * one machine alike: the decision's calendar re-planned on the consent in force, the signed
 * "Parent response" PDF, then the parent's copy (the PDF attached) and the case manager's
 * notice. Each step is idempotent and keyed by the answer, so a retried record does nothing
 * twice: the calendar converges (calendar-schedule.ts), the PDF is stored and recorded once
 * under the answer's own document id and the record's `documentId` set once (conditional), the
 * emails are claimed on the record before they are sent and marked sent after.
 * Logs carry ids only.
 */
import { type ConsentAnswer, consentInForce } from '../core/consent-in-force.ts';
import { calendarDateIn } from '../core/dates.ts';
import type { Decision } from '../core/decision.ts';
import type { DistrictDirectory } from '../core/district.ts';
import { rightsHaveTransferred } from '../core/milestones.ts';
import { answeringRight, consentEffect } from '../core/parent-response.ts';
import { stateLaw } from '../core/state-law.ts';
import { checkDecision } from '../core/validate.ts';
import type { DecisionReader } from './delivery-ports.ts';
import type { Log } from './ports.ts';
import type { ResponseFollowUpStore, ResponseRecord } from './response-ports.ts';
import type { AnswerContext, ResponseNotices } from './responses.ts';
import { offerItems, respondent } from './responses.ts';

/** A claim on an answer's emails older than this was a sender that crashed: taken over. */
export const NOTICE_CLAIM_LEASE_MS = 5 * 60_000;

/** The key of a responses stream record (the item itself is read again, consistently). */
export interface ResponseRef {
  decisionId: string;
  responseKey: string;
}

/** The decision's calendar, re-planned on the consent in force (calendar-schedule.ts). */
export interface ConsentCalendar {
  /** `decision` carries the consent in force (core/consent-in-force.ts). */
  replanForConsent(decision: Decision): Promise<unknown>;
}

export interface ResponseFollowUpDeps {
  responses: ResponseFollowUpStore;
  decisions: DecisionReader;
  districts: Pick<DistrictDirectory, 'get' | 'has'>;
  /** Renders, signs, stores and records the answer's PDF; returns its document id. */
  document: (context: AnswerContext, record: ResponseRecord) => Promise<string>;
  notices: Pick<ResponseNotices, 'recorded'>;
  calendar: ConsentCalendar;
  clock: () => Date;
  log: Log;
}

/** What one record came to (for logs and tests). */
export type FollowUpResult =
  | { kind: 'missing' }
  | { kind: 'decision-unreadable' }
  | { kind: 'done'; documentId: string; noticeSent: boolean };

/** The answer as the consent overlay reads it. */
export function consentAnswerOf(record: ResponseRecord, timeZone: string): ConsentAnswer {
  return {
    version: record.version,
    recipientId: record.recipientId,
    response: record.response,
    except: record.except,
    signedAt: record.signedAt,
    on: calendarDateIn(new Date(record.signedAt), timeZone),
  };
}

/** The responses stream's consumer. */
export class ResponseFollowUp {
  constructor(private readonly deps: ResponseFollowUpDeps) {}

  /** Follows up one recorded answer (idempotent; throws what a retry may cure). */
  async process(ref: ResponseRef): Promise<FollowUpResult> {
    const { deps } = this;
    const record = await deps.responses.get(ref.decisionId, ref.responseKey);
    if (!record) return { kind: 'missing' };
    const checked = checkDecision(await deps.decisions.get(record.decisionId, record.version));
    if (checked.kind !== 'checked' || !deps.districts.has(record.districtId)) {
      // The answer was taken against this version: a decision that no longer reads is a
      // person's problem, logged, not retried forever.
      deps.log.error('response follow-up: decision unreadable', {
        decisionId: record.decisionId,
        responseId: record.responseId,
      });
      return { kind: 'decision-unreadable' };
    }
    const decision = checked.decision;
    const district = deps.districts.get(record.districtId);
    const answers = (await deps.responses.listDecision(record.decisionId)).map((r) =>
      consentAnswerOf(r, district.timeZone),
    );
    // Who could answer on the day they signed (the age of majority may fall in between).
    const law = stateLaw(district.state);
    const mayAnswer = (a: ConsentAnswer) =>
      answeringRight(
        { recipientId: a.recipientId, ...respondent(decision, a.recipientId) },
        rightsHaveTransferred(decision, law, a.on),
      ).may;
    const consent = consentInForce(decision, answers, mayAnswer);
    await deps.calendar.replanForConsent(consent ? { ...decision, consent } : decision);

    const context: AnswerContext = {
      decision,
      district,
      link: {
        linkId: record.linkId,
        decisionId: record.decisionId,
        version: record.version,
        language: record.language,
      },
      // A printed-code answerer chose paper (300.505): no email, the copy goes by post.
      ...(record.proof === 'letter'
        ? { proof: 'letter' as const }
        : emailOf(decision, record.recipientId)),
    };
    const documentId = record.documentId ?? (await deps.document(context, record));
    if (!record.documentId) {
      await deps.responses.attachDocument(record.decisionId, record.responseKey, documentId);
      record.documentId = documentId;
    }
    const noticeSent = await this.#notify(context, record);
    deps.log.info('response followed up', {
      decisionId: record.decisionId,
      responseId: record.responseId,
      documentId,
      noticeSent,
    });
    return { kind: 'done', documentId, noticeSent };
  }

  /** The parent's copy and the case manager's notice, at most once per claim. */
  async #notify(context: AnswerContext, record: ResponseRecord): Promise<boolean> {
    const { deps } = this;
    if (record.noticeSentAt) return false;
    const now = deps.clock();
    const at = now.toISOString();
    const staleBefore = new Date(now.getTime() - NOTICE_CLAIM_LEASE_MS).toISOString();
    if (!(await deps.responses.claimNotice(record.decisionId, record.responseKey, at, staleBefore)))
      return false;
    try {
      await deps.notices.recorded(context, record, await this.#actionNeeded(context, record));
    } catch (error) {
      await deps.responses.releaseNotice(record.decisionId, record.responseKey, at);
      throw error;
    }
    await deps.responses.markNoticeSent(
      record.decisionId,
      record.responseKey,
      at,
      deps.clock().toISOString(),
    );
    return true;
  }

  /**
   * Whether the case manager must act: anything but a plain agreement, or a change of a consent
   * already given (as the answer's own effect says, from the consent before it).
   */
  async #actionNeeded(context: AnswerContext, record: ResponseRecord): Promise<boolean> {
    if (record.response !== 'agree') return true;
    const earlier = (
      await this.deps.responses.listFor(record.decisionId, record.version, record.recipientId)
    ).filter((r) => r.sequence < record.sequence);
    const before = earlier.at(-1)?.consentAfter ?? context.decision.consent;
    const on = record.signedAt.slice(0, 10);
    return consentEffect(before, record, on, offerItems(context.decision).serviceIds)
      .notifyCaseManager;
  }
}

/** The recipient's own email on the decision, when it has one. */
function emailOf(decision: Decision, recipientId: string): { email?: string } {
  const email = respondent(decision, recipientId).email;
  return email ? { email } : {};
}
