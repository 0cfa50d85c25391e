/**
 * Which meeting documents a decision yields, from its consent and exit (`consent.ts`,
 * `exit.ts`). Pure.
 */
import { consentState, endsServices, isOffer } from './consent.ts';
import type { Decision } from './decision.ts';
import type { MeetingDocumentType } from './documents.ts';
import { needsSummaryOfPerformance } from './exit.ts';

/**
 * The meeting documents of a decision, in the order they are rendered and delivered:
 * - consent refused or revoked: the prior written notice alone, that services will not be
 *   provided or will end (300.503(a), 300.300(b)(3)-(4)); no IEP is in effect;
 * - graduation or aging out: the prior written notice of the change of placement
 *   (300.102(a)(3)(iii), 300.503) and the Summary of Performance (300.305(e)(3));
 * - another exit (a move, dropping out, death): none; the calendar ends, nothing is sent;
 * - consent pending: the IEP and the notice as the district's offer, and the consent form
 *   (300.300(b)(1));
 * - otherwise the IEP and the prior written notice.
 */
export function meetingDocumentTypes(decision: Decision): MeetingDocumentType[] {
  const consent = consentState(decision);
  if (endsServices(consent)) return ['prior-written-notice'];
  if (decision.exit)
    return needsSummaryOfPerformance(decision.exit)
      ? ['prior-written-notice', 'summary-of-performance']
      : [];
  return isOffer(consent)
    ? ['iep', 'prior-written-notice', 'consent-form']
    : ['iep', 'prior-written-notice'];
}
