/**
 * A meeting item: what a district's system writes when it schedules an IEP team meeting, and
 * from which the pipeline issues the "Notice of IEP Team Meeting" (34 CFR 300.322). A meeting
 * item is not a decision: it is written before the meeting (before any decision exists, for an
 * initial IEP) and a reschedule is a new revision of the same meeting. See
 * docs/meeting-decision.md, "Meeting items".
 */
import { z } from 'zod';
import {
  attendeeRoles,
  calendarDate,
  consent,
  guardian,
  id,
  instant,
  languageTag,
  list,
  postalAddress,
  timeZone,
} from './decision.ts';
import { formatPath, type Problem } from './problems.ts';

/** Why the team meets (the notice's purpose, 300.322(b)(1)(i)). */
export const meetingPurposes = [
  'annual',
  'initial',
  'reevaluation',
  'amendment',
  'transition',
  'other',
] as const;
export type MeetingPurpose = (typeof meetingPurposes)[number];

/** A meeting item's status: a cancelled meeting is not held. */
export const meetingStatuses = ['scheduled', 'cancelled'] as const;

/** How a parent joins a meeting held by phone or video (300.328 alternative means). */
export const callMethods = ['phone', 'video'] as const;

const name = z.string().min(1).max(200);

/** The student, as far as a notice and its recipients need them (meeting and safeguards-event items). */
export const meetingStudent = z.strictObject({
  studentId: id,
  firstName: z.string().min(1).max(100),
  lastName: z.string().min(1).max(100),
  dateOfBirth: calendarDate,
  school: z.string().min(1).max(200).optional(),
  grade: z.string().min(1).max(20).optional(),
  homeLanguage: languageTag,
  /** A court-appointed guardian of the adult student: rights do not transfer (300.520(a)). */
  guardianship: z.strictObject({ appointedOn: calendarDate }).optional(),
  contact: z
    .strictObject({
      email: z.email().optional(),
      postalAddress: postalAddress.optional(),
      preferredLanguage: languageTag.optional(),
      electronicNoticeConsent: consent.optional(),
    })
    .optional(),
});

export const meetingItemSchema = z.strictObject({
  kind: z.literal('meeting'),
  schemaVersion: z.literal(1, { error: 'meeting items are schemaVersion 1' }),
  meetingId: id,
  /** 1 for the first notice; each reschedule writes the next revision (its notice replaces the last). */
  revision: z.number().int().min(1),
  /**
   * `cancelled`: the meeting will not be held. A cancellation is a revision like a reschedule
   * (the item as last noticed, with this status): its notice tells the families so.
   */
  status: z.enum(meetingStatuses).default('scheduled'),
  /** Why the meeting is cancelled, in words (printed on the notice of cancellation). */
  cancellationReason: z.string().min(1).max(2000).optional(),
  districtId: id,
  /** The IEP in force (absent or null for an initial IEP). */
  decisionId: id.nullable().optional(),
  /** Date, time and the zone it is given in: `2027-10-12T15:30:00-07:00`. */
  scheduledFor: instant,
  timeZone,
  durationMinutes: z.number().int().min(5).max(600).optional(),
  /** Where the team meets (school, room, address); or `call` for phone or video. */
  location: z.string().min(1).max(300).optional(),
  call: z
    .strictObject({ method: z.enum(callMethods), details: z.string().min(1).max(500) })
    .optional(),
  purpose: z.enum(meetingPurposes),
  /** In words: required for `other`, printed for any purpose. */
  purposeDetails: z.string().max(2000).optional(),
  invitees: list(z.strictObject({ name, role: z.enum(attendeeRoles) })),
  /** Agencies invited to send a representative (transition services: 300.322(b)(2)(ii)). */
  agencies: list(z.strictObject({ name, purpose: z.string().max(500).optional() })).default([]),
  caseManager: z.strictObject({ name, email: z.email(), phone: z.string().max(40).optional() }),
  interpreterLanguage: languageTag.optional(),
  student: meetingStudent,
  guardians: list(guardian).min(1, 'at least one guardian (300.30)'),
});

/** A meeting item as written (schema-checked). */
export type MeetingItem = z.output<typeof meetingItemSchema>;

/** Whether a raw item is a meeting item (the `kind` field tells items of a --decisions file apart). */
export function isMeetingItem(item: unknown): boolean {
  return (
    typeof item === 'object' && item !== null && (item as { kind?: unknown }).kind === 'meeting'
  );
}

/** Reads a meeting item: the item, or every problem of shape, each with its path. */
export function readMeetingItem(
  input: unknown,
): { kind: 'meeting'; meeting: MeetingItem } | { kind: 'invalid'; problems: Problem[] } {
  const parsed = meetingItemSchema.safeParse(input);
  if (parsed.success) return { kind: 'meeting', meeting: parsed.data };
  return {
    kind: 'invalid',
    problems: parsed.error.issues.map((issue) => ({
      path: formatPath(issue.path) === '(decision)' ? '(meeting)' : formatPath(issue.path),
      message: issue.message,
    })),
  };
}

/** The key of a meeting's notices in the pipeline's tables (documents, deliveries, outcomes). */
export function meetingRecordId(meetingId: string): string {
  return `${meetingRecordPrefix}${meetingId}`;
}

/** The prefix of {@link meetingRecordId}. */
export const meetingRecordPrefix = 'meeting-';
