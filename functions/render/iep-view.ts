/**
 * The view of the IEP document (300.320): the decision in the document's language, every key
 * present (strict templates). The ages and the day rights transfer are the district's state's
 * (`core/state-law.ts`), the same the gate, the calendar and the notices use.
 */
import { withoutMeeting } from '../core/completeness-meeting.ts';
import { consentState, declinedServices } from '../core/consent.ts';
import type { Attendee } from '../core/decision-v2.ts';
import {
  annualReviewDueDate,
  reevaluationDueDate,
  rightsHaveTransferred,
  rightsTransferDate,
  transitionAgeDate,
} from '../core/milestones.ts';
import { type StateLaw, stateLaw } from '../core/state-law.ts';
import { disabilityLabel, providerLabel } from './coded-values.ts';
import { formatDate, formatNumber, type Locale, languageName, localize } from './locales.ts';
import { ageOn, common, type DocumentContext, emailParts } from './view-model.ts';

const SPECIAL_FACTORS = [
  'behavior',
  'limitedEnglishProficiency',
  'braille',
  'communication',
  'assistiveTechnology',
  'deafOrHardOfHearing',
] as const;

const SERVICE_CATEGORIES = [
  'special-education',
  'related-service',
  'supplementary-aid',
  'program-modification',
  'staff-support',
] as const;

const PRESENT_LEVELS = [
  'academic',
  'functional',
  'impactOnGeneralCurriculum',
  'strengths',
  'parentConcerns',
] as const;

/**
 * The view of the IEP document (300.320).
 * Long because: the IEP template's view, one key per slot of the template in the order the document
 * shows them (the template runs strict: every key present).
 */
export function iepView(ctx: DocumentContext) {
  const { decision: d, locale: t } = ctx;
  const law = stateLaw(ctx.district.state);
  const date = (value: string | undefined) => (value ? formatDate(value, t) : '');
  const yesNo = (value: boolean) => (value ? t.common.yes : t.common.no);

  return {
    ...common(ctx),
    ...meetingView(ctx),
    iep: {
      startDate: date(d.iep.startDate),
      endDate: date(d.iep.endDate),
      annualReviewDue: date(annualReviewDueDate(d)),
      reevaluationDue: d.student.reevaluationWaiver
        ? localize(t, t.iep.summary.reevaluationWaived, {
            date: date(d.student.reevaluationWaiver.agreedOn),
          })
        : date(reevaluationDueDate(d)),
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
      // An amendment without a meeting has no meeting day: the age on the written agreement.
      ageLabel: withoutMeeting(d) ? t.iep.student.ageOnAgreement : t.iep.student.age,
      age: ageOn(d.student.dateOfBirth, d.meeting.parentAgreement?.date ?? d.meeting.date),
      grade: d.student.grade,
      school: d.student.school,
      primaryDisability: disabilityLabel(d.student.primaryDisability, t),
      secondaryDisabilities:
        d.student.secondaryDisabilities.map((x) => disabilityLabel(x, t)).join(', ') ||
        t.iep.student.noSecondaryDisabilities,
      englishLearner: yesNo(d.student.englishLearner),
      homeLanguage: languageName(d.student.homeLanguage, t),
    },
    guardians: d.guardians.map((g) => ({
      name: g.name,
      relationship: g.relationship,
      rightsHolder: yesNo(g.educationalRightsHolder),
      language: languageName(g.preferredLanguage, t),
    })),
    presentLevels: PRESENT_LEVELS.filter(
      (key) => (d.iep.presentLevels[key] ?? '').trim() !== '',
    ).map((key) => ({ label: t.iep.presentLevels[key], text: d.iep.presentLevels[key] ?? '' })),
    // Every factor is considered (300.324(a)(2)): the document says whether it applies and what
    // the team decided.
    specialFactors: SPECIAL_FACTORS.map((key) => ({
      label: t.iep.specialFactors[key],
      applies: yesNo(d.iep.specialFactors[key].applies),
      decided: d.iep.specialFactors[key].notes,
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
    serviceGroups: serviceGroups(ctx),
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
    transition: transitionView(ctx, law),
    transferOfRights: transferView(ctx, law),
  };
}

/** The meeting (or the written amendment), its changes, and the team. */
function meetingView(ctx: DocumentContext) {
  const { decision: d, locale: t } = ctx;
  const date = (value: string | undefined) => (value ? formatDate(value, t) : '');
  const written = withoutMeeting(d);
  const agreement = d.meeting.parentAgreement;
  const law = stateLaw(ctx.district.state);
  const adult = rightsHaveTransferred(d, law, d.meeting.date);
  const present = d.meeting.attendees.some(
    (a) => a.role === (adult ? 'student' : 'parent') && a.attended,
  );
  return {
    meeting: {
      typeLabel: t.iep.meetingTypes[d.meeting.type],
      dateLabel: written ? t.iep.summary.agreementDate : t.iep.summary.meetingDate,
      date: date(agreement?.date ?? d.meeting.date),
      agreementMethod: agreement ? t.iep.summary.agreementMethods[agreement.method] : null,
      amends: d.meeting.type === 'amendment' ? date(d.meeting.amendsMeetingDate) || null : null,
      withoutMeeting: written,
      location: d.meeting.location,
      interpreter: d.meeting.interpreterLanguage
        ? languageName(d.meeting.interpreterLanguage, t)
        : null,
    },
    changes: d.meeting.changes,
    teamHeading: written ? t.iep.team.informedHeading : t.iep.team.attendance,
    team: d.meeting.attendees.map((a) => ({
      name: a.name,
      role: t.iep.team.roles[a.role],
      attendance: written ? informed(a, t) : attendance(a, t),
    })),
    // 300.322(d): held without the parent (or the adult student) after documented attempts.
    heldWithout:
      !written && !present && d.meeting.parentAttempts.length > 0
        ? {
            intro: adult ? t.iep.team.heldWithoutStudent : t.iep.team.heldWithoutParent,
            attempts: d.meeting.parentAttempts.map((p) => ({
              date: date(p.date),
              method: t.iep.team.attemptMethods[p.method],
              result: p.result,
            })),
          }
        : null,
  };
}

function attendance(a: Attendee, t: Locale): string {
  if (a.attended) return t.iep.team.attended;
  if (!a.excused) return t.iep.team.absent;
  return a.excused.consentDate
    ? localize(t, t.iep.team.excusedInWriting, { date: formatDate(a.excused.consentDate, t) })
    : t.iep.team.excused;
}

function informed(a: Attendee, t: Locale): string {
  return a.informedOn
    ? localize(t, t.iep.team.informedOn, { date: formatDate(a.informedOn, t) })
    : t.iep.team.informed;
}

function serviceGroups(ctx: DocumentContext) {
  const { decision: d, locale: t } = ctx;
  const date = (value: string | undefined) => (value ? formatDate(value, t) : '');
  // Partial consent: a declined service is printed as declined, never as scheduled (300.300(d)(3)).
  const declined = declinedServices(consentState(d));
  return SERVICE_CATEGORIES.map((category) => ({
    label: t.iep.services.categories[category],
    services: d.iep.services
      .filter((s) => s.category === category)
      .map((s) => ({
        name: s.name,
        provider: providerLabel(s.provider, t),
        frequency: s.frequency
          ? localize(t, t.iep.services.minutesPer[s.frequency.per], {
              minutes: s.frequency.minutes,
            })
          : '',
        location: s.location ?? '',
        setting: s.setting ? t.iep.services.settings[s.setting] : null,
        startDate: date(s.startDate),
        endDate: date(s.endDate),
        declined: declined.has(s.serviceId),
      })),
  }));
}

/** The transition plan (300.320(b)), from the state's transition age. */
function transitionView(ctx: DocumentContext, law: StateLaw) {
  const { decision: d, locale: t } = ctx;
  const tr = d.iep.transition;
  const reaches = transitionAgeDate(d, law);
  if (!tr) return null;
  return {
    reachesAge:
      reaches >= d.meeting.date
        ? localize(t, t.iep.transition.reachesAge, {
            age: law.transitionAge,
            date: formatDate(reaches, t),
          })
        : null,
    education: tr.postsecondaryGoals.education ?? '',
    employment: tr.postsecondaryGoals.employment ?? '',
    independentLiving: tr.postsecondaryGoals.independentLiving ?? null,
    services: tr.transitionServices,
    courses: tr.coursesOfStudy,
    studentInvited: tr.studentInvited ? t.common.yes : t.common.no,
  };
}

/**
 * The transfer of rights (300.320(c), 300.520): the state's age of majority and the day it
 * falls; under guardianship, that rights do not transfer.
 */
function transferView(ctx: DocumentContext, law: StateLaw) {
  const { decision: d, locale: t } = ctx;
  const guardianship = d.student.guardianship;
  if (guardianship)
    return {
      statement: localize(t, t.iep.transferOfRights.guardianship, {
        date: formatDate(guardianship.appointedOn, t),
      }),
    };
  const on = rightsTransferDate(d, law);
  const rights = d.iep.transferOfRights;
  if (!on || !rights) return null;
  return {
    statement: localize(t, t.iep.transferOfRights.statement, {
      age: law.ageOfMajority,
      date: formatDate(on, t),
      informedOn: formatDate(rights.informedOn, t),
    }),
  };
}
