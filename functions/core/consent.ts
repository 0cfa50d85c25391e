/**
 * The parent's consent to the initial provision of special education and related services
 * (34 CFR 300.300(b)), as the decision records it, and what each state of it means for the
 * documents and the calendar. Pure: no clock, no AWS.
 *
 * - `pending`: the IEP is the district's offer; services begin only after written consent
 *   (300.300(b)(1)); a consent form goes with the documents; the calendar does not start.
 * - `given` (on `date`): services start on or after that day; the calendar starts (the annual
 *   review still runs from the meeting, 300.324(b)(1)(i)).
 * - `partial` (on `date`, `declined[]` service ids): the parent consented to some services;
 *   the declined ones are printed as declined and not provided, and the refusal of one
 *   service does not deny the others (300.300(d)(3)).
 * - `refused`: no services, no IEP in effect, no calendar (300.300(b)(3)); the district
 *   gives prior written notice that it will not provide them (300.503(a)(2)).
 * - `revokedOn` (after `given` or `partial`): the parent revoked consent in writing for all
 *   services (300.300(b)(4)); the district gives prior written notice before ceasing them
 *   (300.300(b)(4)(i)) and the calendar's pending entries are cancelled. Revocation is not
 *   retroactive (300.9(c)(2)): the documents already issued stay on record.
 *
 * No `consent` at all (every version-1 item, and a version-2 decision that does not record
 * it) means the decision does not say: the district's system keeps the consent record
 * elsewhere. The pipeline then acts as before (documents issued, calendar started); the duty
 * to have consent before the first service (300.300(b)(1)) remains the district's.
 */
import { z } from 'zod';
import { calendarDate, id, list } from './decision.ts';

/** Where the parent's consent to the initial provision of services stands. */
export const consentStatuses = ['pending', 'given', 'partial', 'refused'] as const;
/** Where the parent's consent stands. */
export type ConsentStatus = (typeof consentStatuses)[number];

/** The decision's `consent` field (schemaVersion 2, optional). */
export const consentSchema = z.strictObject({
  status: z.enum(consentStatuses),
  /** The day the parent's written answer was received (given, partial or refused). */
  date: calendarDate.optional(),
  /** partial: the services (by `serviceId`) the parent did not consent to. */
  declined: list(id).default([]),
  /** The day the parent's written revocation of consent for all services was received (300.300(b)(4)). */
  revokedOn: calendarDate.optional(),
});

/** The consent as recorded on a decision. */
export type Consent = z.output<typeof consentSchema>;

/** What the consent means for the pipeline: one state, with what each needs. */
export type ConsentState =
  | { kind: 'not-recorded' }
  | { kind: 'pending' }
  | { kind: 'given'; on: string | undefined }
  | { kind: 'partial'; on: string | undefined; declined: readonly string[] }
  | { kind: 'refused'; on: string | undefined }
  | { kind: 'revoked'; on: string; consentedOn: string | undefined };

/** The consent state of a decision (`not-recorded` when it has no `consent`). */
export function consentState(decision: { consent?: Consent | undefined }): ConsentState {
  const c = decision.consent;
  if (!c) return { kind: 'not-recorded' };
  if (c.revokedOn) return { kind: 'revoked', on: c.revokedOn, consentedOn: c.date };
  switch (c.status) {
    case 'pending':
      return { kind: 'pending' };
    case 'refused':
      return { kind: 'refused', on: c.date };
    case 'partial':
      return { kind: 'partial', on: c.date, declined: c.declined };
    case 'given':
      return { kind: 'given', on: c.date };
  }
}

/** The documents are the district's offer, awaiting written consent (300.300(b)(1)). */
export const isOffer = (state: ConsentState): boolean => state.kind === 'pending';

/** No services are (or will be) provided: consent refused (300.300(b)(3)) or revoked (300.300(b)(4)). */
export const endsServices = (state: ConsentState): boolean =>
  state.kind === 'refused' || state.kind === 'revoked';

/** Whether the compliance calendar runs for this decision: not while consent is pending or after it ends. */
export const calendarRuns = (state: ConsentState): boolean =>
  !isOffer(state) && !endsServices(state);

/** The service ids the parent declined (partial consent); empty otherwise. */
export function declinedServices(state: ConsentState): ReadonlySet<string> {
  return new Set(state.kind === 'partial' ? state.declined : []);
}

/**
 * A parent's written answer to the offer: agree to all, agree except some services, or refuse.
 * (The online answer of a later issue drives this; the district's system may record it too.)
 */
export type ParentResponse =
  | { answer: 'agree'; on: string }
  | { answer: 'agree-except'; on: string; declined: readonly string[] }
  | { answer: 'refuse'; on: string };

/** Why a response or a revocation cannot be applied to a consent. */
export class ConsentTransitionError extends Error {
  override readonly name = 'ConsentTransitionError';
}

/**
 * The consent after the parent's answer: agree → given, agree-except → partial with the
 * declined ids, refuse → refused. Only a pending consent takes an answer (a later change of
 * mind is a revocation, `revokeConsent`); `serviceIds` are the offer's services, and a
 * partial answer must decline at least one of them and not all (declining all is a refusal).
 */
export function applyParentResponse(
  consent: Consent,
  response: ParentResponse,
  serviceIds: readonly string[],
): Consent {
  if (consent.status !== 'pending' || consent.revokedOn)
    throw new ConsentTransitionError(
      `consent is ${consent.revokedOn ? 'revoked' : consent.status}: only a pending offer takes an answer`,
    );
  if (response.answer === 'agree') return { status: 'given', date: response.on, declined: [] };
  if (response.answer === 'refuse') return { status: 'refused', date: response.on, declined: [] };
  const unknown = response.declined.filter((s) => !serviceIds.includes(s));
  if (unknown.length > 0)
    throw new ConsentTransitionError(`declined services not in the offer: ${unknown.join(', ')}`);
  const declined = [...new Set(response.declined)];
  if (declined.length === 0)
    throw new ConsentTransitionError('agree-except declines no service: answer agree');
  if (declined.length >= serviceIds.length)
    throw new ConsentTransitionError('every service declined: that is a refusal');
  return { status: 'partial', date: response.on, declined };
}

/**
 * The consent after the parent's written revocation for all services (300.300(b)(4)): only
 * consent that was given (wholly or in part) can be revoked, on or after the day it was given.
 */
export function revokeConsent(consent: Consent, on: string): Consent {
  if (consent.revokedOn) throw new ConsentTransitionError('consent is already revoked');
  if (consent.status !== 'given' && consent.status !== 'partial')
    throw new ConsentTransitionError(`consent is ${consent.status}: there is nothing to revoke`);
  if (consent.date && on < consent.date)
    throw new ConsentTransitionError(`revocation ${on} precedes the consent of ${consent.date}`);
  return { ...consent, revokedOn: on };
}
