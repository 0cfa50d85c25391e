/**
 * Leaving special education, as a decision version records it (`exit`), and what each way
 * of leaving requires. Pure: no clock, no AWS.
 *
 * - `graduated-regular-diploma`: the right to FAPE ends (300.102(a)(3)(i)); graduation is a
 *   change in placement that requires prior written notice (300.102(a)(3)(iii), 300.503); no
 *   reevaluation is needed (300.305(e)(2)) but the student gets a Summary of Performance:
 *   academic achievement, functional performance and recommendations to help meet the
 *   postsecondary goals (300.305(e)(3)).
 * - `aged-out`: eligibility for FAPE ends at the state's age (300.101(a), 300.102(a)(1));
 *   ending services is a change the district proposes (prior written notice, 300.503(a)(1));
 *   the same Summary of Performance (300.305(e)(3)).
 * - `moved`, `dropped-out`, `deceased`, `other`: the district's calendar for the student ends;
 *   no document is required of these rules (a new district writes its own, 300.323(e)-(f)).
 *
 * On the calendar: nothing is due and no reminder is sent after the exit date, and once it
 * has passed the student leaves the overdue report.
 */
import { z } from 'zod';
import { calendarDate, text } from './decision.ts';

/** How a student leaves special education in this district. */
export const exitReasons = [
  'graduated-regular-diploma',
  'aged-out',
  'moved',
  'dropped-out',
  'deceased',
  'other',
] as const;
/** How a student leaves special education in this district. */
export type ExitReason = (typeof exitReasons)[number];

/** The Summary of Performance (300.305(e)(3)). */
const summaryOfPerformance = z.strictObject({
  academicAchievement: text.optional(),
  functionalPerformance: text.optional(),
  /** Recommendations on how to help the student meet each postsecondary goal of the transition plan. */
  recommendations: z
    .strictObject({
      education: text.optional(),
      employment: text.optional(),
      independentLiving: text.optional(),
    })
    .default({}),
});

/** The decision's `exit` field (schemaVersion 2, optional). */
export const exitSchema = z.strictObject({
  reason: z.enum(exitReasons),
  /** The last day the student is served by the district (the graduation, the birthday, the move). */
  date: calendarDate,
  /** Required for graduation and aging out (300.305(e)(3)). */
  summaryOfPerformance: summaryOfPerformance.optional(),
});

/** An exit as recorded on a decision. */
export type Exit = z.output<typeof exitSchema>;

/** Exits that end eligibility by graduation or age: prior written notice and a Summary of Performance. */
export const ENDS_ELIGIBILITY: ReadonlySet<ExitReason> = new Set([
  'graduated-regular-diploma',
  'aged-out',
]);

/** Whether this exit needs the prior written notice and the Summary of Performance (300.305(e)(3)). */
export const needsSummaryOfPerformance = (exit: Exit | undefined): boolean =>
  exit !== undefined && ENDS_ELIGIBILITY.has(exit.reason);

/** The exit as the calendar keeps it on each entry of the exiting decision. */
export interface EntryExit {
  reason: ExitReason;
  date: string;
}

/**
 * Whether anything of the calendar still applies to a student on `day`: always without an
 * exit, and up to the exit date with one (nothing is due, sent or overdue after it).
 */
export const servedOn = (exit: EntryExit | undefined, day: string): boolean =>
  exit === undefined || day <= exit.date;

/**
 * Why an exit's version yields no document, for its outcome (`calendar-closed`): the calendar
 * ends on the exit date; the prior written notice and the Summary of Performance are required
 * only on graduation with a regular diploma and on aging out (300.102(a)(3)(iii), 300.305(e)(2)).
 */
export function calendarClosedReason(exit: Pick<Exit, 'reason' | 'date'>): string {
  return `exit (${exit.reason}) on ${exit.date}: the calendar ends with it; no document is required for this way of leaving (300.102(a)(3), 300.305(e)(2) require the prior written notice and Summary of Performance only on graduation with a regular diploma or aging out)`;
}
