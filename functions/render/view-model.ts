/**
 * What a template shows: the decision, the district and the locale turned into plain
 * strings, dates formatted in the document's language, every key present (the
 * templates run in Handlebars' strict mode, so a missing key is an error, not a blank).
 * Decision text is passed through as entered; Handlebars escapes it.
 */
import { withoutMeeting } from '../core/completeness-meeting.ts';
import { addYears, calendarDateIn } from '../core/dates.ts';
import type { Decision } from '../core/decision.ts';
import type { DistrictProfile } from '../core/district.ts';
import type { MeetingDocumentType } from '../core/documents.ts';
import { matchLocale } from '../core/languages.ts';
import type { Problem } from '../core/problems.ts';
import { documentTexts, standingView } from './consent-exit-view.ts';
import {
  formatDate,
  interpolate,
  type Locale,
  languageName,
  localize,
  localizeSegments,
} from './locales.ts';
import { nextSteps } from './next-steps.ts';
import { oralTranslations } from './oral-translations.ts';
import { isolate, type RunningHeaderFooter } from './running.ts';
import type { WordUsed } from './words.ts';

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

export function ageOn(dateOfBirth: string, on: string): number {
  let age = Number(on.slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  if (addYears(dateOfBirth, age) > on) age -= 1;
  return age;
}

function addressLine(a: DistrictProfile['letterheadAddress']): string {
  return [a.line1, a.line2, `${a.city}, ${a.state} ${a.postalCode}`].filter(Boolean).join(', ');
}

/**
 * The day a finalized document is issued: its finalization, as a date of the district's time
 * zone (300.503(a): the notice must come a reasonable time before the change). A draft has none.
 */
export function issuedOn(d: Decision, district: DistrictProfile): string | null {
  return d.status === 'finalized' && d.finalizedAt
    ? calendarDateIn(new Date(d.finalizedAt), district.timeZone)
    : null;
}

/**
 * What the documents are about, in words: "the IEP meeting of <date>", or for an amendment
 * made without a meeting (300.324(a)(4)), "the amendment to the IEP of <amended meeting>,
 * agreed in writing on <date>" (never a meeting that was not held).
 */
export function occasion(
  d: Decision,
  t: Locale,
): { amendment: boolean; values: Record<string, string> } {
  const date = (value: string) => formatDate(value, t);
  if (withoutMeeting(d) && d.meeting.amendsMeetingDate)
    return {
      amendment: true,
      values: {
        amended: date(d.meeting.amendsMeetingDate),
        date: date(d.meeting.parentAgreement?.date ?? d.meeting.date),
      },
    };
  return { amendment: false, values: { date: date(d.meeting.date) } };
}

/** Fields every document shares: letterhead, running header and footer, notices. */
export function common(ctx: DocumentContext) {
  const { decision: d, district, locale: t } = ctx;
  const texts = documentTexts(ctx.type, t);
  const title = texts.title;
  const about = occasion(d, t);
  const subjectTemplate = about.amendment ? texts.subjectAmendment : texts.subject;
  const issued = issuedOn(d, district);
  return {
    t,
    locale: t.locale,
    direction: t.direction,
    title,
    subject: interpolate(subjectTemplate, about.values),
    issued: issued ? formatDate(issued, t) : null,
    district: letterheadView(district),
    draft: ctx.draft,
    /** "Words used in this document": filled by the engine from the printed text. */
    words: [] as WordUsed[],
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
    /** Consent and exit: the offer's mark, or where consent or eligibility stands. */
    standing: standingView(ctx),
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

/** The view of the prior written notice: the seven elements of 300.503(b), in order. */
export function priorWrittenNoticeView(ctx: DocumentContext) {
  const { decision: d, locale: t } = ctx;
  const n = d.priorWrittenNotice;
  return {
    ...common(ctx),
    recipients: d.guardians.map((g) => g.name).join(', '),
    next: nextSteps(ctx),
    oralTranslations: oralTranslations(ctx),
    intro: (() => {
      const about = occasion(d, t);
      return localize(t, about.amendment ? t.pwn.introAmendment : t.pwn.intro, about.values);
    })(),
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
export function emailParts(email: string | undefined): { mailbox: string; domain: string } | null {
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
