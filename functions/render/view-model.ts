/**
 * What a template shows: the decision, the district and the locale turned into plain
 * strings, dates formatted in the document's language, every key present (the
 * templates run in Handlebars' strict mode, so a missing key is an error, not a blank).
 * Decision text is passed through as entered; Handlebars escapes it.
 */
import { addYears } from '../core/dates.ts';
import type { Decision } from '../core/decision.ts';
import type { DistrictProfile } from '../core/district.ts';
import type { MeetingDocumentType } from '../core/documents.ts';
import { matchLocale } from '../core/languages.ts';
import {
  annualReviewDueDate,
  majorityDate,
  reevaluationDueDate,
  transitionAgeDate,
} from '../core/milestones.ts';
import type { Problem } from '../core/problems.ts';
import {
  formatDate,
  formatNumber,
  interpolate,
  type Locale,
  languageName,
  localize,
  localizeSegments,
} from './locales.ts';
import { isolate, type RunningHeaderFooter } from './running.ts';

/** Everything one document is made from. */
export interface DocumentContext {
  decision: Decision;
  district: DistrictProfile;
  locale: Locale;
  type: MeetingDocumentType;
  documentId: string;
  /** Set for an unsigned preview of a draft: what the completeness gate would still reject. */
  draft: { problems: Problem[] } | null;
  /** The language the district wrote the decision's text in (BCP 47). */
  decisionTextLanguage: string;
}

function ageOn(dateOfBirth: string, on: string): number {
  let age = Number(on.slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  if (addYears(dateOfBirth, age) > on) age -= 1;
  return age;
}

function addressLine(a: DistrictProfile['letterheadAddress']): string {
  return [a.line1, a.line2, `${a.city}, ${a.state} ${a.postalCode}`].filter(Boolean).join(', ');
}

/** Fields every document shares: letterhead, running header and footer, notices. */
function common(ctx: DocumentContext) {
  const { decision: d, district, locale: t } = ctx;
  const date = (value: string) => formatDate(value, t);
  const title = ctx.type === 'iep' ? t.iep.title : t.pwn.title;
  const subjectTemplate = ctx.type === 'iep' ? t.iep.subject : t.pwn.subject;
  return {
    t,
    locale: t.locale,
    direction: t.direction,
    title,
    subject: interpolate(subjectTemplate, { date: date(d.meeting.date) }),
    district: letterheadView(district),
    draft: ctx.draft,
    languageNotice:
      // Same language, whatever the tag's spelling (`en-US` text in an `en` document).
      matchLocale(ctx.decisionTextLanguage, [t.locale]) === t.locale
        ? null
        : localizeSegments(
            t,
            t.common.decisionTextNotice,
            {
              language: languageName(ctx.decisionTextLanguage, t),
              district: district.name,
              phone: district.phone,
              email: district.email,
            },
            ['phone', 'email'],
          ),
    signedNotice: localize(t, t.common.signedNotice, { district: district.name }),
    running: running(ctx),
  };
}

/** The running header (who the document is about) and footer (page, issuer, document id). */
function running(ctx: DocumentContext): RunningHeaderFooter {
  const { decision: d, district, locale: t } = ctx;
  // As `localize` does: values keep their own direction inside right-to-left text.
  const value = (text: string) => (t.direction === 'rtl' ? isolate(text) : text);
  return {
    // Two boxes per edge, no centre: a centred box takes its width from both sides, and long
    // labels (Spanish, Vietnamese) then wrap; start and end boxes share the width they need.
    header: {
      start: [
        value(`${d.student.firstName} ${d.student.lastName}`),
        ` \u00b7 ${t.iep.student.studentId}: `,
        value(d.student.studentId),
      ],
      center: [],
      end: [
        `${t.iep.student.dateOfBirth}: ${formatDate(d.student.dateOfBirth, t)} \u00b7 `,
        value(d.student.school),
      ],
    },
    footer: {
      start: [
        `${t.common.page} `,
        { counter: 'page' },
        ` ${t.common.of} `,
        { counter: 'pages' },
        t.common.pageEnd,
        ' \u00b7 ',
        value(district.name),
      ],
      center: [],
      end: [`${t.common.document} ${ctx.documentId} \u00b7 ${t.common.version} ${d.version}`],
    },
  };
}

/** The view of the IEP document (300.320). */
export function iepView(ctx: DocumentContext) {
  const { decision: d, locale: t } = ctx;
  const date = (value: string | undefined) => (value ? formatDate(value, t) : '');
  const yesNo = (value: boolean) => (value ? t.common.yes : t.common.no);
  const turns16 = transitionAgeDate(d);
  const majority = majorityDate(d);
  const transitionApplies = turns16 <= d.iep.endDate || d.iep.transition !== undefined;
  const transferApplies =
    majority <= addYears(d.iep.endDate, 1) || d.iep.transferOfRights !== undefined;
  const tr = d.iep.transition;
  const rights = d.iep.transferOfRights;
  const withoutMeeting = d.meeting.type === 'amendment' && d.meeting.amendmentWithoutMeeting;

  return {
    ...common(ctx),
    meeting: {
      typeLabel: t.iep.meetingTypes[d.meeting.type],
      dateLabel: withoutMeeting ? t.iep.summary.agreementDate : t.iep.summary.meetingDate,
      date: date(d.meeting.date),
      amends: d.meeting.type === 'amendment' ? date(d.meeting.amendsMeetingDate) || null : null,
      withoutMeeting,
      location: d.meeting.location,
      interpreter: d.meeting.interpreterLanguage
        ? languageName(d.meeting.interpreterLanguage, t)
        : null,
    },
    iep: {
      startDate: date(d.iep.startDate),
      endDate: date(d.iep.endDate),
      annualReviewDue: date(annualReviewDueDate(d)),
      reevaluationDue: date(reevaluationDueDate(d)),
    },
    caseManager: {
      name: d.caseManager.name,
      phone: d.caseManager.phone ?? null,
      email: emailParts(d.caseManager.email),
    },
    student: {
      name: `${d.student.firstName} ${d.student.lastName}`,
      studentId: d.student.studentId,
      dateOfBirth: date(d.student.dateOfBirth),
      age: ageOn(d.student.dateOfBirth, d.meeting.date),
      grade: d.student.grade,
      school: d.student.school,
      primaryDisability: d.student.primaryDisability,
      secondaryDisabilities: d.student.secondaryDisabilities.join(', ') || t.common.none,
      englishLearner: yesNo(d.student.englishLearner),
      homeLanguage: languageName(d.student.homeLanguage, t),
    },
    guardians: d.guardians.map((g) => ({
      name: g.name,
      relationship: g.relationship,
      rightsHolder: yesNo(g.educationalRightsHolder),
      language: languageName(g.preferredLanguage, t),
    })),
    presentLevels: (
      [
        'academic',
        'functional',
        'impactOnGeneralCurriculum',
        'strengths',
        'parentConcerns',
      ] as const
    )
      .filter((key) => (d.iep.presentLevels[key] ?? '').trim() !== '')
      .map((key) => ({ label: t.iep.presentLevels[key], text: d.iep.presentLevels[key] ?? '' })),
    specialFactors: (
      [
        'behavior',
        'limitedEnglishProficiency',
        'braille',
        'communication',
        'assistiveTechnology',
        'deafOrHardOfHearing',
      ] as const
    ).map((key) => ({
      label: t.iep.specialFactors[key],
      considered: yesNo(d.iep.specialFactors[key].considered),
      notes: d.iep.specialFactors[key].notes,
    })),
    goals: d.iep.goals.map((g, i) => ({
      number: i + 1,
      area: g.area ?? '',
      baseline: g.baseline ?? '',
      annualGoal: g.annualGoal ?? '',
      criteria: g.criteria ?? '',
      measurementMethod: g.measurementMethod ?? '',
      progressReportSchedule: g.progressReportSchedule ?? '',
      shortTermObjectives: g.shortTermObjectives,
    })),
    progressReporting: d.iep.progressReporting ?? '',
    serviceGroups: (
      [
        'special-education',
        'related-service',
        'supplementary-aid',
        'program-modification',
        'staff-support',
      ] as const
    ).map((category) => ({
      label: t.iep.services.categories[category],
      services: d.iep.services
        .filter((s) => s.category === category)
        .map((s) => ({
          name: s.name,
          provider: s.provider ?? '',
          frequency: s.frequency
            ? localize(t, t.iep.services.minutesPer[s.frequency.per], {
                minutes: s.frequency.minutes,
              })
            : '',
          location: s.location ?? '',
          setting: s.setting ? t.iep.services.settings[s.setting] : null,
          startDate: date(s.startDate),
          endDate: date(s.endDate),
        })),
    })),
    lre: {
      percent: localize(t, t.iep.lre.percentValue, {
        percent: formatNumber(
          d.iep.leastRestrictiveEnvironment.percentInGeneralEducation / 100,
          t,
          {
            style: 'percent',
            maximumFractionDigits: 1,
          },
        ),
      }),
      explanation:
        d.iep.leastRestrictiveEnvironment.nonParticipationExplanation || t.common.notApplicable,
    },
    assessments: {
      participation: t.iep.assessments.participations[d.iep.assessments.participation],
      accommodations: d.iep.assessments.accommodations,
      alternateJustification: d.iep.assessments.alternateJustification || null,
    },
    esy: {
      eligible: yesNo(d.iep.extendedSchoolYear.eligible),
      justification: d.iep.extendedSchoolYear.justification,
    },
    transition:
      transitionApplies && tr
        ? {
            turns16:
              turns16 >= d.meeting.date
                ? localize(t, t.iep.transition.turns16, { date: date(turns16) })
                : null,
            education: tr.postsecondaryGoals.education ?? '',
            employment: tr.postsecondaryGoals.employment ?? '',
            independentLiving: tr.postsecondaryGoals.independentLiving ?? null,
            services: tr.transitionServices,
            courses: tr.coursesOfStudy,
            studentInvited: yesNo(tr.studentInvited),
          }
        : null,
    transferOfRights:
      transferApplies && rights
        ? {
            statement: localize(t, t.iep.transferOfRights.statement, {
              age: rights.ageOfMajority,
              date: date(addYears(d.student.dateOfBirth, rights.ageOfMajority)),
              informedOn: date(rights.informedOn),
            }),
          }
        : null,
    team: d.meeting.attendees.map((a) => ({
      name: a.name,
      role: t.iep.team.roles[a.role],
      attendance: a.attended
        ? t.iep.team.attended
        : a.excused
          ? t.iep.team.excused
          : t.iep.team.absent,
    })),
  };
}

/** The view of the prior written notice: the seven elements of 300.503(b), in order. */
export function priorWrittenNoticeView(ctx: DocumentContext) {
  const { decision: d, locale: t } = ctx;
  const n = d.priorWrittenNotice;
  return {
    ...common(ctx),
    recipients: d.guardians.map((g) => g.name).join(', '),
    intro: localize(t, t.pwn.intro, { date: formatDate(d.meeting.date, t) }),
    pwn: {
      actionProposed: n.actionProposed ?? '',
      explanation: n.explanation ?? '',
      evaluationsUsed: n.evaluationsUsed,
      proceduralSafeguardsSource: n.proceduralSafeguardsSource ?? '',
      assistanceContacts: n.assistanceContacts.map((c) => ({
        name: c.name,
        details: [c.phone, c.email, c.url].filter((x): x is string => Boolean(x)),
      })),
      optionsConsidered: n.optionsConsidered.map((o) => ({
        option: o.option,
        rejectedBecause: o.rejectedBecause ?? '',
      })),
      otherFactors: n.otherFactors ?? '',
    },
  };
}

/**
 * An email address in two unbreakable halves, `name@` and the domain: a line may break only
 * between them, never at a hyphen inside either (a reader could not tell whether it belongs).
 */
function emailParts(email: string | undefined): { mailbox: string; domain: string } | null {
  if (!email) return null;
  const at = email.lastIndexOf('@') + 1;
  return { mailbox: email.slice(0, at), domain: email.slice(at) };
}

/** The district as the letterhead shows it (documents and notices alike). */
export function letterheadView(district: DistrictProfile) {
  return {
    name: district.name,
    office: district.office,
    addressLine: addressLine(district.letterheadAddress),
    phone: district.phone,
    email: emailParts(district.email),
    website: district.website,
  };
}
