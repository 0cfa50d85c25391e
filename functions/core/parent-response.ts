/**
 * A parent's answer to the district's offer, given online: who may answer, what a valid answer
 * is, and what it does to the decision's consent. Pure: no clock, no AWS (times are passed in).
 *
 * - Who: the parent (34 CFR 300.30) holding educational rights gives consent (300.9,
 *   300.300(b)); a guardian without them reads but does not answer. Once rights have
 *   transferred at the age of majority (300.520(a)(1)(i)) the adult student answers, and the
 *   parents (still sent notices, 300.520(a)(1)(i)) no longer do.
 * - When: only for the version in force (a superseded or withdrawn version is no offer).
 * - What: agree, agree except named services or sections (300.300(d)(3): refusing one service
 *   does not deny the others), refuse (300.300(b)(3)), or ask for a meeting (with a message).
 * - How: consent is in writing (300.9(b)); electronically only with the recipient's consent to
 *   do business electronically after the disclosures of ESIGN, 15 U.S.C. 7001(c)(1), and with a
 *   signature the person adopts as theirs (15 U.S.C. 7006(5): an electronic signature is a
 *   symbol "executed or adopted by a person with the intent to sign").
 * - Once: one answer per recipient per version; a later answer supersedes the earlier one only
 *   as a new signed answer; both are kept (the record of 300.9 and 300.613 is never rewritten).
 */
import {
  applyParentResponse,
  type Consent,
  type ParentResponse,
  revokeConsent,
} from './consent.ts';

/** The four answers of the response form (the radio `name="response"` values). */
export const responseAnswers = ['agree', 'agree-except', 'refuse', 'meeting'] as const;
/** One of the four answers. */
export type ResponseAnswer = (typeof responseAnswers)[number];

/**
 * The version of the e-sign consent text (the ESIGN 7001(c)(1) disclosures in each locale's
 * `response.esign`): recorded with every answer, so the text the parent agreed to can be shown.
 * Change it whenever the disclosure's meaning changes.
 */
export const ESIGN_CONSENT_VERSION = 'esign-1';

/** The longest message with a request for a meeting, and the longest typed signature. */
export const MAX_MESSAGE_LENGTH = 2000;
export const MAX_SIGNATURE_LENGTH = 200;

/** Who a link's recipient is, as far as answering goes. */
export interface Respondent {
  /** The guardianId, or `student`. */
  recipientId: string;
  /** A guardian's `educationalRightsHolder`; absent for the student. */
  educationalRightsHolder?: boolean;
  /** True when the recipient is the student. */
  isStudent: boolean;
}

/** Whether the recipient may answer, and why not. */
export type AnsweringRight =
  | { may: true }
  | { may: false; reason: 'no-educational-rights' | 'rights-transferred' | 'not-yet-adult' };

/**
 * Whether this recipient may answer (`rightsTransferred`: the student is of age and rights
 * have transferred on the day of answering, 300.520(a)).
 */
export function answeringRight(who: Respondent, rightsTransferred: boolean): AnsweringRight {
  if (who.isStudent)
    return rightsTransferred ? { may: true } : { may: false, reason: 'not-yet-adult' };
  if (rightsTransferred) return { may: false, reason: 'rights-transferred' };
  return who.educationalRightsHolder === true
    ? { may: true }
    : { may: false, reason: 'no-educational-rights' };
}

/** The form's fields as posted (strings; repeated `except`). */
export interface ResponseForm {
  response?: string;
  except?: readonly string[];
  message?: string;
  signature?: string;
  esign?: string;
}

/** What the offer lets a parent except: the version's service ids and section ids. */
export interface OfferItems {
  serviceIds: readonly string[];
  sectionIds: readonly string[];
}

/** A field the form must fix, with what is wrong (keys of the locale's `response.errors`). */
export interface ResponseProblem {
  field: 'response' | 'except' | 'message' | 'signature' | 'esign';
  problem: 'required' | 'unknown' | 'none-excepted' | 'all-excepted' | 'too-long' | 'not-allowed';
}

/** A valid answer, ready to sign and record. */
export interface ValidResponse {
  response: ResponseAnswer;
  /** agree-except only: the excepted service and section ids, in the offer's order. */
  except: string[];
  /** meeting only (optional there): what the parent wants to talk about. */
  message?: string;
  /** The typed full name, trimmed, inner spaces collapsed. */
  signature: string;
  esignConsentVersion: string;
}

/** The valid answer of a posted form, or every problem found (all at once, for one page). */
export function validateResponse(
  form: ResponseForm,
  offer: OfferItems,
): { ok: true; value: ValidResponse } | { ok: false; problems: ResponseProblem[] } {
  const problems: ResponseProblem[] = [];
  const response = responseAnswers.find((a) => a === form.response);
  if (!response) problems.push({ field: 'response', problem: 'required' });
  const offered = [...offer.serviceIds, ...offer.sectionIds];
  const picked = new Set(form.except ?? []);
  const except = offered.filter((id) => picked.has(id));
  if ([...picked].some((id) => !offered.includes(id)))
    problems.push({ field: 'except', problem: 'unknown' });
  else if (response === 'agree-except' && except.length === 0)
    problems.push({ field: 'except', problem: 'none-excepted' });
  else if (response === 'agree-except' && except.length >= offered.length)
    // Excepting everything is a refusal (300.300(b)(3)), answered as one, not as consent.
    problems.push({ field: 'except', problem: 'all-excepted' });
  else if (response && response !== 'agree-except' && except.length > 0)
    problems.push({ field: 'except', problem: 'not-allowed' });
  const message = (form.message ?? '').trim();
  if (message.length > MAX_MESSAGE_LENGTH) problems.push({ field: 'message', problem: 'too-long' });
  const signature = (form.signature ?? '').trim().replace(/\s+/g, ' ');
  if (signature.length === 0) problems.push({ field: 'signature', problem: 'required' });
  else if (signature.length > MAX_SIGNATURE_LENGTH)
    problems.push({ field: 'signature', problem: 'too-long' });
  // ESIGN 7001(c)(1)(A): consent to electronic records is affirmative, never presumed.
  if (form.esign !== 'yes') problems.push({ field: 'esign', problem: 'required' });
  if (problems.length > 0 || !response) return { ok: false, problems };
  return {
    ok: true,
    value: {
      response,
      except: response === 'agree-except' ? except : [],
      ...(response === 'meeting' && message ? { message } : {}),
      signature,
      esignConsentVersion: ESIGN_CONSENT_VERSION,
    },
  };
}

/** An answer already on record for this recipient and version (oldest first). */
export interface RecordedAnswer {
  responseId: string;
  response: ResponseAnswer;
  signedAt: string;
}

/**
 * Where a new answer stands against those on record: the first, or one superseding the latest
 * (which stays on record). Its sequence number makes the record's key unique per answer.
 */
export function answerSequence(recorded: readonly RecordedAnswer[]): {
  sequence: number;
  supersedes?: string;
} {
  const latest = recorded.at(-1);
  return latest
    ? { sequence: recorded.length + 1, supersedes: latest.responseId }
    : { sequence: 1 };
}

/** What an answer does to the decision's consent, and whom it concerns. */
export interface ConsentEffect {
  /** The consent after the answer; absent when the decision records none or the answer leaves it. */
  consent?: Consent;
  /** The case manager must act: a meeting asked for, or consent changed after it was given. */
  notifyCaseManager: boolean;
}

/**
 * The decision's consent after an answer on `on` (a calendar date). agree → given,
 * agree-except → partial with the excepted services declined, refuse → refused (consent.ts,
 * 300.300(b)); a meeting leaves consent as it is. A later answer after consent was given:
 * refusing is a revocation for all services (300.300(b)(4), not retroactive, 300.9(c)(2)); a
 * different agreement is recorded as the new answer and the case manager told (the federal rule
 * knows no partial revocation, so the district decides what it means).
 */
export function consentEffect(
  consent: Consent | undefined,
  answer: Pick<ValidResponse, 'response' | 'except'>,
  on: string,
  serviceIds: readonly string[],
): ConsentEffect {
  if (answer.response === 'meeting')
    return { ...(consent ? { consent } : {}), notifyCaseManager: true };
  if (!consent) return { notifyCaseManager: answer.response !== 'agree' };
  const declined = answer.except.filter((id) => serviceIds.includes(id));
  const parent: ParentResponse =
    answer.response === 'agree-except' && declined.length > 0
      ? { answer: 'agree-except', on, declined }
      : answer.response === 'refuse'
        ? { answer: 'refuse', on }
        : { answer: 'agree', on };
  if (consent.status === 'pending' && !consent.revokedOn)
    return {
      consent: applyParentResponse(consent, parent, serviceIds),
      notifyCaseManager: answer.response !== 'agree',
    };
  if ((consent.status === 'given' || consent.status === 'partial') && !consent.revokedOn) {
    if (parent.answer === 'refuse')
      return { consent: revokeConsent(consent, on), notifyCaseManager: true };
    const pending: Consent = { status: 'pending', declined: [] };
    return { consent: applyParentResponse(pending, parent, serviceIds), notifyCaseManager: true };
  }
  // Refused or revoked: a new agreement is a new consent the district must act on (300.300(b)(4)(ii)).
  return { consent, notifyCaseManager: true };
}
