/**
 * The meeting decision, schemaVersion 2: what version 1 could not say as the law says it.
 * An amendment without a meeting records the parent's written agreement and the changes
 * (300.324(a)(4)); special factors say whether each applies and what the team decided
 * (300.324(a)(2)); the team records the attempts to involve an absent parent (300.322(d))
 * and each excusal's written consent and input (300.321(e)(2)); the student's guardianship
 * (300.520(a)) and a reevaluation waiver (300.303(b)(2)) are recorded. The ages of the law
 * come from the state table (`state-law.ts`), never from the decision.
 *
 * Version-1 items stay accepted and mean what they meant: `readDecision` reads one as the
 * version-2 record it describes (`considered` is `applies`; an excusal flag is an excusal
 * whose consent date was not recorded; `transferOfRights.ageOfMajority` is dropped).
 *
 * Later versions grow from this one (translations, coded values, consent, exit, meeting
 * notices): new optional fields and new meeting types, never a changed meaning.
 */
import { z } from 'zod';
import { codeOrText, disabilityCodes, providerRoles, settingCodes } from './codes.ts';
import { consentSchema } from './consent.ts';
import {
  attendeeRoles,
  calendarDate,
  checkIdentity,
  decisionSchemaV1,
  decisionStatuses,
  guardian,
  id,
  iepV1,
  instant,
  languageTag,
  list,
  MAX_ITEM_BYTES,
  meetingTypes,
  person,
  service as serviceV1,
  studentV1,
  text,
  timeZone,
} from './decision.ts';
import { priorWrittenNoticeV2, translations } from './decision-language.ts';
import { exitSchema } from './exit.ts';

/** How a parent was asked to take part (300.322(d)(1)). */
export const attemptMethods = ['phone', 'email', 'letter', 'home-visit'] as const;
/** How the parent's written agreement to an amendment was given (300.324(a)(4)(i)). */
export const agreementMethods = ['signed-form', 'letter', 'email'] as const;

const student = studentV1.omit({ stateOfResidence: true }).extend({
  /** Informational since version 2: the state rules are the district's (`state-law.ts`). */
  stateOfResidence: z
    .string()
    .regex(/^[A-Z]{2}$/, 'expected a 2-letter state code')
    .optional(),
  /** A court-appointed guardian of the adult student: rights do not transfer (300.520(a)). */
  guardianship: z.strictObject({ appointedOn: calendarDate }).optional(),
  /** Parent and district agreed a reevaluation is unnecessary (300.303(b)(2)). */
  reevaluationWaiver: z.strictObject({ agreedOn: calendarDate }).optional(),
  /** 300.8: a category code prints in every language; the district's own words print as given. */
  primaryDisability: codeOrText(
    disabilityCodes,
    z.string().min(1).max(200),
    'Disability category (34 CFR 300.8)',
  ),
  secondaryDisabilities: list(
    codeOrText(disabilityCodes, z.string().max(200), 'Disability category (34 CFR 300.8)'),
  ).default([]),
});

const attendee = z.strictObject({
  name: z.string().min(1).max(200),
  role: z.enum(attendeeRoles),
  attended: z.boolean(),
  /** Excused in writing (300.321(e)(2)): the parent's consent and the member's written input. */
  excused: z
    .strictObject({
      consentDate: calendarDate,
      writtenInputReceived: z.literal(true, {
        error: 'an excused member must submit written input before the meeting (300.321(e)(2)(ii))',
      }),
    })
    .optional(),
  /** Amendment without a meeting: the day this member was informed of the change (300.324(a)(4)(ii)). */
  informedOn: calendarDate.optional(),
});

const meeting = z.strictObject({
  type: z.enum(meetingTypes),
  date: calendarDate,
  location: z.string().max(300).default(''),
  attendees: list(attendee),
  interpreterLanguage: languageTag.optional(),
  /** Documented attempts to involve a parent who did not take part (300.322(d)). */
  parentAttempts: list(
    z.strictObject({
      date: calendarDate,
      method: z.enum(attemptMethods),
      result: z.string().min(1).max(2000),
    }),
  ).default([]),
  amendmentWithoutMeeting: z.boolean().default(false),
  amendsMeetingDate: calendarDate.optional(),
  /** The parent's written agreement to amend without a meeting (300.324(a)(4)(i)). */
  parentAgreement: z
    .strictObject({ date: calendarDate, method: z.enum(agreementMethods) })
    .optional(),
  /** What an amendment changed, in words. */
  changes: list(text).default([]),
});

/** A special factor: every one is considered (300.324(a)(2)); does it apply, and what was decided. */
const specialFactor = z.strictObject({ applies: z.boolean(), notes: text.default('') });

const service = serviceV1.extend({
  provider: codeOrText(
    providerRoles,
    text,
    'Who provides the service (34 CFR 300.34, 300.320(a)(4))',
  ).optional(),
  setting: z.enum(settingCodes).optional(),
});

const iep = iepV1.extend({
  services: list(service),
  specialFactors: z.strictObject({
    behavior: specialFactor,
    limitedEnglishProficiency: specialFactor,
    braille: specialFactor,
    communication: specialFactor,
    assistiveTechnology: specialFactor,
    deafOrHardOfHearing: specialFactor,
  }),
  /** 300.320(c): the age and the day are the state table's, not the decision's. */
  transferOfRights: z.strictObject({ informedOn: calendarDate }).optional(),
});

/** The meeting decision, schemaVersion 2. */
export const decisionSchemaV2 = z
  .strictObject({
    schemaVersion: z.literal(2),
    decisionId: id,
    version: z.number().int().min(1).max(1_000_000),
    districtId: id,
    status: z.enum(decisionStatuses),
    finalizedAt: instant.optional(),
    timeZone,
    student,
    guardians: list(guardian).min(1, 'at least one guardian (300.30)'),
    caseManager: person,
    meeting,
    iep,
    /** The parent's consent to the initial provision of services (300.300(b)): `consent.ts`. */
    consent: consentSchema.optional(),
    /** The student leaves special education (300.102(a)(3), 300.305(e)): `exit.ts`. */
    exit: exitSchema.optional(),
    priorWrittenNotice: priorWrittenNoticeV2,
    translations,
  })
  .superRefine((d, ctx) => checkIdentity(d, ctx))
  .meta({
    title: 'IEP meeting decision (schemaVersion 2)',
    description:
      'One finalized, draft or withdrawn IEP meeting decision, as a district system writes it to the decisions table. See docs/meeting-decision.md.',
  });

type V2 = z.output<typeof decisionSchemaV2>;
type V2Attendee = V2['meeting']['attendees'][number];

/** A team member as read: a version-1 excusal carries no consent date. */
export type Attendee = Omit<V2Attendee, 'excused'> & {
  excused?: { consentDate?: string; writtenInputReceived: boolean };
};

/** A decision as the pipeline reads it (defaults applied): version 2, or version 1 read as 2. */
export type Decision = Omit<V2, 'schemaVersion' | 'meeting'> & {
  /** The version the district wrote: 1 or 2. */
  schemaVersion: 1 | 2;
  meeting: Omit<V2['meeting'], 'attendees'> & { attendees: Attendee[] };
};

type V1 = z.output<typeof decisionSchemaV1>;

/** A version-1 decision as the version-2 record it means. */
export function fromV1(d: V1): Decision {
  const factors = Object.fromEntries(
    Object.entries(d.iep.specialFactors).map(([k, f]) => [
      k,
      { applies: f.considered, notes: f.notes },
    ]),
  ) as Decision['iep']['specialFactors'];
  const { transferOfRights, ...iepRest } = d.iep;
  return {
    ...d,
    schemaVersion: 1,
    meeting: {
      ...d.meeting,
      attendees: d.meeting.attendees.map(({ excused, ...a }) =>
        excused ? { ...a, excused: { writtenInputReceived: true } } : a,
      ),
      parentAttempts: [],
      changes: [],
    },
    iep: {
      ...iepRest,
      specialFactors: factors,
      ...(transferOfRights
        ? { transferOfRights: { informedOn: transferOfRights.informedOn } }
        : {}),
    },
  };
}

/** The versions this deployment reads. */
export const supportedSchemaVersions = [1, 2] as const;

/** The size of an item as stored (its JSON, UTF-8): what the 400 KB limit is checked against. */
export function itemBytes(input: unknown): number {
  return Buffer.byteLength(JSON.stringify(input), 'utf8');
}

/**
 * Reads a decision of any supported version: the schema of its `schemaVersion`, then a
 * version-1 item read as version 2. An item over DynamoDB's 400 KB is rejected first, naming
 * its size (a file can be larger than the table allows; the table itself refuses such items).
 */
export function readDecision(input: Record<string, unknown>): DecisionRead {
  const bytes = itemBytes(input);
  if (bytes > MAX_ITEM_BYTES)
    return failure(
      [],
      `the item is ${Math.ceil(bytes / 1024)} KB; a DynamoDB item holds at most 400 KB`,
    );
  if (input.schemaVersion === 2) {
    const v2 = decisionSchemaV2.safeParse(input);
    return v2.success ? { success: true, data: v2.data } : { success: false, error: v2.error };
  }
  if (input.schemaVersion === 1) {
    const v1 = decisionSchemaV1.safeParse(input);
    return v1.success
      ? { success: true, data: fromV1(v1.data) }
      : { success: false, error: v1.error };
  }
  return failure(
    ['schemaVersion'],
    'unsupported schemaVersion: this deployment reads schemaVersion 1 and 2',
  );
}

/** A decision read, or why not. */
export type DecisionRead =
  | { success: true; data: Decision }
  | { success: false; error: z.ZodError };

function failure(path: string[], message: string): DecisionRead {
  return {
    success: false,
    error: new z.ZodError([{ code: 'custom', path, message, input: undefined }]),
  };
}
