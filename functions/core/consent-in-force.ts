/**
 * The consent the calendar follows: the decision's recorded consent overlaid by the online
 * answers of the people who may give it, for the version in force (issue #19). Pure: no clock,
 * no AWS (each answer's calendar date is passed in).
 *
 * - Who: only an answer of a holder of educational rights (300.30, 300.9, 300.300(b)) or of
 *   the adult student after the transfer of rights (300.520(a)(1)(i)) counts, on the day it
 *   was signed; the caller says who may answer (the response page refuses the others: this is
 *   the second fence).
 * - Which: only answers to the version planned; a newer version carries its own consent.
 * - How: the answers are applied in the order they were signed, from the decision's consent,
 *   each as `consentEffect` says: agree → given, agree-except → partial (300.300(d)(3)),
 *   refuse → refused (300.300(b)(3)); a refusal after consent was given is a revocation for
 *   all services (300.300(b)(4)), not retroactive (300.9(c)(2)); a meeting request changes
 *   nothing. Answers of two rights holders are one history: the latest signed counts.
 */
import {
  type CalendarEntry,
  type CalendarOptions,
  calendarEntryKinds,
  entryIdOf,
} from './calendar.ts';
import { type SupersedeResult, supersede } from './calendar-supersede.ts';
import { type Consent, consentState } from './consent.ts';
import type { Decision } from './decision.ts';
import { consentEffect, type ResponseAnswer } from './parent-response.ts';

/** One recorded answer, as far as consent goes. */
export interface ConsentAnswer {
  version: number;
  recipientId: string;
  response: ResponseAnswer;
  except: readonly string[];
  /** ISO instant of the signature: the order of answers. */
  signedAt: string;
  /** The calendar date of `signedAt` in the district's time zone: the consent's date. */
  on: string;
}

/**
 * The decision's consent after the answers of those who may answer, to this version. The
 * decision's own consent when no such answer exists; undefined when neither says anything
 * (the district keeps the consent record elsewhere, see consent.ts).
 */
export function consentInForce(
  decision: Pick<Decision, 'version' | 'consent' | 'iep'>,
  answers: readonly ConsentAnswer[],
  mayAnswer: (answer: ConsentAnswer) => boolean,
): Consent | undefined {
  const serviceIds = decision.iep.services.map((s) => s.serviceId);
  const counted = answers
    .filter((a) => a.version === decision.version && mayAnswer(a))
    .sort((a, b) => (a.signedAt < b.signedAt ? -1 : a.signedAt > b.signedAt ? 1 : 0));
  let consent = decision.consent;
  for (const answer of counted)
    consent =
      consentEffect(
        consent,
        { response: answer.response, except: [...answer.except] },
        answer.on,
        serviceIds,
      ).consent ?? consent;
  return consent;
}

/**
 * The calendar changes after the consent in force changed (`decision` carries it). The
 * decision's entries once consent allows them (given or partial: services run, 300.300(d)(3);
 * no entry while pending or refused, 300.300(b)(1), (b)(3)); after a revocation, its pending
 * entries cancelled (`consent-revoked`, 300.300(b)(4)) and the ones already done or cancelled
 * left as they are (not retroactive, 300.9(c)(2)). Otherwise as `supersede` (idempotent: a
 * replan with nothing new is `already-applied`).
 */
export function replanForConsent(
  existing: readonly CalendarEntry[],
  decision: Decision,
  options: CalendarOptions = {},
): SupersedeResult {
  const state = consentState(decision);
  const ownIds = new Set(
    calendarEntryKinds.map((k) => entryIdOf(decision.decisionId, decision.version, k)),
  );
  const own = existing.filter((e) => ownIds.has(e.entryId));
  if (decision.status !== 'finalized' || own.length === 0 || state.kind !== 'revoked')
    return supersede(existing, decision, options);
  const ref = { decisionId: decision.decisionId, version: decision.version };
  const cancel = own
    .filter((e) => e.status === 'pending')
    .map((e) => ({
      ...e,
      status: 'cancelled' as const,
      cancelledBy: { ...ref, reason: 'consent-revoked' as const },
    }));
  const changed = new Map(cancel.map((e) => [e.entryId, e]));
  return {
    outcome: cancel.length > 0 ? 'applied' : 'already-applied',
    add: [],
    cancel,
    reinstate: [],
    entries: existing.map((e) => changed.get(e.entryId) ?? e),
  };
}
