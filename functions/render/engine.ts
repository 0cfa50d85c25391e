/**
 * The document engine: a decision becomes its official documents. Validated
 * decision in; for each planned document: template → HTML → PDF → signature.
 * No AWS here: the pipeline, the CLI and the benchmark all call this.
 */
import { createHash } from 'node:crypto';
import { checkCompleteness } from '../core/completeness.ts';
import type { Decision } from '../core/decision.ts';
import type { DistrictDirectory, DistrictProfile } from '../core/district.ts';
import {
  type DocumentPlan,
  type DocumentType,
  documentId,
  planDocuments,
} from '../core/documents.ts';
import { UnknownDistrict } from '../core/errors.ts';
import type { Problem } from '../core/problems.ts';
import { fontFaceCss } from './fonts.ts';
import { formatDate, type Locale, loadLocales } from './locales.ts';
import type { PdfMetadata, PdfPrinter, PrintJob, Signer } from './ports.ts';
import { addMetadata, pdfPageCount, signPdf } from './signing/index.ts';
import { compileTemplates, type TemplateSet, trustedCss } from './templates.ts';
import { type DocumentContext, iepView, priorWrittenNoticeView } from './view-model.ts';

/** What a document's `htmlSha256` is: equal print jobs make equal documents (signatures aside). */
export function printJobSha256(job: PrintJob): string {
  return sha256(job.html + job.headerTemplate + job.footerTemplate);
}

/** One rendered document. */
export interface RenderedDocument {
  documentId: string;
  type: DocumentType;
  language: string;
  pdf: Uint8Array;
  sha256: string;
  /** SHA-256 of the HTML printed: equal HTML means an equal document (signatures always differ). */
  htmlSha256: string;
  pages: number;
  bytes: number;
  signed: boolean;
  /** Milliseconds per stage. */
  timings: { template: number; pdf: number; sign: number };
}

/** What the engine made of a decision. */
export type EngineResult =
  | { kind: 'documents'; draft: boolean; plan: DocumentPlan; documents: RenderedDocument[] }
  | { kind: 'rejected'; problems: Problem[] }
  | { kind: 'withdrawn' };

/** What the engine needs; built once per process. */
export interface EngineDeps {
  printer: PdfPrinter;
  signer: Signer;
  districts: DistrictDirectory;
  /** The signer's name as shown in the signature (e.g. the district). */
  clock: () => Date;
  templates?: TemplateSet;
  locales?: Map<string, Locale>;
  /** The language districts write decision text in (default English). */
  decisionTextLanguage?: string;
}

/** The text of a header or footer template (tags and styles removed, entities decoded enough for font choice). */
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

  /** The locales this engine can produce. */
  get languages(): string[] {
    return [...this.#locales.keys()];
  }

  /** The documents a decision yields, before rendering. */
  plan(decision: Decision): DocumentPlan {
    return planDocuments(decision, this.languages);
  }

  /**
   * Renders a decision: a finalized, complete decision gets signed documents; a draft gets
   * unsigned, watermarked previews listing what is missing; a withdrawn one gets nothing.
   */
  async render(decision: Decision, options: { rendition?: number } = {}): Promise<EngineResult> {
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
    const problems = checkCompleteness(decision);
    const draft = decision.status === 'draft';
    if (!draft && problems.length > 0) return { kind: 'rejected', problems };

    const plan = this.plan(decision);
    const documents: RenderedDocument[] = [];
    for (const { type, language } of plan.documents) {
      documents.push(
        await this.renderDocument({
          decision,
          district,
          type,
          locale: this.#locale(language),
          documentId: documentId({ ...decision, type, language, rendition: options.rendition }),
          draft: draft ? { problems } : null,
          decisionTextLanguage: this.#deps.decisionTextLanguage ?? 'en',
        }),
      );
    }
    return { kind: 'documents', draft, plan, documents };
  }

  /** The HTML and running header/footer of one document. */
  compose(ctx: DocumentContext): PrintJob {
    const view = ctx.type === 'iep' ? iepView(ctx) : priorWrittenNoticeView(ctx);
    // Fonts are chosen from the text as printed (a first pass without styles), so a document
    // carries only the faces, and of a CJK font only the chunks, its own text uses.
    const runningText = `${textOf(this.#templates.header({ ...view, runningCss: '' }))} ${textOf(
      this.#templates.footer({ ...view, runningCss: '' }),
    )} 0123456789`;
    const bodyText = textOf(
      this.#templates.documents[ctx.type]({ ...view, styles: '', runningText }),
    );
    const fonts = fontFaceCss(`${bodyText} ${runningText}`);
    const styles = trustedCss(`${fonts}\n${this.#templates.documentCss}`);
    // The header and footer declare only the faces their own text needs: the same data URLs as
    // the page's (which loads them through the warm-up text), so Chromium can paint them.
    const runningCss = trustedCss(
      `${fontFaceCss(runningText, [400])}\n${this.#templates.runningCss}`,
    );
    const headerTemplate = this.#templates.header({ ...view, runningCss });
    const footerTemplate = this.#templates.footer({ ...view, runningCss });
    return {
      html: this.#templates.documents[ctx.type]({ ...view, styles, runningText }),
      headerTemplate,
      footerTemplate,
    };
  }

  async renderDocument(ctx: DocumentContext): Promise<RenderedDocument> {
    const t0 = performance.now();
    const job = this.compose(ctx);
    const t1 = performance.now();
    const printed = await this.#deps.printer.print(job);
    const t2 = performance.now();
    const metadata = this.#metadata(ctx);
    const pdf = ctx.draft
      ? addMetadata(printed, metadata)
      : await signPdf(printed, {
          signer: this.#deps.signer,
          reason: ctx.district.signing.reason,
          location: ctx.district.signing.location,
          signerName: ctx.district.name,
          signingTime: this.#deps.clock(),
          metadata,
        });
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
      timings: { template: t1 - t0, pdf: t2 - t1, sign: t3 - t2 },
    };
  }

  #locale(language: string): Locale {
    const locale = this.#locales.get(language);
    if (!locale) throw new Error(`no locale ${language}`);
    return locale;
  }

  #metadata(ctx: DocumentContext): PdfMetadata {
    const t = ctx.locale;
    const date = formatDate(ctx.decision.meeting.date, t);
    const title = ctx.type === 'iep' ? t.iep.title : t.pwn.title;
    return {
      title: `${title} — ${date}`,
      author: ctx.district.name,
      subject:
        ctx.type === 'iep'
          ? t.iep.subject.replace('{date}', date)
          : t.pwn.subject.replace('{date}', date),
      language: t.locale,
      keywords: [ctx.documentId, ctx.decision.decisionId, `v${ctx.decision.version}`],
    };
  }
}
