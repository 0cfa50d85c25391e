/**
 * What documents a decision yields, what they are called, and where they are stored.
 * Keys and ids carry no student data: only district, decision and document ids.
 */
import { createHash } from 'node:crypto';
import type { Decision } from './decision.ts';
import { meetingDocumentTypes } from './document-set.ts';
import { matchLocale } from './languages.ts';

/**
 * The official documents of an IEP meeting: the IEP, the prior written notice, the consent
 * form of an initial offer (300.300(b)) and the Summary of Performance on leaving
 * (300.305(e)(3)); which of them a decision yields is `document-set.ts`'s rule.
 */
export const documentTypes = [
  'iep',
  'prior-written-notice',
  'consent-form',
  'summary-of-performance',
] as const;
/**
 * Notices sent on their own (not rendered with the meeting's documents): the calendar sweep's
 * annual-review notice and notice of the transfer of rights at majority, and the notice of an
 * IEP team meeting (300.322) or of its cancellation.
 */
export const noticeDocumentTypes = [
  'annual-review-notice',
  'majority-notice',
  'notice-of-meeting',
  'meeting-cancellation',
] as const;
/**
 * Documents the district provides rather than the pipeline renders: its procedural safeguards
 * notice (300.504), delivered with the first document of a school year (`core/safeguards.ts`).
 */
export const districtDocumentTypes = ['procedural-safeguards'] as const;
/**
 * A parent's signed online answer to the offer (issue #19, `core/parent-response.ts`): made
 * when the answer is recorded, one per answer, stored with the decision's documents.
 */
export const responseDocumentTypes = ['parent-response'] as const;
/** A parent's answer. */
export type ResponseDocumentType = (typeof responseDocumentTypes)[number];
/** A district-provided document. */
export type DistrictDocumentType = (typeof districtDocumentTypes)[number];
/** A meeting document. */
export type MeetingDocumentType = (typeof documentTypes)[number];
/** A calendar notice. */
export type NoticeDocumentType = (typeof noticeDocumentTypes)[number];
/** Any stored document. */
export type DocumentType =
  | MeetingDocumentType
  | NoticeDocumentType
  | DistrictDocumentType
  | ResponseDocumentType;

/** The documents to produce, and the languages asked for that have no locale yet. */
export interface DocumentPlan {
  /** English first, then each other language a recipient prefers, deduplicated. */
  languages: string[];
  /** Recipients' language tags the product cannot produce yet ("translation needed"). */
  translationNeeded: string[];
  documents: { type: MeetingDocumentType; language: string }[];
  /** Languages whose documents print the decision's text from a complete translation. */
  translated?: string[];
  /** Languages whose documents wait for a complete translation of the decision's text. */
  translationPending?: string[];
}

/** The languages the recipients of a decision prefer: every guardian, and the student's contact. */
export function recipientLanguages(decision: Decision): string[] {
  const tags = decision.guardians.map((g) => g.preferredLanguage);
  if (decision.student.contact?.preferredLanguage)
    tags.push(decision.student.contact.preferredLanguage);
  return tags;
}

/** English always, plus each recipient's language we have a locale for (300.503(c)). */
export function planDocuments(decision: Decision, locales: readonly string[]): DocumentPlan {
  const languages = ['en'];
  const translationNeeded: string[] = [];
  for (const tag of recipientLanguages(decision)) {
    const locale = matchLocale(tag, locales);
    if (!locale) {
      if (!translationNeeded.includes(tag)) translationNeeded.push(tag);
    } else if (!languages.includes(locale)) languages.push(locale);
  }
  return {
    languages,
    translationNeeded,
    documents: languages.flatMap((language) =>
      meetingDocumentTypes(decision).map((type) => ({ type, language })),
    ),
  };
}

/** Identifies one document: the same inputs always give the same id (so a retry cannot make a second). */
export interface DocumentKey {
  districtId: string;
  decisionId: string;
  version: number;
  type: DocumentType;
  language: string;
  /** 1 for the first rendition; regeneration adds renditions beside it. */
  rendition?: number;
}

/** A stable, opaque document id (`doc_` + 24 hex), derived from the document's key. */
export function documentId(key: DocumentKey): string {
  const rendition = key.rendition ?? 1;
  const material = [
    key.districtId,
    key.decisionId,
    key.version,
    key.type,
    key.language,
    rendition,
  ].join('\u0000');
  return `doc_${createHash('sha256').update(material).digest('hex').slice(0, 24)}`;
}

/** `districts/<districtId>/decisions/<decisionId>/v<version>/<type>.<language>.pdf` (`.r<n>` for later renditions). */
export function documentS3Key(key: DocumentKey): string {
  const rendition = key.rendition && key.rendition > 1 ? `.r${key.rendition}` : '';
  return `districts/${key.districtId}/decisions/${key.decisionId}/v${key.version}/${key.type}.${key.language}${rendition}.pdf`;
}

/** The file name a document is saved under locally: `<type>.<language>.pdf`. */
export function documentFileName(type: DocumentType, language: string): string {
  return `${type}.${language}.pdf`;
}
