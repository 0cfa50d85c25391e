/**
 * Which texts of a locale a delivery uses: the document names, what a message carries
 * (meeting documents, one notice, or the safeguards notice alone) and the subject and wording
 * for the recipient (parent or adult student). Strings only; delivery-templates.ts puts them
 * into the templates.
 */
import type { DistrictProfile } from '../core/district.ts';
import {
  type DocumentType,
  type NoticeDocumentType,
  noticeDocumentTypes,
} from '../core/documents.ts';
import { interpolate, type Locale } from '../render/locales.ts';
import type { DeliveryJob } from './ports.ts';

/** The locale's text set of each notice (in `email`, `postal` and `download`). */
export const NOTICE_TEXTS = {
  'annual-review-notice': 'annualReviewNotice',
  'majority-notice': 'majorityNotice',
  'notice-of-meeting': 'meetingNotice',
  'meeting-cancellation': 'meetingCancellation',
  'procedural-safeguards': 'safeguardsNotice',
} as const satisfies Record<Exclude<DeliveryContent, 'meeting-documents'>, string>;

/** Texts, or sections of texts (one level deep, as the per-kind sets are): strings only. */
function allTexts(value: unknown, depth = 1): boolean {
  if (typeof value === 'string') return true;
  if (depth < 0 || value === null || typeof value !== 'object' || Array.isArray(value))
    return false;
  return Object.values(value).every((v) => allTexts(v, depth - 1));
}

/**
 * True when a locale carries every text of delivery (email, cover letter, download page),
 * the text sets of each notice included.
 */
export function hasDeliveryTexts(locale: Locale): boolean {
  const sections = ['email', 'postal', 'download'] as const;
  const noticeSets = Object.values(NOTICE_TEXTS);
  return sections.every((section) => {
    const texts = (locale as Partial<Locale>)[section] as Record<string, unknown> | undefined;
    if (typeof texts !== 'object' || !allTexts(texts)) return false;
    return noticeSets.every((set) => typeof texts[set] === 'object');
  });
}

/** A document's name in a locale ("Prior Written Notice", "Notice: Annual IEP Review Due"). */
export function documentName(type: DocumentType, locale: Locale): string {
  switch (type) {
    case 'iep':
      return locale.glossary.iep;
    case 'prior-written-notice':
      return locale.glossary.priorWrittenNotice;
    case 'annual-review-notice':
      return locale.notice.annualReview.title;
    case 'majority-notice':
      return locale.notice.majority.title;
    case 'consent-form':
      return locale.consent.form.title;
    case 'summary-of-performance':
      return locale.exit.summary.title;
    case 'notice-of-meeting':
      return locale.notice.meeting.title;
    case 'meeting-cancellation':
      return locale.notice.meeting.cancelled.title;
    case 'procedural-safeguards':
      return locale.pwn.sections.proceduralSafeguards;
    case 'parent-response':
      // Never on a link's page: it is the parent's emailed copy (response-mail.ts names it).
      return 'Parent response';
  }
}

/**
 * What a delivery carries, which decides what its message says: a meeting's documents, one
 * of the compliance calendar's notices to parents (or to the student), or the procedural
 * safeguards notice alone (given on an event of 300.504(a)(1)-(4)).
 */
export type DeliveryContent = 'meeting-documents' | NoticeDocumentType | 'procedural-safeguards';

/**
 * What a job carries: a decision's documents, or the notice of a reminder job (the notice in
 * each language it was rendered in). A reminder job always carries exactly one kind of notice.
 */
export function deliveryContent(
  kind: DeliveryJob['kind'],
  documentTypes: readonly DocumentType[],
): DeliveryContent {
  if (kind === 'decision-documents') return 'meeting-documents';
  const content = contentOfDocuments(documentTypes);
  if (content === 'meeting-documents') {
    const types = [...new Set(documentTypes)].join(', ');
    throw new Error(`a reminder notice carries one kind of notice, not: ${types}`);
  }
  return content;
}

/**
 * What a download link leads to, from its documents' types alone (a link does not record its
 * job): one kind of notice only is that notice; anything else is a meeting's documents.
 */
export function contentOfDocuments(documentTypes: readonly DocumentType[]): DeliveryContent {
  // The district's safeguards notice travels with whatever a delivery carries (300.504(a));
  // alone, it was given on an event of 300.504(a)(1)-(4).
  if (documentTypes.length > 0 && documentTypes.every((t) => t === 'procedural-safeguards'))
    return 'procedural-safeguards';
  const types = new Set(documentTypes.filter((t) => t !== 'procedural-safeguards'));
  const [type] = types;
  const notice = noticeDocumentTypes.find((n) => n === type);
  return types.size === 1 && notice ? notice : 'meeting-documents';
}

/** The texts of an email that depend on what it carries and to whom it goes. */
export interface EmailTexts {
  subject: string;
  intro: string;
  linkLabel: string;
  languagesOffered: string;
  translationNote: string;
  attachmentsNote: string;
}

/** The texts of a cover letter that depend on what it encloses and to whom it goes. */
export interface LetterTexts {
  subject: string;
  intro: string;
  enclosed: string;
  translationNote: string;
}

/**
 * The one place that chooses the words of a message for what it carries: the meeting
 * documents keep the texts they always had; each notice has its own set, with its own
 * wording for an adult student. The texts are templates ({district}, {languages}).
 */
export function messageTexts(
  locale: Locale,
  content: DeliveryContent,
  adultStudent: boolean,
): { email: EmailTexts; postal: LetterTexts } {
  const notice = content === 'meeting-documents' ? undefined : NOTICE_TEXTS[content];
  // The meeting documents' intro speaks to parents and adult students alike.
  const email = notice
    ? locale.email[notice]
    : { ...locale.email, introAdultStudent: locale.email.intro };
  const postal = notice
    ? locale.postal[notice]
    : { ...locale.postal, introAdultStudent: locale.postal.intro };
  return {
    email: {
      subject: adultStudent ? email.subjectAdultStudent : email.subject,
      intro: adultStudent ? email.introAdultStudent : email.intro,
      linkLabel: email.linkLabel,
      languagesOffered: email.languagesOffered,
      translationNote: email.translationNote,
      attachmentsNote: email.attachmentsNote,
    },
    postal: {
      subject: adultStudent ? postal.subjectAdultStudent : postal.subject,
      intro: adultStudent ? postal.introAdultStudent : postal.intro,
      enclosed: postal.enclosed,
      translationNote: postal.translationNote,
    },
  };
}

/**
 * The subject of a delivery. It names what is sent and the district, never the student:
 * the only value it is given is the district's name, so no name, date or id can reach it.
 */
export function deliverySubject(
  channel: 'email' | 'postal',
  locale: Locale,
  district: DistrictProfile,
  adultStudent: boolean,
  content: DeliveryContent,
): string {
  const texts = messageTexts(locale, content, adultStudent)[channel];
  return interpolate(texts.subject, { district: district.name });
}
