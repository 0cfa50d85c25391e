/**
 * The "Parent response" PDF: a parent's signed online answer (the answer, the items excepted,
 * the e-sign consent text and its version, the typed signature, the date and time), printed by
 * the same Chromium and signed by the district's signer like every document, so it verifies
 * (`iep-docs verify`) and the parent's emailed copy is the record's own bytes.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { DistrictProfile } from '../core/district.ts';
import { templatesDir } from './assets.ts';
import { printJobSha256, type RenderedDocument, type SigningTrust } from './engine.ts';
import { fontFaceCss } from './fonts.ts';
import { interpolate } from './locales.ts';
import type { PdfPrinter, Signer } from './ports.ts';
import { pdfPageCount, signPdf } from './signing/index.ts';
import { trustedCss } from './templates.ts';
import { trustedSigning } from './trusted-signing.ts';

const CSS = `body{font-family:'Noto Sans',sans-serif;font-size:11pt;line-height:1.45;color:#111;margin:0}
main{margin:18mm 20mm}h1{font-size:18pt;margin:4mm 0 6mm}h2{font-size:12pt;margin-top:8mm}
.district{font-weight:bold}table{border-collapse:collapse;width:100%}
th,td{border:0.5pt solid #777;padding:2mm 3mm;text-align:start;vertical-align:top}th{width:38%}
.signed{margin-top:8mm;font-style:italic}`;

/** The response texts of one language (templates/response/locales/<tag>.json). */
type ResponseTexts = typeof import('../../templates/response/locales/en.json');

/** What the PDF shows of a recorded answer (pipeline/response-ports.ts's ResponseRecord fits). */
export interface ResponseDocumentRecord {
  decisionId: string;
  responseKey: string;
  responseId: string;
  districtId: string;
  version: number;
  supersedes?: string;
  response: 'agree' | 'agree-except' | 'refuse' | 'meeting';
  except: readonly string[];
  message?: string;
  signature: string;
  esignConsentVersion: string;
  signedAt: string;
}

/** What one answer's PDF is made from. */
export interface ResponseDocumentInput {
  record: ResponseDocumentRecord;
  district: DistrictProfile;
  texts: ResponseTexts;
  /** The page's language if its texts exist, else `en` (the texts given). */
  language: string;
  studentName: string;
  /** Labels of the excepted ids (service names, section names), by id. */
  itemLabels: ReadonlyMap<string, string>;
}

export interface ResponseDocumentDeps {
  printer: PdfPrinter;
  signer: Signer;
  trust?: SigningTrust;
  dir?: string;
}

/** The document id of an answer's PDF (`doc_` and 24 hex digits, like every document's). */
export function responseDocumentId(
  record: Pick<ResponseDocumentRecord, 'districtId' | 'decisionId' | 'responseKey'>,
): string {
  const material = [
    record.districtId,
    record.decisionId,
    'parent-response',
    record.responseKey,
  ].join('\u0000');
  return `doc_${createHash('sha256').update(material).digest('hex').slice(0, 24)}`;
}

/** Renders and signs answers' PDFs. Built once per process. */
export class ResponseDocumentRenderer {
  readonly #template: (data: object) => string;

  constructor(private readonly deps: ResponseDocumentDeps) {
    const hbs = Handlebars.create();
    this.#template = hbs.compile(
      readFileSync(join(deps.dir ?? templatesDir(), 'response', 'document.hbs'), 'utf8'),
      {
        strict: true,
        knownHelpers: { if: true, each: true },
        knownHelpersOnly: true,
      },
    );
  }

  /** The signed PDF of one recorded answer. */
  async render(input: ResponseDocumentInput): Promise<RenderedDocument> {
    const { record, district } = input;
    const d = input.texts.document;
    const view = responseView(input);
    const styles = trustedCss(`${fontFaceCss(JSON.stringify(view))}\n${CSS}`);
    const job = { html: this.#template({ ...view, styles }) };
    const printed = await this.deps.printer.print(job);
    const id = responseDocumentId(record);
    const pdf = await signPdf(printed, {
      signer: this.deps.signer,
      reason: district.signing.reason,
      location: district.signing.location,
      signerName: district.name,
      signingTime: new Date(record.signedAt),
      metadata: {
        title: d.title,
        author: district.name,
        subject: d.title,
        language: input.language,
        keywords: [id, record.decisionId, `v${record.version}`, record.responseId],
      },
      ...(await trustedSigning(this.deps.trust, district)),
    });
    const sha = createHash('sha256').update(pdf).digest('hex');
    return {
      documentId: id,
      type: 'parent-response',
      language: input.language,
      pdf,
      sha256: sha,
      htmlSha256: printJobSha256(job),
      pages: pdfPageCount(pdf),
      bytes: pdf.byteLength,
      signed: true,
      timings: { template: 0, pdf: 0, sign: 0 },
    };
  }
}

/** What the template shows of one answer: its rows, the e-sign text agreed to, the signer. */
function responseView(input: ResponseDocumentInput) {
  const { record, district, texts: t } = input;
  const d = t.document;
  const vars = { district: district.name, phone: district.phone, email: district.email };
  const signedAt = new Intl.DateTimeFormat(input.language, {
    dateStyle: 'long',
    timeStyle: 'long',
    timeZone: district.timeZone,
  }).format(new Date(record.signedAt));
  const rows = [
    { label: d.student, lines: [input.studentName] },
    {
      label: d.offer,
      lines: [
        interpolate(d.offerValue, { decisionId: record.decisionId, version: record.version }),
      ],
    },
    { label: d.answer, lines: [t.answers[record.response]] },
    {
      label: d.excepted,
      lines: record.except.length
        ? record.except.map((id) => input.itemLabels.get(id) ?? id)
        : [d.none],
    },
    ...(record.message ? [{ label: d.message, lines: [record.message] }] : []),
    { label: d.signature, lines: [record.signature] },
    { label: d.signedAt, lines: [signedAt] },
    { label: d.responseId, lines: [record.responseId] },
  ];
  return {
    lang: input.language,
    title: d.title,
    district: district.name,
    rows,
    esignHeading: interpolate(d.esign, { version: record.esignConsentVersion }),
    esignTexts: t.esignTexts.map((p) => interpolate(p, vars)),
    esignAgreed: t.esign,
    supersedes: record.supersedes
      ? interpolate(d.supersedes, { previous: record.supersedes })
      : null,
    signedBy: interpolate(d.signedBy, vars),
  };
}
