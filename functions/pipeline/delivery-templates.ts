/**
 * The texts of delivery: the email (HTML and text parts), the postal cover letter and the
 * download pages (which texts of the locale they use: delivery-texts.ts). One Handlebars environment like the documents': strict (a missing key is
 * an error), built-in helpers only, every value escaped; compiled once per process.
 *
 * Nothing here receives the student's name, birth date or ids: the views are built from the
 * district profile, the locale, the link and document names only, so no message can carry them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { DistrictProfile } from '../core/district.ts';
import type { DocumentType } from '../core/documents.ts';
import type { PostalAddress } from '../core/recipients.ts';
import { templatesDir } from '../render/assets.ts';
import { fontFaceCss } from '../render/fonts.ts';
import { formatDate, interpolate, type Locale, languageName } from '../render/locales.ts';
import type { PrintJob } from '../render/ports.ts';
import { trustedCss } from '../render/templates.ts';
import type { AnswerOnline } from './deliver-postal-code.ts';
import {
  contentOfDocuments,
  type DeliveryContent,
  deliverySubject,
  documentName,
  messageTexts,
  NOTICE_TEXTS,
} from './delivery-texts.ts';
import type { TranslationPending } from './ports.ts';
import { pendingNote } from './translation-pending.ts';

export {
  contentOfDocuments,
  type DeliveryContent,
  deliveryContent,
  deliverySubject,
  documentName,
  type EmailTexts,
  hasDeliveryTexts,
  type LetterTexts,
  messageTexts,
} from './delivery-texts.ts';

const KNOWN_HELPERS = { if: true, unless: true, each: true, with: true } as const;

type Compiled = (data: object) => string;

/** The compiled delivery templates. */
export interface DeliveryTemplates {
  emailHtml: Compiled;
  emailText: Compiled;
  coverLetter: Compiled;
  coverLetterCss: string;
  downloadPage: Compiled;
  invalidPage: Compiled;
}

/** Compiles the delivery templates of `dir` once. */
export function compileDeliveryTemplates(dir: string = templatesDir()): DeliveryTemplates {
  const hbs = Handlebars.create();
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  // The text part is not HTML: escaping would turn "child's" into "child&#x27;s" in mail clients.
  const compile = (file: string, noEscape = false): Compiled => {
    const template = hbs.compile(read(file), {
      strict: true,
      knownHelpers: KNOWN_HELPERS,
      knownHelpersOnly: true,
      noEscape,
      preventIndent: true,
    });
    return (data) =>
      template(data, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
  };
  return {
    emailHtml: compile('email/notice.html.hbs'),
    emailText: compile('email/notice.text.hbs', true),
    coverLetter: compile('postal/cover-letter.hbs'),
    coverLetterCss: read('postal/cover-letter.css'),
    downloadPage: compile('download/page.hbs'),
    invalidPage: compile('download/invalid.hbs'),
  };
}

/** What an email says. */
export interface EmailInput {
  locale: Locale;
  district: DistrictProfile;
  /** What the email announces: its subject, intro and link say so. */
  content: DeliveryContent;
  adultStudent: boolean;
  link: string;
  /** The last day the link works (calendar date in the district's time zone). */
  linkValidUntil: string;
  /** The languages of the documents offered. */
  languages: string[];
  translationNeeded: boolean;
  /** The recipient's documents wait for a translation (the note says when it was asked for). */
  translationPending?: TranslationPending;
  attachments: boolean;
}

/** Subject, HTML and text of the notification email. */
export function composeEmail(
  templates: DeliveryTemplates,
  input: EmailInput,
): { subject: string; html: string; text: string } {
  const { locale, district } = input;
  const texts = messageTexts(locale, input.content, input.adultStudent).email;
  const subject = deliverySubject('email', locale, district, input.adultStudent, input.content);
  const view = {
    lang: locale.locale,
    dir: locale.direction,
    subject,
    text: { greeting: locale.email.greeting, doNotForward: locale.email.doNotForward },
    intro: interpolate(texts.intro, { district: district.name }),
    linkLabel: texts.linkLabel,
    link: input.link,
    linkValidity: interpolate(locale.email.linkValidity, {
      date: formatDate(input.linkValidUntil, locale),
    }),
    languagesOffered: interpolate(texts.languagesOffered, {
      languages: input.languages.map((tag) => languageName(tag, locale)).join(', '),
    }),
    translationNote: input.translationPending
      ? pendingNote(locale, district, input.translationPending)
      : input.translationNeeded
        ? texts.translationNote
        : '',
    attachmentsNote: input.attachments ? texts.attachmentsNote : '',
    contactHeading: interpolate(locale.email.contactHeading, { office: district.office }),
    signOff: interpolate(locale.email.signOff, { district: district.name }),
    district: { phone: district.phone, email: district.email, website: district.website },
  };
  return {
    subject,
    html: templates.emailHtml(view),
    text: templates.emailText(view).replace(/\n{3,}/g, '\n\n'),
  };
}

/** What a cover letter says and where it goes. */
export interface CoverLetterInput {
  locale: Locale;
  district: DistrictProfile;
  /** What the letter encloses: its subject and intro say so. */
  content: DeliveryContent;
  adultStudent: boolean;
  recipientName: string;
  address: PostalAddress;
  /** The letter's date (calendar date). */
  date: string;
  documents: { type: DocumentType; language: string }[];
  translationNeeded: boolean;
  /** The recipient's documents wait for a translation (the note says when it was asked for). */
  translationPending?: TranslationPending;
  /** The printed response code and the short address to answer online (issue #19). */
  answerOnline?: AnswerOnline;
}

/** The cover letter as a print job (no running header or footer). */
export function composeCoverLetter(
  templates: DeliveryTemplates,
  input: CoverLetterInput,
): { subject: string; job: PrintJob } {
  const { locale, district, address } = input;
  const texts = messageTexts(locale, input.content, input.adultStudent).postal;
  const subject = deliverySubject('postal', locale, district, input.adultStudent, input.content);
  const lines = (a: PostalAddress) => [
    a.line1,
    ...(a.line2 ? [a.line2] : []),
    `${a.city}, ${a.state} ${a.postalCode}`,
  ];
  const view = {
    lang: locale.locale,
    dir: locale.direction,
    subject,
    district: { name: district.name, office: district.office },
    returnLines: lines(district.returnAddress),
    recipientLines: [input.recipientName, ...lines(address)],
    date: formatDate(input.date, locale),
    greeting: interpolate(locale.postal.greeting, { name: input.recipientName }),
    intro: interpolate(texts.intro, { district: district.name }),
    enclosed: texts.enclosed,
    text: { closing: locale.postal.closing, confidential: locale.postal.confidential },
    documents: input.documents.map(
      (d) => `${documentName(d.type, locale)} (${languageName(d.language, locale)})`,
    ),
    translationNote: input.translationPending
      ? pendingNote(locale, district, input.translationPending)
      : input.translationNeeded
        ? texts.translationNote
        : '',
    answerOnline: input.answerOnline
      ? {
          heading: input.answerOnline.texts.heading,
          text: input.answerOnline.texts.text,
          addressLabel: input.answerOnline.texts.address,
          address: input.answerOnline.address,
          codeLabel: input.answerOnline.texts.code,
          code: input.answerOnline.code,
          validUntil: interpolate(input.answerOnline.texts.validUntil, {
            date: formatDate(input.answerOnline.validUntil, locale),
          }),
        }
      : null,
    contact: interpolate(locale.postal.contact, {
      office: district.office,
      phone: district.phone,
      email: district.email,
    }),
  };
  // The faces the letter's text needs, inlined (Lambda has no system fonts for most scripts).
  const styles = trustedCss(`${fontFaceCss(JSON.stringify(view))}\n${templates.coverLetterCss}`);
  const html = templates.coverLetter({ ...view, styles });
  return { subject, job: { html } };
}

/** One entry of the download page. */
export interface DownloadEntry {
  href: string;
  type: DocumentType;
  language: string;
  pages: number;
}

/**
 * The page a valid link shows: the documents, each linking to its download. Its title and
 * intro say what the link carries (a meeting's documents, or a notice), in words that suit
 * parents and adult students alike.
 */
export function downloadPage(
  templates: DeliveryTemplates,
  input: {
    locale: Locale;
    district: DistrictProfile;
    /** What the link carries; see {@link contentOfDocuments}. */
    content: DeliveryContent;
    validUntil: string;
    documents: DownloadEntry[];
    /** The response page's link (a meeting's documents, issue #19); absent: none. */
    respond?: { href: string; text: string };
  },
): string {
  const { locale, district, content } = input;
  const texts =
    content === 'meeting-documents' ? locale.download : locale.download[NOTICE_TEXTS[content]];
  return templates.downloadPage({
    lang: locale.locale,
    dir: locale.direction,
    title: interpolate(texts.title, { district: district.name }),
    intro: interpolate(texts.intro, { district: district.name }),
    documents: input.documents.map((d) => ({
      href: d.href,
      lang: d.language,
      name: documentName(d.type, locale),
      language: languageName(d.language, locale),
      pages: interpolate(locale.download.pages, { pages: d.pages }),
    })),
    linkValidity: interpolate(locale.download.linkValidity, {
      date: formatDate(input.validUntil, locale),
    }),
    district: { name: district.name, phone: district.phone, email: district.email },
    respond: input.respond ?? null,
  });
}

/**
 * The one page every unknown, expired or revoked token gets. It depends on the deployment
 * only, never on the token, so it cannot hint at what existed: it names the district when the
 * deployment serves exactly one, and no district otherwise.
 */
export function invalidLinkPage(
  templates: DeliveryTemplates,
  locale: Locale,
  soleDistrict: DistrictProfile | undefined,
): string {
  const message = soleDistrict
    ? interpolate(locale.download.invalid, {
        district: soleDistrict.name,
        phone: soleDistrict.phone,
      })
    : locale.download.invalidGeneric;
  return templates.invalidPage({ title: locale.download.invalidTitle, message });
}
