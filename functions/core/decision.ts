/**
 * The meeting-decision record that a district's IEP system writes: schemaVersion 1 here,
 * and the parts version 2 shares with it (`decision-v2.ts` adds what changed and reads a
 * version-1 item as the version-2 record it means). The contract is
 * `docs/meeting-decision.md`; the JSON Schemas published to districts
 * (`schema/meeting-decision.v<N>.schema.json`) are generated from these files.
 *
 * The schema checks shape and types. It is deliberately tolerant of missing *content*
 * (a draft is allowed to be incomplete): what makes a finalized decision an official
 * IEP is decided by the completeness rules (`completeness.ts`), each with its CFR
 * reference. Unknown fields are rejected, so a misspelt field is reported rather than
 * silently ignored: the contract changes only with a new schemaVersion.
 */
import { z } from 'zod';
import { isCalendarDate, isTimeZone } from './dates.ts';

/** `YYYY-MM-DD`, a real date of the district's calendar. */
export const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a calendar date YYYY-MM-DD')
  .refine(isCalendarDate, { message: 'expected a calendar date YYYY-MM-DD' })
  .meta({ format: 'date', examples: ['2026-11-20'] });

/** ISO 8601 instant with an offset, e.g. `2026-11-20T16:45:00-08:00`. */
export const instant = z.iso.datetime({
  offset: true,
  error: 'expected an ISO 8601 instant with offset',
});

/** A BCP 47 language tag (`en`, `es-MX`, `zh-Hans`). */
export const languageTag = z
  .string()
  .refine(
    (tag) => {
      try {
        return Intl.getCanonicalLocales(tag).length === 1;
      } catch {
        return false;
      }
    },
    { message: 'expected a BCP 47 language tag such as en, es or zh-Hans' },
  )
  .meta({ examples: ['en', 'es', 'zh-Hans'] });

export const timeZone = z
  .string()
  .refine(isTimeZone, { message: 'expected an IANA time zone such as America/Los_Angeles' });

/**
 * The longest free text: what a DynamoDB item can hold (400 KB, at least one byte a
 * character). The item as a whole is checked against the same limit (`itemSizeProblem`), so
 * a long evaluation summary or a 40-goal IEP is accepted as long as the item fits.
 */
export const MAX_ITEM_BYTES = 400 * 1024;
export const text = z
  .string()
  .max(MAX_ITEM_BYTES, 'text longer than a DynamoDB item can hold (400 KB)');
/** Text a completeness rule requires: may be blank or absent in a draft. */
export const content = text.optional();
export const id = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'longer than 128 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, dot, dash or underscore');
export const list = <T extends z.ZodType>(item: T) =>
  z.array(item).max(200, 'more than 200 entries');

export const postalAddress = z.strictObject({
  line1: z.string().min(1).max(200),
  line2: z.string().max(200).optional(),
  city: z.string().min(1).max(100),
  state: z.string().regex(/^[A-Z]{2}$/, 'expected a 2-letter state code'),
  postalCode: z.string().regex(/^\d{5}(-\d{4})?$/, 'expected a ZIP code 12345 or 12345-6789'),
});

export const consent = z.strictObject({ given: z.boolean(), date: calendarDate });

const studentContact = z.strictObject({
  email: z.email().optional(),
  postalAddress: postalAddress.optional(),
  preferredLanguage: languageTag.optional(),
  electronicNoticeConsent: consent.optional(),
});

export const studentV1 = z.strictObject({
  studentId: id,
  firstName: z.string().min(1).max(100),
  lastName: z.string().min(1).max(100),
  dateOfBirth: calendarDate,
  grade: z.string().min(1).max(20),
  school: z.string().min(1).max(200),
  primaryDisability: z.string().min(1).max(200),
  secondaryDisabilities: list(z.string().max(200)).default([]),
  englishLearner: z.boolean(),
  homeLanguage: languageTag,
  stateOfResidence: z.string().regex(/^[A-Z]{2}$/, 'expected a 2-letter state code'),
  lastEvaluationDate: calendarDate,
  contact: studentContact.optional(),
});

export const guardian = z.strictObject({
  guardianId: id,
  name: z.string().min(1).max(200),
  relationship: z.string().min(1).max(100),
  educationalRightsHolder: z.boolean(),
  preferredLanguage: languageTag,
  email: z.email().optional(),
  electronicNoticeConsent: consent.optional(),
  postalAddress,
});

export const person = z.strictObject({
  name: z.string().min(1).max(200),
  email: z.email(),
  phone: z.string().max(40).optional(),
});

export const attendeeRoles = [
  'parent',
  'student',
  'general-education-teacher',
  'special-education-teacher',
  'lea-representative',
  'evaluation-interpreter',
  'related-service-provider',
  'language-interpreter',
  'other',
] as const;

export const meetingTypes = ['initial', 'annual', 'amendment', 'reevaluation', 'transfer'] as const;

export const meetingV1 = z.strictObject({
  type: z.enum(meetingTypes),
  date: calendarDate,
  location: z.string().max(300),
  attendees: list(
    z.strictObject({
      name: z.string().min(1).max(200),
      role: z.enum(attendeeRoles),
      attended: z.boolean(),
      excused: z.boolean().optional(),
    }),
  ),
  interpreterLanguage: languageTag.optional(),
  amendmentWithoutMeeting: z.boolean().default(false),
  amendsMeetingDate: calendarDate.optional(),
});

const specialFactorV1 = z.strictObject({ considered: z.boolean(), notes: text.default('') });

export const serviceCategories = [
  'special-education',
  'related-service',
  'supplementary-aid',
  'program-modification',
  'staff-support',
] as const;

export const goal = z.strictObject({
  goalId: id,
  area: content,
  baseline: content,
  annualGoal: content,
  criteria: content,
  measurementMethod: content,
  progressReportSchedule: content,
  shortTermObjectives: list(text).default([]),
});

export const service = z.strictObject({
  serviceId: id,
  category: z.enum(serviceCategories),
  name: z.string().min(1).max(300),
  provider: content,
  startDate: calendarDate.optional(),
  endDate: calendarDate.optional(),
  frequency: z
    .strictObject({
      minutes: z.number().int().positive().max(10_080),
      per: z.enum(['day', 'week', 'month']),
    })
    .optional(),
  location: content,
  setting: z.enum(['general-education', 'outside-general-education']).optional(),
});

export const iepV1 = z.strictObject({
  startDate: calendarDate,
  endDate: calendarDate,
  presentLevels: z.strictObject({
    academic: content,
    functional: content,
    impactOnGeneralCurriculum: content,
    strengths: content,
    parentConcerns: content,
  }),
  specialFactors: z.strictObject({
    behavior: specialFactorV1,
    limitedEnglishProficiency: specialFactorV1,
    braille: specialFactorV1,
    communication: specialFactorV1,
    assistiveTechnology: specialFactorV1,
    deafOrHardOfHearing: specialFactorV1,
  }),
  goals: list(goal),
  services: list(service),
  leastRestrictiveEnvironment: z.strictObject({
    percentInGeneralEducation: z.number().min(0).max(100),
    nonParticipationExplanation: text.default(''),
  }),
  assessments: z.strictObject({
    participation: z.enum(['standard', 'standard-with-accommodations', 'alternate']),
    accommodations: list(text).default([]),
    alternateJustification: text.default(''),
  }),
  extendedSchoolYear: z.strictObject({ eligible: z.boolean(), justification: text.default('') }),
  transition: z
    .strictObject({
      postsecondaryGoals: z.strictObject({
        education: content,
        employment: content,
        independentLiving: content,
      }),
      transitionServices: list(text).default([]),
      coursesOfStudy: list(text).default([]),
      studentInvited: z.boolean(),
    })
    .optional(),
  transferOfRights: z
    .strictObject({
      ageOfMajority: z.number().int().min(16).max(25),
      informedOn: calendarDate,
    })
    .optional(),
  progressReporting: content,
});

export const priorWrittenNotice = z.strictObject({
  actionProposed: content,
  explanation: content,
  evaluationsUsed: list(text).default([]),
  proceduralSafeguardsSource: content,
  assistanceContacts: list(
    z.strictObject({
      name: z.string().min(1).max(200),
      phone: z.string().max(40).optional(),
      email: z.email().optional(),
      url: z.url({ protocol: /^https?$/ }).optional(),
    }),
  ).default([]),
  optionsConsidered: list(
    z.strictObject({ option: z.string().min(1).max(2000), rejectedBecause: content }),
  ).default([]),
  otherFactors: content,
});

export const decisionStatuses = ['draft', 'finalized', 'withdrawn'] as const;

/** The meeting decision, schemaVersion 1 (read as version 2 by `decision-v2.ts`). */
export const decisionSchemaV1 = z
  .strictObject({
    schemaVersion: z.literal(1, {
      error: 'unsupported schemaVersion: this deployment reads schemaVersion 1',
    }),
    decisionId: id,
    version: z.number().int().min(1).max(1_000_000),
    districtId: id,
    status: z.enum(decisionStatuses),
    finalizedAt: instant.optional(),
    timeZone,
    student: studentV1,
    guardians: list(guardian).min(1, 'at least one guardian (300.30)'),
    caseManager: person,
    meeting: meetingV1,
    iep: iepV1,
    priorWrittenNotice,
  })
  .superRefine((d, ctx) => checkIdentity(d, ctx))
  .meta({
    title: 'IEP meeting decision (schemaVersion 1)',
    description:
      'One finalized, draft or withdrawn IEP meeting decision, as a district system writes it to the decisions table. See docs/meeting-decision.md.',
  });

interface IdentityView {
  status: string;
  finalizedAt?: string | undefined;
  guardians: { guardianId: string }[];
  iep: { goals: { goalId: string }[]; services: { serviceId: string }[] };
}

/** Rules of every version: finalizedAt when finalized, ids unique within their list. */
export function checkIdentity(d: IdentityView, ctx: z.RefinementCtx): void {
  if (d.status === 'finalized' && !d.finalizedAt) {
    ctx.addIssue({
      code: 'custom',
      path: ['finalizedAt'],
      message: 'required when status is finalized',
    });
  }
  const seen = new Set<string>();
  d.guardians.forEach((g, i) => {
    if (seen.has(g.guardianId))
      ctx.addIssue({
        code: 'custom',
        path: ['guardians', i, 'guardianId'],
        message: `duplicate guardianId ${g.guardianId}`,
      });
    seen.add(g.guardianId);
  });
  for (const [field, key] of [
    ['goals', 'goalId'],
    ['services', 'serviceId'],
  ] as const) {
    const ids = new Set<string>();
    (d.iep[field] as { [k: string]: unknown }[]).forEach((item, i) => {
      const value = String(item[key]);
      if (ids.has(value))
        ctx.addIssue({
          code: 'custom',
          path: ['iep', field, i, key],
          message: `duplicate ${key} ${value}`,
        });
      ids.add(value);
    });
  }
}

/** A decision as the pipeline reads it: version 2, or version 1 read as version 2. */
export type { Decision } from './decision-v2.ts';

import type { Decision } from './decision-v2.ts';
export type Guardian = Decision['guardians'][number];
export type Student = Decision['student'];
export type PostalAddress = Guardian['postalAddress'];
export type DecisionStatus = Decision['status'];
export type MeetingType = Decision['meeting']['type'];
