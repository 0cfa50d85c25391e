/**
 * Who receives a decision's documents, through which channel, in which languages.
 * Pure: the date ("today") and the locales available are passed in.
 */
import type { CalendarDate } from './dates.ts';
import type { Decision } from './decision.ts';
import type { NoticeDocumentType } from './documents.ts';
import { matchLocale } from './languages.ts';
import { rightsHaveTransferred } from './milestones.ts';
import { stateLaw } from './state-law.ts';

/** A US postal address, as on the decision. */
export type PostalAddress = Decision['guardians'][number]['postalAddress'];

/** How a recipient is reached. */
export type Channel = 'email' | 'postal';

/** The recipient id of the student (rights transferred, or the majority notice: 300.520). */
export const STUDENT_RECIPIENT = 'student';

/** One recipient of a decision's documents. */
export interface Recipient {
  /** The guardianId, or {@link STUDENT_RECIPIENT}. */
  recipientId: string;
  /** Printed on the postal packet's address block (the student's: the name on the decision). */
  name: string;
  /** The language the recipient asked for (BCP 47), as written on the decision. */
  preferredLanguage: string;
  /** The locales offered, the recipient's own first, then English; never empty. */
  languages: string[];
  /** The language of the email or cover letter: the recipient's locale, or English. */
  messageLanguage: string;
  /** The recipient's language when no locale serves it yet ("translation needed"). */
  translationNeeded?: string;
  /** How to reach them; absent when they can be reached by neither channel (a delivery problem). */
  channel?: Channel;
  /** Set when channel is email. */
  email?: string;
  /** The postal address, when known (also the fallback after a bounce). */
  postalAddress?: PostalAddress;
  /** Why no channel applies. */
  problem?: string;
}

/**
 * Whom documents go to: the guardians, and the student (after the transfer of rights). A
 * decision is one; so is a meeting item, which names them before any decision exists.
 */
export interface Audience {
  guardians: Decision['guardians'];
  student: Pick<
    Decision['student'],
    | 'studentId'
    | 'firstName'
    | 'lastName'
    | 'dateOfBirth'
    | 'homeLanguage'
    | 'contact'
    | 'guardianship'
  >;
}

/** What is being delivered, where it changes who receives it. */
export interface RecipientOptions {
  /** The calendar notice delivered, if any (absent for a meeting's documents). */
  notice?: NoticeDocumentType;
  /** The district profile's state: its age of majority applies (`state-law.ts`). */
  state?: string;
}

/**
 * Every guardian, plus the student once rights have transferred at the age of majority, and
 * the student of a majority notice before that: the student and the parents are both told of
 * the coming transfer (300.520(a)(1)(ii)).
 * Email only where the recipient has an address and consented to electronic notice
 * (300.505); postal otherwise; neither is recorded as a problem, never skipped.
 */
export function recipientsOf(
  decision: Audience,
  today: CalendarDate,
  locales: readonly string[],
  options: RecipientOptions = {},
): Recipient[] {
  const recipients: Recipient[] = decision.guardians.map((g) =>
    recipient({
      recipientId: g.guardianId,
      name: g.name,
      preferredLanguage: g.preferredLanguage,
      email: g.email,
      consent: g.electronicNoticeConsent?.given === true,
      postalAddress: g.postalAddress,
      locales,
    }),
  );
  if (
    rightsHaveTransferred(decision, stateLaw(options.state), today) ||
    options.notice === 'majority-notice'
  ) {
    const contact = decision.student.contact;
    recipients.push(
      recipient({
        recipientId: STUDENT_RECIPIENT,
        name: `${decision.student.firstName} ${decision.student.lastName}`,
        preferredLanguage: contact?.preferredLanguage ?? decision.student.homeLanguage,
        email: contact?.email,
        consent: contact?.electronicNoticeConsent?.given === true,
        postalAddress: contact?.postalAddress,
        locales,
      }),
    );
  }
  return recipients;
}

/** The locales offered for a language tag: its own locale first, then English. */
export function languagesFor(
  tag: string,
  locales: readonly string[],
): { languages: string[]; messageLanguage: string; translationNeeded?: string } {
  const own = matchLocale(tag, locales);
  if (!own) return { languages: ['en'], messageLanguage: 'en', translationNeeded: tag };
  return { languages: own === 'en' ? ['en'] : [own, 'en'], messageLanguage: own };
}

function recipient(input: {
  recipientId: string;
  name: string;
  preferredLanguage: string;
  email: string | undefined;
  consent: boolean;
  postalAddress: PostalAddress | undefined;
  locales: readonly string[];
}): Recipient {
  const { languages, messageLanguage, translationNeeded } = languagesFor(
    input.preferredLanguage,
    input.locales,
  );
  const base: Recipient = {
    recipientId: input.recipientId,
    name: input.name,
    preferredLanguage: input.preferredLanguage,
    languages,
    messageLanguage,
    ...(translationNeeded ? { translationNeeded } : {}),
    ...(input.postalAddress ? { postalAddress: input.postalAddress } : {}),
  };
  if (input.email && input.consent) return { ...base, channel: 'email', email: input.email };
  if (input.postalAddress) return { ...base, channel: 'postal' };
  return {
    ...base,
    problem: input.email
      ? 'no consent to electronic notice and no postal address'
      : 'neither an email address with consent to electronic notice nor a postal address',
  };
}
