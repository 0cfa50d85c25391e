/**
 * The texts of delivery: the email (HTML and text parts), the postal cover letter and the
 * download pages. One Handlebars environment like the documents': strict (a missing key is
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

/** True when a locale carries every text of delivery (email, cover letter, download page). */
export function hasDeliveryTexts(locale: Locale): boolean {
  const english = ['email', 'postal', 'download'] as const;
  return english.every((section) => {
    const texts = (locale as Partial<Locale>)[section] as Record<string, unknown> | undefined;
    return (
      texts !== undefined &&
      typeof texts === 'object' &&
      Object.values(texts).every((v) => typeof v === 'string')
    );
  });
}

/** A document's name in a locale ("Prior Written Notice"). */
export function documentName(type: DocumentType, locale: Locale): string {
  return type === 'iep' ? locale.glossary.iep : locale.glossary.priorWrittenNotice;
}

/** The subject of a delivery: never the student's name, birth date or ids. */
export function deliverySubject(
  channel: 'email' | 'postal',
  locale: Locale,
  district: DistrictProfile,
  adultStudent: boolean,
): string {
  const texts = channel === 'email' ? locale.email : locale.postal;
  return interpolate(adultStudent ? texts.subjectAdultStudent : texts.subject, {
    district: district.name,
  });
}

/** What an email says. */
export interface EmailInput {
  locale: Locale;
  district: DistrictProfile;
  adultStudent: boolean;
  link: string;
  /** The last day the link works (calendar date in the district's time zone). */
  linkValidUntil: string;
  /** The languages of the documents offered. */
  languages: string[];
  translationNeeded: boolean;
  attachments: boolean;
}

/** Subject, HTML and text of the notification email. */
export function composeEmail(
  templates: DeliveryTemplates,
  input: EmailInput,
): { subject: string; html: string; text: string } {
  const { locale, district } = input;
  const subject = deliverySubject('email', locale, district, input.adultStudent);
  const view = {
    lang: locale.locale,
    dir: locale.direction,
    subject,
    text: locale.email,
    intro: interpolate(locale.email.intro, { district: district.name }),
    link: input.link,
    linkValidity: interpolate(locale.email.linkValidity, {
      date: formatDate(input.linkValidUntil, locale),
    }),
    languagesOffered: interpolate(locale.email.languagesOffered, {
      languages: input.languages.map((tag) => languageName(tag, locale)).join(', '),
    }),
    translationNote: input.translationNeeded ? locale.email.translationNote : '',
    attachments: input.attachments,
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
  adultStudent: boolean;
  recipientName: string;
  address: PostalAddress;
  /** The letter's date (calendar date). */
  date: string;
  documents: { type: DocumentType; language: string }[];
  translationNeeded: boolean;
}

/** The cover letter as a print job (no running header or footer). */
export function composeCoverLetter(
  templates: DeliveryTemplates,
  input: CoverLetterInput,
): { subject: string; job: PrintJob } {
  const { locale, district, address } = input;
  const subject = deliverySubject('postal', locale, district, input.adultStudent);
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
    intro: interpolate(locale.postal.intro, { district: district.name }),
    text: locale.postal,
    documents: input.documents.map(
      (d) => `${documentName(d.type, locale)} (${languageName(d.language, locale)})`,
    ),
    translationNote: input.translationNeeded ? locale.postal.translationNote : '',
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

/** The page a valid link shows: the documents, each linking to its download. */
export function downloadPage(
  templates: DeliveryTemplates,
  input: {
    locale: Locale;
    district: DistrictProfile;
    validUntil: string;
    documents: DownloadEntry[];
  },
): string {
  const { locale, district } = input;
  return templates.downloadPage({
    lang: locale.locale,
    dir: locale.direction,
    title: interpolate(locale.download.title, { district: district.name }),
    text: locale.download,
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
