/**
 * Dates the law attaches to a decision, derived (never supplied by districts).
 * Shared by the completeness gate and the compliance calendar.
 */
import { birthdayAtAge, type CalendarDate, dayBeforeAnniversary } from './dates.ts';
import type { Decision } from './decision.ts';

/**
 * Age at which IDEA rights transfer to the student, by state (300.520). Most states: 18.
 * States that differ are listed; a district can still record another age on the IEP.
 */
const AGE_OF_MAJORITY: Readonly<Record<string, number>> = { AL: 19, NE: 19, MS: 21 };
export const DEFAULT_AGE_OF_MAJORITY = 18;
/** Age by which the IEP in effect must carry a transition plan (300.320(b)). */
export const TRANSITION_AGE = 16;

export function ageOfMajority(state: string): number {
  return AGE_OF_MAJORITY[state] ?? DEFAULT_AGE_OF_MAJORITY;
}

/**
 * The meeting that starts the annual-review clock: the meeting itself, except for an
 * amendment, which keeps the clock of the meeting it amends (300.324(a)(4), (b)(1)).
 */
export function reviewClockStart(decision: Decision): CalendarDate {
  const { meeting } = decision;
  return meeting.type === 'amendment' && meeting.amendsMeetingDate
    ? meeting.amendsMeetingDate
    : meeting.date;
}

/** Annual review due: the day before the first anniversary of the clock's start (300.324(b)(1)). */
export function annualReviewDueDate(decision: Decision): CalendarDate {
  return dayBeforeAnniversary(reviewClockStart(decision), 1);
}

/** Triennial reevaluation due: the day before the third anniversary of the last evaluation (300.303). */
export function reevaluationDueDate(decision: Decision): CalendarDate {
  return dayBeforeAnniversary(decision.student.lastEvaluationDate, 3);
}

/** The date the student turns 16. */
export function transitionAgeDate(decision: Decision): CalendarDate {
  return birthdayAtAge(decision.student.dateOfBirth, TRANSITION_AGE);
}

/** The date rights transfer at the age of majority of the student's state. */
export function majorityDate(decision: Decision): CalendarDate {
  return birthdayAtAge(
    decision.student.dateOfBirth,
    ageOfMajority(decision.student.stateOfResidence),
  );
}

/** True once rights have transferred to the student on `today` (300.520). */
export function rightsHaveTransferred(decision: Decision, today: CalendarDate): boolean {
  return majorityDate(decision) <= today;
}
