/**
 * The document engine: a decision becomes its official documents. Validated
 * decision in; for each planned document: template → HTML → PDF → signature.
 * No AWS here: the pipeline, the CLI and the benchmark all call this.
 */
import { createHash } from 'node:crypto';
import { checkCompleteness } from '../core/completeness.ts';
import type { Decision } from '../core/decision.ts';
import type { DistrictProfile } from '../core/district.ts';
import { type DocumentPlan, documentId, planDocuments } from '../core/documents.ts';
import { UnknownDistrict } from '../core/errors.ts';
import { matchLocale } from '../core/languages.ts';
import { completeTranslation, translatedDecision } from '../core/translated-decision.ts';
import type { TranslationItem } from '../core/translation.ts';
import { withTranslations } from '../core/translation-plan.ts';
import {
  consentFormContent,
  documentTexts,
  summaryOfPerformanceContent,
} from './consent-exit-view.ts';
import type {
  EngineDeps,
  EngineResult,
  EngineStream,
  RenderedDocument,
  RenderOptions,
  SigningTrust,
} from './engine-types.ts';
import { fontFaceCss } from './fonts.ts';
import { iepView } from './iep-view.ts';
import { formatDate, type Locale, loadLocales } from './locales.ts';
import type { PdfMetadata, PdfPrinter, PrintJob, Signer } from './ports.ts';
import { withLongDates } from './prose-dates.ts';
import { runningCss, runningText } from './running.ts';
import { addMetadata, pdfPageCount, signPdfAtLevel } from './signing/index.ts';
import { compileTemplates, type TemplateSet, trustedCss } from './templates.ts';
import { trustedSigning } from './trusted-signing.ts';
import { common, type DocumentContext, priorWrittenNoticeView } from './view-model.ts';
import { wordsUsed } from './words.ts';

/** What a document's `htmlSha256` is: equal print jobs make equal documents (signatures aside). */
export function printJobSha256(job: PrintJob): string {
  return sha256(job.html);
}

export type {
  EngineDeps,
  EngineResult,
  EngineStream,
  RenderedDocument,
  RenderOptions,
  SigningTrust,
} from './engine-types.ts';

/** The text of rendered HTML (tags and styles removed, entities decoded enough for font choice). */
function textOf(template: string): string {
  return template
    .replace(/<style>[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[#\w]+;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/** The document engine. */
export class DocumentEngine {
  readonly #deps: EngineDeps;
  readonly #templates: TemplateSet;
  readonly #locales: Map<string, Locale>;

  constructor(deps: EngineDeps) {
    this.#deps = deps;
    this.#templates = deps.templates ?? compileTemplates();
    this.#locales = deps.locales ?? loadLocales();
  }

  /** The warm printer (shared with notices and cover letters). */
  get printer(): PdfPrinter {
    return this.#deps.printer;
  }

  /** The signing identity. */
  get signer(): Signer {
    return this.#deps.signer;
  }
  /** Where signatures get their time-stamp and validation data (none: B-B). */
  get trust(): SigningTrust | undefined {
    return this.#deps.trust;
  }

  /** The locales this engine can produce. */
  get languages(): string[] {
    return [...this.#locales.keys()];
  }

  /** The documents a decision yields, before rendering. */
  plan(
    decision: Decision,
    translations: readonly TranslationItem[] = [],
    withholdPending = false,
  ): DocumentPlan {
    return withTranslations(
      planDocuments(decision, this.languages),
      decision,
      this.#deps.decisionTextLanguage ?? 'en',
      translations,
      withholdPending,
    );
  }

  /**
   * Renders a decision: a finalized, complete decision gets signed documents; a draft gets
   * unsigned, watermarked previews listing what is missing; a withdrawn one gets nothing.
   */
  async render(decision: Decision, options: RenderOptions = {}): Promise<EngineResult> {
    const result = await this.renderEach(decision, options);
    if (result.kind !== 'documents') return result;
    const documents: RenderedDocument[] = [];
    for await (const document of result.documents) documents.push(document);
    return { ...result, documents };
  }

  /**
   * As `render`, but hands the documents over one at a time, so a caller can store one while
   * the next renders instead of holding every PDF until the last is signed. The next document
   * is rendered only when the caller asks for it (one render at a time, no read-ahead).
   */
  async renderEach(decision: Decision, options: RenderOptions = {}): Promise<EngineStream> {
    let district: DistrictProfile;
    try {
      district = this.#deps.districts.get(decision.districtId);
    } catch (error) {
      if (!(error instanceof UnknownDistrict)) throw error;
      return {
        kind: 'rejected',
        problems: [
          {
            path: 'districtId',
            message: `no district profile for "${decision.districtId}": this deployment serves ${this.#deps.districts.ids.join(', ') || 'no district'}`,
            rule: 'district-profile',
          },
        ],
      };
    }
    if (decision.status === 'withdrawn') return { kind: 'withdrawn' };
    const problems = checkCompleteness(decision, { state: district.state });
    const draft = decision.status === 'draft';
    if (!draft && problems.length > 0) return { kind: 'rejected', problems };

    const planned = this.plan(decision, options.translations, options.withholdPending);
    const only = options.languages;
    const plan = only
      ? { ...planned, documents: planned.documents.filter((d) => only.includes(d.language)) }
      : planned;
    const engine = this;
    const textLanguage = this.#deps.decisionTextLanguage ?? 'en';
    async function* documents(): AsyncGenerator<RenderedDocument> {
      for (const { type, language } of plan.documents) {
        // A complete translation prints in place of the district's text (300.503(c)).
        const translation = plan.translated?.includes(language)
          ? completeTranslation(decision, language, options.translations)
          : undefined;
        yield await engine.renderDocument(
          {
            decision: translation ? translatedDecision(decision, translation) : decision,
            district,
            type,
            locale: engine.#locale(language),
            documentId: documentId({ ...decision, type, language, rendition: options.rendition }),
            draft: draft ? { problems } : null,
            decisionTextLanguage: translation ? language : textLanguage,
          },
          { html: options.html },
        );
      }
    }
    return { kind: 'documents', draft, plan, documents: documents() };
  }

  /** The HTML of one document, its running header and footer included. */
  compose(ctx: DocumentContext): PrintJob {
    // Dates the district typed into its text are written as that text's language writes them.
    const view = withLongDates(documentView(ctx), this.#textLocale(ctx.decisionTextLanguage));
    // Fonts are chosen from the text as printed (a first pass without styles), so a document
    // carries only the faces, and of a CJK font only the chunks, its own text uses. The same
    // pass says which glossary words the document uses.
    const running = runningText(view.running);
    const bodyText = textOf(
      this.#templates.documents[ctx.type]({ ...view, words: [], styles: '', runningText: running }),
    );
    const words = wordsUsed(bodyText, ctx.locale);
    const wordsText = words.map((w) => `${w.term} ${w.definition}`).join(' ');
    const fonts = fontFaceCss(`${bodyText} ${wordsText} ${running}`);
    const styles = trustedCss(
      `${fonts}\n${this.#templates.documentCss}\n${runningCss(view.running, view.direction === 'rtl' ? 'rtl' : 'ltr')}`,
    );
    return {
      html: this.#templates.documents[ctx.type]({ ...view, words, styles, runningText: running }),
    };
  }

  async renderDocument(
    ctx: DocumentContext,
    options: { html?: boolean } = {},
  ): Promise<RenderedDocument> {
    const t0 = performance.now();
    const job = this.compose(ctx);
    const t1 = performance.now();
    const printed = await this.#deps.printer.print(job);
    const t2 = performance.now();
    const metadata = this.#metadata(ctx);
    const signed = ctx.draft
      ? { pdf: addMetadata(printed, metadata), level: undefined }
      : await signPdfAtLevel(printed, {
          signer: this.#deps.signer,
          reason: ctx.district.signing.reason,
          location: ctx.district.signing.location,
          signerName: ctx.district.name,
          signingTime: this.#deps.clock(),
          metadata,
          ...(await trustedSigning(this.#deps.trust, ctx.district)),
        });
    const { pdf } = signed;
    const t3 = performance.now();
    return {
      documentId: ctx.documentId,
      type: ctx.type,
      language: ctx.locale.locale,
      pdf,
      sha256: sha256(pdf),
      htmlSha256: printJobSha256(job),
      pages: pdfPageCount(pdf),
      bytes: pdf.byteLength,
      signed: !ctx.draft,
      ...(signed.level ? { level: signed.level } : {}),
      timings: { template: t1 - t0, pdf: t2 - t1, sign: t3 - t2 },
      ...(options.html ? { html: job.html } : {}),
    };
  }

  /** The locale of the district's own text (English where the product has no such locale). */
  #textLocale(language: string): Locale {
    const tag = matchLocale(language, this.languages) ?? 'en';
    return this.#locale(tag);
  }

  #locale(language: string): Locale {
    const locale = this.#locales.get(language);
    if (!locale) throw new Error(`no locale ${language}`);
    return locale;
  }

  #metadata(ctx: DocumentContext): PdfMetadata {
    const t = ctx.locale;
    const date = formatDate(ctx.decision.meeting.date, t);
    const texts = documentTexts(ctx.type, t);
    return {
      title: `${texts.title} — ${date}`,
      author: ctx.district.name,
      subject: texts.subject.replace('{date}', date),
      language: t.locale,
      keywords: [ctx.documentId, ctx.decision.decisionId, `v${ctx.decision.version}`],
    };
  }
}

/** The view of one meeting document, by its type. */
export function documentView(ctx: DocumentContext) {
  switch (ctx.type) {
    case 'iep':
      return iepView(ctx);
    case 'prior-written-notice':
      return priorWrittenNoticeView(ctx);
    case 'consent-form':
      return { ...common(ctx), form: consentFormContent(ctx) };
    case 'summary-of-performance':
      return { ...common(ctx), summary: summaryOfPerformanceContent(ctx) };
  }
}
