/**
 * The procedural safeguards notice (34 CFR 300.504): the district's own document (a PDF per
 * language, named in its profile), given to the parents once a school year and on the events
 * of 300.504(a)(1)-(4), in their language (300.504(d), 300.503(c)). Every giving is recorded:
 * the district must be able to show when a family received it. Pure: dates are passed in.
 */
import { addYears, type CalendarDate } from './dates.ts';
import { matchLocale } from './languages.ts';

/** Why a copy is given (300.504(a)). */
export const safeguardsEvents = [
  'annual',
  'initial-referral',
  'state-complaint',
  'due-process-complaint',
  'disciplinary-removal',
  'parent-request',
] as const;
export type SafeguardsEvent = (typeof safeguardsEvents)[number];

/** The paragraph that requires a copy on each event. */
export const safeguardsEventCfr: Readonly<Record<SafeguardsEvent, string>> = {
  annual: '300.504(a)',
  'initial-referral': '300.504(a)(1)',
  'state-complaint': '300.504(a)(2)',
  'due-process-complaint': '300.504(a)(2)',
  'disciplinary-removal': '300.504(a)(3), 300.530(h)',
  'parent-request': '300.504(a)(4)',
};

/** One recorded giving of the notice to one recipient. */
export interface SafeguardsGiving {
  /** The student's opaque key (`studentKey`): never the student id. */
  studentKey: string;
  /** Sorts a student's givings: `<givenOn>#<recipientId>#<event>#<deliveryId>`. */
  givingKey: string;
  districtId: string;
  recipientId: string;
  schoolYear: string;
  event: SafeguardsEvent;
  /** The language of the copy given. */
  language: string;
  /** The recipient's language when the district has no copy in it (English given instead). */
  translationNeeded?: string;
  /** The district's version of the notice (its profile). */
  version: string;
  channel: 'email' | 'postal';
  givenOn: CalendarDate;
  deliveryId: string;
  documentId: string;
  /** The item whose delivery carried it (decision, meeting notice or calendar notice). */
  decisionId: string;
}

/**
 * The school year a date falls in, from the profile's first day of the school year (`MM-DD`):
 * with `07-01`, 2026-06-30 is in `2025-2026` and 2026-07-01 in `2026-2027`.
 */
export function schoolYearOf(date: CalendarDate, schoolYearStart: string): string {
  const year = Number(date.slice(0, 4));
  const start = `${year}-${schoolYearStart}`;
  return date >= start ? `${year}-${year + 1}` : `${year - 1}-${year}`;
}

/** The first day of a school year (`2026-2027` → `2026-07-01` with start `07-01`). */
export function schoolYearStartDate(schoolYear: string, schoolYearStart: string): CalendarDate {
  return `${schoolYear.slice(0, 4)}-${schoolYearStart}`;
}

/** The day after the school year's last: the next school year's first day. */
export function schoolYearEnd(schoolYear: string, schoolYearStart: string): CalendarDate {
  return addYears(schoolYearStartDate(schoolYear, schoolYearStart), 1);
}

/**
 * Whether `event` requires a copy for this recipient, given their givings so far:
 * - annual: none yet this school year (any giving counts: "only one time a school year");
 * - the first state complaint, the first due-process complaint: none for that event this year;
 * - initial referral, disciplinary removal, a parent's request: every time.
 */
export function givingDue(
  givings: readonly Pick<SafeguardsGiving, 'recipientId' | 'schoolYear' | 'event'>[],
  recipientId: string,
  schoolYear: string,
  event: SafeguardsEvent,
): boolean {
  const thisYear = givings.filter(
    (g) => g.recipientId === recipientId && g.schoolYear === schoolYear,
  );
  if (event === 'annual') return thisYear.length === 0;
  if (event === 'state-complaint' || event === 'due-process-complaint')
    return !thisYear.some((g) => g.event === event);
  return true;
}

/**
 * The language of the copy given: the recipient's, where the district has the notice in it;
 * English otherwise, with the recipient's language recorded as needing a translation.
 */
export function safeguardsLanguage(
  preferredLanguage: string,
  available: readonly string[],
): { language: string; translationNeeded?: string } {
  const own = matchLocale(preferredLanguage, available);
  if (own) return { language: own };
  return { language: 'en', translationNeeded: preferredLanguage };
}
