/**
 * The "Notice of IEP Team Meeting" (34 CFR 300.322(b)): purpose, date, time and place, who will
 * attend, the parents' right to bring others, and for a transition meeting the student's
 * invitation and the agencies invited. A rescheduled meeting's notice says it replaces the
 * earlier one; a cancelled meeting's (a revision with status `cancelled`) is a notice of
 * cancellation: the meeting, its date and time, that it will not be held, and why. Same Handlebars environment, fonts, printer and signer as every document.
 */

import { type CalendarDate, calendarDateIn } from '../core/dates.ts';
import type { DistrictProfile } from '../core/district.ts';
import { documentId as documentIdOf } from '../core/documents.ts';
import { type MeetingItem, meetingRecordId } from '../core/meeting.ts';
import type { MeetingCheck } from '../core/meeting-rules.ts';
import type { RenderedDocument, SigningTrust } from './engine.ts';
import { fontFaceCss } from './fonts.ts';
import {
  formatDate,
  interpolate,
  intlSupports,
  type Locale,
  languageName,
  loadLocales,
  localizeSegments,
} from './locales.ts';
import type { PdfMetadata, PdfPrinter, Signer } from './ports.ts';
import { printSignedNotice } from './signed-notice.ts';
import { compileTemplates, type TemplateSet, trustedCss } from './templates.ts';
import { letterheadView } from './view-model.ts';

/** Everything one meeting notice is made from. */
export interface MeetingNoticeContext {
  meeting: MeetingItem;
  check: Pick<MeetingCheck, 'meetingDate' | 'transition' | 'replaces' | 'cancelled'>;
  district: DistrictProfile;
  locale: Locale;
  issuedOn?: CalendarDate;
}

/** The document type of a meeting revision's notice: of the meeting, or of its cancellation. */
export const meetingNoticeType = (meeting: Pick<MeetingItem, 'status'>) =>
  meeting.status === 'cancelled'
    ? ('meeting-cancellation' as const)
    : ('notice-of-meeting' as const);

/** The id of a meeting revision's notice in one language (deterministic: a retry finds it). */
export function meetingNoticeId(
  meeting: Pick<MeetingItem, 'districtId' | 'meetingId' | 'revision' | 'status'>,
  language: string,
): string {
  return documentIdOf({
    districtId: meeting.districtId,
    decisionId: meetingRecordId(meeting.meetingId),
    version: meeting.revision,
    type: meetingNoticeType(meeting),
    language,
  });
}

/** Time of day and zone of an instant, in the locale's language where the runtime knows it. */
function timeOfDay(instant: string, timeZone: string, locale: Locale): string {
  const tag = intlSupports(locale.locale) ? locale.locale : 'en';
  return new Intl.DateTimeFormat(tag, {
    hour: 'numeric',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  }).format(new Date(instant));
}

/**
 * What the template shows (every key present: the template runs in strict mode).
 * Long because: the meeting notice template's view, one key per slot of the template in the order
 * the notice shows them (the template runs strict: every key present).
 */
export function meetingNoticeView(ctx: MeetingNoticeContext) {
  const { meeting: m, district, locale: t, check } = ctx;
  const texts = t.notice.meeting;
  const student = `${m.student.firstName} ${m.student.lastName}`;
  const date = formatDate(check.meetingDate, t);
  const roles: Readonly<Record<string, string>> = t.iep.team.roles;
  let replaces: string | null = null;
  if (check.replaces?.scheduledFor && check.replaces.timeZone) {
    const previousDate = calendarDateIn(
      new Date(check.replaces.scheduledFor),
      check.replaces.timeZone,
    );
    replaces = interpolate(texts.replaces, {
      previous: `${formatDate(previousDate, t)}, ${timeOfDay(check.replaces.scheduledFor, check.replaces.timeZone, t)}`,
    });
  } else if (check.replaces) replaces = texts.replacesUndated;
  const contact = [m.caseManager.phone, m.caseManager.email].filter(Boolean).join(', ');
  const when = `${date}, ${timeOfDay(m.scheduledFor, m.timeZone, t)}`;
  const cancelled = check.cancelled
    ? {
        statement: interpolate(texts.cancelled.statement, { student, when }),
        reasonLabel: texts.cancelled.reasonLabel,
        reason: m.cancellationReason ?? null,
        next: interpolate(texts.cancelled.next, { name: m.caseManager.name, contact }),
      }
    : null;
  return {
    t,
    locale: t.locale,
    direction: t.direction,
    title: check.cancelled ? texts.cancelled.title : texts.title,
    subject: interpolate(check.cancelled ? texts.cancelled.subject : texts.subject, { date }),
    cancelled,
    labels: texts,
    replaces: check.cancelled ? null : replaces,
    issued: ctx.issuedOn ? formatDate(ctx.issuedOn, t) : null,
    studentName: student,
    purpose: texts.purposes[m.purpose],
    purposeDetails: m.purposeDetails ?? null,
    when: `${date}, ${timeOfDay(m.scheduledFor, m.timeZone, t)}${m.durationMinutes ? ` (${m.durationMinutes} min)` : ''}`,
    location: m.location ?? null,
    call: m.call ? m.call.details : null,
    intro: interpolate(texts.intro, { student }),
    invitees: m.invitees.map((i) => ({ name: i.name, role: roles[i.role] ?? i.role })),
    transition: check.transition ? interpolate(texts.transition, { student }) : null,
    agencies: m.agencies.map((a) => ({ name: a.name, purpose: a.purpose ?? null })),
    others: texts.others,
    partC: m.purpose === 'initial' ? texts.partC : null,
    interpreter: m.interpreterLanguage
      ? interpolate(texts.interpreter, { language: languageName(m.interpreterLanguage, t) })
      : null,
    reschedule: interpolate(texts.reschedule, { name: m.caseManager.name, contact }),
    contact: localizeSegments(
      t,
      t.notice.contact,
      {
        office: district.office,
        district: district.name,
        phone: district.phone,
        email: district.email,
      },
      ['phone', 'email'],
    ),
    signedNotice: interpolate(t.common.signedNotice, { district: district.name }),
    district: letterheadView(district),
  };
}

/** What {@link MeetingNoticeRenderer} needs (the engine's printer and signer fit). */
export interface MeetingNoticeRendererDeps {
  printer: PdfPrinter;
  signer: Signer;
  clock: () => Date;
  /** Time-stamps and validation data: B-T/B-LT like the documents (absent: B-B). */
  trust?: SigningTrust;
  templates?: TemplateSet;
  locales?: Map<string, Locale>;
}

/** Renders and signs meeting notices. Built once per process. */
export class MeetingNoticeRenderer {
  readonly #deps: MeetingNoticeRendererDeps;
  readonly #templates: TemplateSet;
  readonly #locales: Map<string, Locale>;

  constructor(deps: MeetingNoticeRendererDeps) {
    this.#deps = deps;
    this.#templates = deps.templates ?? compileTemplates();
    this.#locales = deps.locales ?? loadLocales();
  }

  /** The locales with the meeting notice's texts (any other recipient language gets English). */
  get languages(): string[] {
    return [...this.#locales.entries()]
      .filter(([, l]) => (l as Partial<Locale>).notice?.meeting?.cancelled !== undefined)
      .map(([tag]) => tag);
  }

  /** A signed notice in `language` (a locale this renderer has). */
  async render(
    input: Omit<MeetingNoticeContext, 'locale' | 'issuedOn'> & { language: string },
  ): Promise<RenderedDocument> {
    const locale = this.#locales.get(input.language);
    if (!locale || !this.languages.includes(input.language))
      throw new Error(`no meeting notice texts in locale ${input.language}`);
    const ctx: MeetingNoticeContext = {
      ...input,
      locale,
      issuedOn: calendarDateIn(this.#deps.clock(), input.district.timeZone),
    };
    const id = meetingNoticeId(ctx.meeting, locale.locale);
    const view = meetingNoticeView(ctx);
    const t0 = performance.now();
    const styles = trustedCss(
      `${fontFaceCss(JSON.stringify(view))}\n${this.#templates.documentCss}`,
    );
    const job = { html: this.#templates.meetingNotice({ ...view, styles, runningText: '' }) };
    const metadata: PdfMetadata = {
      title: view.title,
      author: ctx.district.name,
      subject: view.subject,
      language: locale.locale,
      keywords: [id, meetingRecordId(ctx.meeting.meetingId), `r${ctx.meeting.revision}`],
    };
    return printSignedNotice(this.#deps, job, {
      documentId: id,
      type: meetingNoticeType(ctx.meeting),
      language: locale.locale,
      district: ctx.district,
      metadata,
      templateMs: performance.now() - t0,
    });
  }
}
