/**
 * The compliance calendar: the dates the law attaches to a finalized IEP, as data.
 *
 * From each finalized decision come up to four entries (annual review, reevaluation,
 * transition, majority). A newer decision for the same student supersedes the pending
 * entries of the older one; a withdrawn version cancels its own. Entries are plain
 * records so the sweep can store them (one item per entry, found by `studentKey`) and
 * apply `supersede` to what it reads. Pure: no clock (`today` is passed in as a
 * calendar date of the district's time zone), no AWS.
 *
 * Storage (for the sweep): an entry is found by `studentKey` (to supersede) and by
 * `entryId`; its reminders (`reminders.ts`) by `sendOn` (the by-send-date index, pending
 * ones only). Nothing here holds a student id, a name or a birth date.
 */
import { createHash, createHmac } from 'node:crypto';
import { withExit } from './calendar-ends.ts';
import { calendarRuns, consentState } from './consent.ts';
import { addYears, type CalendarDate } from './dates.ts';
import type { Decision, MeetingType } from './decision.ts';
import type { EntryExit } from './exit.ts';
import {
  annualReviewDueDate,
  reevaluationDueDate,
  rightsTransferDate,
  transitionAgeDate,
} from './milestones.ts';
import { type StateLaw, stateLaw } from './state-law.ts';

/** What an entry is about, in the order entries are listed. */
export const calendarEntryKinds = [
  'annual-review',
  'reevaluation',
  'transition',
  'majority',
] as const;
/** What an entry is about. */
export type CalendarEntryKind = (typeof calendarEntryKinds)[number];

/**
 * Entries with a deadline the district must meet: they become overdue the day after the
 * due date. Transition and majority are dates the student reaches, not deadlines.
 */
export const deadlineEntryKinds: readonly CalendarEntryKind[] = ['annual-review', 'reevaluation'];

/** The regulation behind each entry. */
export const entryCfr: Readonly<Record<CalendarEntryKind, string>> = {
  'annual-review': '300.324(b)(1)(i)',
  reevaluation: '300.303(b)(2)',
  transition: '300.320(b)',
  majority: '300.320(c), 300.520',
};

/** Why an entry stopped being pending. */
export type CancelReason =
  | 'superseded'
  | 'withdrawn'
  | 'waived'
  /** The parent refused consent to the initial provision of services (300.300(b)(3)). */
  | 'consent-refused'
  /** The parent revoked consent for all services in writing (300.300(b)(4)). */
  | 'consent-revoked'
  /** Due after the student left special education (300.102(a)(3), 300.305(e)). */
  | 'exited';

/** The decision version that cancelled an entry, and why. */
export interface Cancellation {
  decisionId: string;
  version: number;
  reason: CancelReason;
}

/** One dated obligation derived from one finalized decision version. */
export interface CalendarEntry {
  /** `<decisionId>#v<version>#<entry>`: unique, stable, free of student data. */
  entryId: string;
  entry: CalendarEntryKind;
  decisionId: string;
  version: number;
  districtId: string;
  /** Non-reversible key of (districtId, studentId): see `studentKey`. */
  studentKey: string;
  /** The district's IANA time zone: the calendar the dates belong to. */
  timeZone: string;
  meetingType: MeetingType;
  /** The decision's own meeting date: orders decisions for superseding. */
  meetingDate: CalendarDate;
  /**
   * annual-review and reevaluation: the last day by which it must be held;
   * transition: the birthday at the state's transition age; majority: the day rights transfer.
   */
  dueDate: CalendarDate;
  /**
   * majority: one year before `dueDate`, from when the IEP must state the student was informed
   * (300.320(c)); annual-review: set when that day falls in the next IEP's year, so the next
   * IEP must carry the statement.
   */
  noticeDate?: CalendarDate;
  /** majority, and annual-review with `noticeDate`: the age used (the state table's). */
  ageOfMajority?: number;
  /** annual-review with `noticeDate`: the day rights transfer. */
  majorityDate?: CalendarDate;
  /** transition only: the state's transition age (16 unless the state sets younger). */
  transitionAge?: number;
  /** reevaluation only: the parent and district agreed it is unnecessary (300.303(b)(2)), on that day. */
  waivedOn?: CalendarDate;
  /** transition only: whether this IEP already carries a transition plan. */
  transitionPlanInIep?: boolean;
  /** 34 CFR reference of the obligation. */
  cfr: string;
  /** Set on the entries of a decision recording the student's exit: nothing applies after its date. */
  exit?: EntryExit;
  status: 'pending' | 'cancelled';
  /** Set when `status` is `cancelled`: cancelled entries stay recorded. */
  cancelledBy?: Cancellation;
}

/** Options shared by the calendar functions. */
export interface CalendarOptions {
  /**
   * Deployment secret for `studentKey` (HMAC-SHA256). Without it the key is a plain
   * SHA-256, which hides the id from a casual reader but can be reversed by trying every
   * plausible student id: set it in deployments, and never change it (keys would change).
   */
  studentKeySecret?: string;
  /** The district profile's state: its transition age and age of majority (`state-law.ts`). */
  state?: string;
}

/**
 * The key under which a student's entries are stored and found: a hash of
 * (districtId, studentId), so a student id (personal data under FERPA) never appears in
 * a key or an index. Prefixed `stu_`, 32 hex digits.
 */
export function studentKey(
  districtId: string,
  studentId: string,
  options: CalendarOptions = {},
): string {
  // NUL separates the parts: neither id may contain it, so ("a","bc") and ("ab","c") differ.
  const material = `iep-docs/student/v1\u0000${districtId}\u0000${studentId}`;
  const digest = options.studentKeySecret
    ? createHmac('sha256', options.studentKeySecret).update(material).digest('hex')
    : createHash('sha256').update(material).digest('hex');
  return `stu_${digest.slice(0, 32)}`;
}

/** The id of the entry of `kind` derived from a decision version. */
export function entryIdOf(decisionId: string, version: number, kind: CalendarEntryKind): string {
  return `${decisionId}#v${version}#${kind}`;
}

/**
 * The calendar entries of one decision version. Only a `finalized` decision schedules
 * anything: a draft or withdrawn one gives no entries.
 *
 * - annual-review: the day before the first anniversary of the meeting (of
 *   `amendsMeetingDate` for an amendment, which keeps the clock);
 * - reevaluation: the day before the third anniversary of `lastEvaluationDate`;
 * - transition: the birthday at the state's transition age (16 unless the state sets
 *   younger), when it falls after the meeting and on or before the
 *   annual review is due (then the IEP in effect on that day must carry a transition
 *   plan); earlier birthdays are this IEP's own content (the completeness gate), later
 *   ones belong to the next IEP;
 * - reevaluation: cancelled (reason `waived`) when `student.reevaluationWaiver` is recorded;
 * - majority: the day rights transfer (state table, default 18; none under guardianship or
 *   where the state does not transfer them) with `noticeDate` one
 *   year before, when it falls after the meeting and `noticeDate` is on or before the
 *   annual review is due (this IEP is the one that must say so). A majority date further
 *   off is left to a later IEP, which derives it again: no reminders for years ahead.
 *
 * 29 February anniversaries fall on 28 February in other years (`dates.addYears`).
 *
 * None while the parent's consent is pending, refused or revoked (300.300(b)); a decision
 * recording an exit keeps the entries due by the exit date and records the later ones
 * cancelled (`calendar-ends.ts`).
 */
export function deriveCalendarEntries(
  decision: Decision,
  options: CalendarOptions = {},
): CalendarEntry[] {
  if (decision.status !== 'finalized' || !calendarRuns(consentState(decision))) return [];
  return withExit(decision, lawEntries(decision, options));
}

/** The entries the law attaches to a finalized decision (see `deriveCalendarEntries`). */
function lawEntries(decision: Decision, options: CalendarOptions): CalendarEntry[] {
  const base = {
    decisionId: decision.decisionId,
    version: decision.version,
    districtId: decision.districtId,
    studentKey: studentKey(decision.districtId, decision.student.studentId, options),
    timeZone: decision.timeZone,
    meetingType: decision.meeting.type,
    meetingDate: decision.meeting.date,
    status: 'pending' as const,
  };
  const entry = (kind: CalendarEntryKind, dueDate: CalendarDate): CalendarEntry => ({
    entryId: entryIdOf(decision.decisionId, decision.version, kind),
    entry: kind,
    ...base,
    dueDate,
    cfr: entryCfr[kind],
  });

  const law = stateLaw(options.state);
  const reviewDue = annualReviewDueDate(decision);
  const review = entry('annual-review', reviewDue);
  const entries = [
    review,
    reevaluationEntry(decision, entry('reevaluation', reevaluationDueDate(decision))),
  ];

  const reaches = transitionAgeDate(decision, law);
  if (reaches > decision.meeting.date && reaches <= reviewDue) {
    entries.push({
      ...entry('transition', reaches),
      transitionAge: law.transitionAge,
      transitionPlanInIep: decision.iep.transition !== undefined,
    });
  }

  const majority = rightsTransferDate(decision, law);
  if (!majority) return entries;
  const noticeDate = addYears(majority, -1);
  if (majority > decision.meeting.date && noticeDate <= reviewDue) {
    entries.push({ ...entry('majority', majority), noticeDate, ageOfMajority: law.ageOfMajority });
  }
  const next = nextIepTransfer(decision, law);
  if (next) Object.assign(review, { ...next, ageOfMajority: law.ageOfMajority });
  return entries;
}

/**
 * When the transfer of rights falls in the next IEP's year: its statement is due (one year
 * before majority, 300.320(c)) after this IEP ends and before the next one, in effect from
 * the annual review, ends. Null otherwise (this IEP already states it, or a later one will).
 */
export function nextIepTransfer(
  decision: Decision,
  law: StateLaw,
): { noticeDate: CalendarDate; majorityDate: CalendarDate } | null {
  const majority = rightsTransferDate(decision, law);
  if (!majority) return null;
  const noticeDate = addYears(majority, -1);
  return noticeDate > decision.iep.endDate &&
    noticeDate <= addYears(annualReviewDueDate(decision), 1)
    ? { noticeDate, majorityDate: majority }
    : null;
}

/**
 * The reevaluation entry, cancelled when the parent and the district agreed in writing that
 * it is unnecessary (300.303(b)(2)): recorded with the reason, and no reminder nor overdue
 * alert follows. The waiver covers this cycle: a later decision without it schedules the next.
 */
function reevaluationEntry(decision: Decision, pending: CalendarEntry): CalendarEntry {
  const waiver = decision.student.reevaluationWaiver;
  if (!waiver) return pending;
  return {
    ...pending,
    status: 'cancelled',
    waivedOn: waiver.agreedOn,
    cancelledBy: { decisionId: decision.decisionId, version: decision.version, reason: 'waived' },
  };
}

export { isOverdue, type OverdueItem, overdueReport } from './calendar-overdue.ts';
