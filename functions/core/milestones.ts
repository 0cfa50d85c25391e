/**
 * Dates the law attaches to a decision, derived (never supplied by districts).
 * Shared by the completeness gate, the compliance calendar and the documents; the ages are
 * the district's state's (`state-law.ts`).
 */
import { birthdayAtAge, type CalendarDate, dayBeforeAnniversary } from './dates.ts';
import type { Decision } from './decision.ts';
import type { StateLaw } from './state-law.ts';

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

/** The date the student reaches the state's transition age (300.320(b); 16 by default). */
export function transitionAgeDate(decision: Decision, law: StateLaw): CalendarDate {
  return birthdayAtAge(decision.student.dateOfBirth, law.transitionAge);
}

/** The date the student reaches the state's age of majority. */
export function majorityDate(
  decision: { student: Pick<Decision['student'], 'dateOfBirth' | 'guardianship'> },
  law: StateLaw,
): CalendarDate {
  return birthdayAtAge(decision.student.dateOfBirth, law.ageOfMajority);
}

/**
 * The day IDEA rights transfer to the student (300.520(a)), or null when they do not: the
 * state does not transfer them, or a court appointed a guardian of the adult student (a
 * student "determined to be incompetent under State law").
 */
export function rightsTransferDate(
  decision: { student: Pick<Decision['student'], 'dateOfBirth' | 'guardianship'> },
  law: StateLaw,
): CalendarDate | null {
  if (!law.rightsTransfer || decision.student.guardianship) return null;
  return majorityDate(decision, law);
}

/** True once rights have transferred to the student on `today` (300.520). */
export function rightsHaveTransferred(
  decision: { student: Pick<Decision['student'], 'dateOfBirth' | 'guardianship'> },
  law: StateLaw,
  today: CalendarDate,
): boolean {
  const on = rightsTransferDate(decision, law);
  return on !== null && on <= today;
}
