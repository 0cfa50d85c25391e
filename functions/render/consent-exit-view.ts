/**
 * What consent (300.300(b)) and exit (300.102(a)(3), 300.305(e)(3)) add to the documents:
 * the offer's mark and each document's statement of where consent or eligibility stands,
 * the consent form, and the Summary of Performance. Views only: plain strings, every key
 * present (the templates run in strict mode).
 */
import { postsecondaryGoals } from '../core/completeness-consent.ts';
import { consentState } from '../core/consent.ts';
import type { MeetingDocumentType } from '../core/documents.ts';
import { formatDate, type Locale, localize, localizeSegments } from './locales.ts';
import type { DocumentContext } from './view-model.ts';

/** A document's title and the subject templates (`{date}`) of its metadata and header. */
export function documentTexts(
  type: MeetingDocumentType,
  t: Locale,
): { title: string; subject: string; subjectAmendment: string } {
  switch (type) {
    case 'iep':
      return t.iep;
    case 'prior-written-notice':
      return t.pwn;
    case 'consent-form':
      return { ...t.consent.form, subjectAmendment: t.consent.form.subject };
    case 'summary-of-performance':
      return { ...t.exit.summary, subjectAmendment: t.exit.summary.subject };
  }
}

/** Where consent or eligibility stands, as the IEP and the notice print it. */
export interface StandingView {
  /** Consent pending: the offer's mark ("Offer — services begin after your written consent"). */
  offer: string | null;
  offerExplain: string | null;
  /** Consent given, partly given, refused or revoked; or the exit: one sentence, dated. */
  statement: string | null;
}

/** The standing of the decision in the document's language. */
export function standingView(ctx: DocumentContext): StandingView {
  const { decision: d, locale: t } = ctx;
  const state = consentState(d);
  const none: StandingView = { offer: null, offerExplain: null, statement: null };
  // Undated (a draft's preview): no statement rather than a date that was not recorded.
  const statement = (text: string, on: string | undefined): StandingView =>
    on ? { ...none, statement: localize(t, text, { date: formatDate(on, t) }) } : none;
  switch (state.kind) {
    case 'pending':
      return { offer: t.consent.offer, offerExplain: t.consent.offerExplain, statement: null };
    case 'refused':
      return statement(t.consent.refused, state.on);
    case 'revoked':
      return statement(t.consent.revoked, state.on);
    default:
  }
  if (d.exit?.reason === 'graduated-regular-diploma')
    return statement(t.exit.graduated, d.exit.date);
  if (d.exit?.reason === 'aged-out') return statement(t.exit.agedOut, d.exit.date);
  if (state.kind === 'given') return statement(t.consent.given, state.on);
  if (state.kind === 'partial') return statement(t.consent.partial, state.on);
  return none;
}

const studentName = (ctx: DocumentContext) =>
  `${ctx.decision.student.firstName} ${ctx.decision.student.lastName}`;

/** The consent form's own content: the services offered, the three answers, where to return it. */
export function consentFormContent(ctx: DocumentContext) {
  const { decision: d, district, locale: t } = ctx;
  const f = t.consent.form;
  return {
    intro: localize(t, f.intro, { date: formatDate(d.meeting.date, t), student: studentName(ctx) }),
    services: d.iep.services.map((s) => ({
      name: s.name,
      category: t.iep.services.categories[s.category],
      frequency: s.frequency
        ? localize(t, t.iep.services.minutesPer[s.frequency.per], { minutes: s.frequency.minutes })
        : '',
      startDate: s.startDate ? formatDate(s.startDate, t) : '',
    })),
    answers: [f.agree, f.agreeExcept, f.refuse],
    returnTo: localizeSegments(
      t,
      f.returnTo,
      {
        name: d.caseManager.name,
        phone: d.caseManager.phone ?? district.phone,
        email: d.caseManager.email ?? district.email,
      },
      ['phone', 'email'],
    ),
  };
}

/** The Summary of Performance's own content (300.305(e)(3)). */
export function summaryOfPerformanceContent(ctx: DocumentContext) {
  const { decision: d, locale: t } = ctx;
  const sop = d.exit?.summaryOfPerformance;
  const goals = d.iep.transition?.postsecondaryGoals;
  return {
    intro: localize(t, t.exit.summary.intro, {
      student: studentName(ctx),
      date: formatDate(d.exit?.date ?? d.meeting.date, t),
    }),
    academic: sop?.academicAchievement ?? '',
    functional: sop?.functionalPerformance ?? '',
    recommendations: postsecondaryGoals(d).map((goal) => ({
      label: t.iep.transition[goal],
      goal: goals?.[goal] ?? '',
      recommendation: sop?.recommendations[goal] ?? '',
    })),
  };
}
