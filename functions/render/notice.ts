/**
 * The compliance calendar's notices to parents (and to the adult student): a signed PDF in the
 * recipient's language saying the annual review is due and the school will propose a meeting
 * time (or that rights transfer at majority), with the district's contact. Same Handlebars
 * environment, fonts, printer and signer as the meeting documents; no AWS here.
 */
import { type CalendarDate, calendarDateIn } from '../core/dates.ts';
import type { Decision } from '../core/decision.ts';
import type { DistrictProfile } from '../core/district.ts';
import { documentId as documentIdOf, type NoticeDocumentType } from '../core/documents.ts';
import { stateLaw } from '../core/state-law.ts';
import type { RenderedDocument, SigningTrust } from './engine.ts';
import { fontFaceCss } from './fonts.ts';
import { formatDate, interpolate, type Locale, loadLocales, localizeSegments } from './locales.ts';
import type { PdfMetadata, PdfPrinter, PrintJob, Signer } from './ports.ts';
import { printSignedNotice } from './signed-notice.ts';
import { compileTemplates, type TemplateSet, trustedCss } from './templates.ts';
import { letterheadView } from './view-model.ts';

/** Everything one notice is made from. */
export interface NoticeContext {
  decision: Decision;
  district: DistrictProfile;
  locale: Locale;
  type: NoticeDocumentType;
  /** The entry's date: the review's due date, or the day rights transfer. */
  dueDate: CalendarDate;
  /** The day the notice is issued, in the district's time zone (set by the renderer when signing). */
  issuedOn?: CalendarDate;
}

/** The id of a decision version's notice in one language (deterministic: a retry finds it). */
export function noticeDocumentId(
  decision: Pick<Decision, 'districtId' | 'decisionId' | 'version'>,
  type: NoticeDocumentType,
  language: string,
): string {
  return documentIdOf({ ...decision, type, language });
}

/** What the notice template shows (every key present: the template runs in strict mode). */
export function noticeView(ctx: NoticeContext) {
  const { decision: d, district, locale: t } = ctx;
  const texts = ctx.type === 'annual-review-notice' ? t.notice.annualReview : t.notice.majority;
  const date = formatDate(ctx.dueDate, t);
  const student = `${d.student.firstName} ${d.student.lastName}`;
  return {
    t,
    locale: t.locale,
    direction: t.direction,
    title: texts.title,
    subject: interpolate(texts.subject, { date }),
    issued: ctx.issuedOn ? formatDate(ctx.issuedOn, t) : null,
    studentName: student,
    dateLabel: texts.dateLabel,
    date,
    body: interpolate(texts.body, {
      student,
      date,
      age: stateLaw(district.state).ageOfMajority,
    }),
    next: texts.next,
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

/** What {@link NoticeRenderer} needs (the engine's printer and signer fit). */
export interface NoticeRendererDeps {
  printer: PdfPrinter;
  signer: Signer;
  clock: () => Date;
  /** Time-stamps and validation data (B-T/B-LT), as the documents have; absent: B-B. */
  trust?: SigningTrust;
  templates?: TemplateSet;
  locales?: Map<string, Locale>;
}

/** Renders and signs calendar notices. Built once per process. */
export class NoticeRenderer {
  readonly #deps: NoticeRendererDeps;
  readonly #templates: TemplateSet;
  readonly #locales: Map<string, Locale>;

  constructor(deps: NoticeRendererDeps) {
    this.#deps = deps;
    this.#templates = deps.templates ?? compileTemplates();
    this.#locales = deps.locales ?? loadLocales();
  }

  /**
   * The locales notices can be written in: those with the `notice` texts (a locale added
   * before its notice was translated is left out, so the notice goes out in English).
   */
  get languages(): string[] {
    return [...this.#locales.entries()]
      .filter(([, locale]) => (locale as Partial<Locale>).notice !== undefined)
      .map(([tag]) => tag);
  }

  /** The HTML of a notice (no running header or footer: one page, the letterhead says who). */
  compose(ctx: NoticeContext): PrintJob {
    const view = noticeView(ctx);
    const fonts = fontFaceCss(JSON.stringify(view));
    const styles = trustedCss(`${fonts}\n${this.#templates.documentCss}`);
    return {
      html: this.#templates.notice({ ...view, styles, runningText: '' }),
    };
  }

  /** A signed notice in `language` (a locale this renderer has). */
  async render(
    input: Omit<NoticeContext, 'locale'> & { language: string },
  ): Promise<RenderedDocument> {
    const locale = this.#locales.get(input.language);
    if (!locale || !this.languages.includes(input.language))
      throw new Error(`no notice texts in locale ${input.language}`);
    const ctx: NoticeContext = {
      ...input,
      locale,
      issuedOn: calendarDateIn(this.#deps.clock(), input.district.timeZone),
    };
    const id = noticeDocumentId(ctx.decision, ctx.type, locale.locale);
    const t0 = performance.now();
    const job = this.compose(ctx);
    const templateMs = performance.now() - t0;
    const view = noticeView(ctx);
    const metadata: PdfMetadata = {
      title: view.title,
      author: ctx.district.name,
      subject: view.subject,
      language: locale.locale,
      keywords: [id, ctx.decision.decisionId, `v${ctx.decision.version}`],
    };
    return printSignedNotice(this.#deps, job, {
      documentId: id,
      type: ctx.type,
      language: locale.locale,
      district: ctx.district,
      metadata,
      templateMs,
    });
  }
}
