/**
 * The document engine's vocabulary: what it needs (`EngineDeps`, `SigningTrust`), how to ask it
 * (`RenderOptions`) and what it hands back (`RenderedDocument`, `EngineResult`, `EngineStream`).
 * Apart from engine.ts so the engine file holds only the work; engine.ts re-exports them.
 */
import type { DistrictDirectory, DistrictProfile } from '../core/district.ts';
import type { DocumentPlan, DocumentType } from '../core/documents.ts';
import type { Problem } from '../core/problems.ts';
import type { TranslationItem } from '../core/translation.ts';
import type { Locale } from './locales.ts';
import type { PdfPrinter, Signer } from './ports.ts';
import type { SignatureLevel, TimestampAuthority, ValidationData } from './signing/index.ts';
import type { TemplateSet } from './templates.ts';

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
  /** The PAdES baseline level of the signature (absent for an unsigned draft). */
  level?: SignatureLevel;
  /** Milliseconds per stage. */
  timings: { template: number; pdf: number; sign: number };
  /** The HTML printed (fonts by the printer's URLs): only when asked for (`html: true`). */
  html?: string;
}

/** How to render: a rendition number for a re-render, and whether to keep each HTML. */
export interface RenderOptions {
  rendition?: number;
  html?: boolean;
  /** Translations items written apart from the decision (the translations table, a file). */
  translations?: readonly TranslationItem[];
  /** Leave out the documents of languages whose translation is pending (official sets). */
  withholdPending?: boolean;
  /** Only the documents in these languages (a later translation's set). */
  languages?: readonly string[];
}

/** What the engine made of a decision. */
export type EngineResult =
  | { kind: 'documents'; draft: boolean; plan: DocumentPlan; documents: RenderedDocument[] }
  | { kind: 'rejected'; problems: Problem[] }
  | { kind: 'withdrawn' };

/**
 * What the engine made of a decision, its documents handed over one at a time as each is
 * signed (see `renderEach`).
 */
export type EngineStream =
  | {
      kind: 'documents';
      draft: boolean;
      plan: DocumentPlan;
      /** The plan's documents in the plan's order; each is rendered when the previous one is taken. */
      documents: AsyncIterable<RenderedDocument>;
    }
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
  /** Time-stamps and validation data (PAdES B-T/B-LT); without them signatures are B-B. */
  trust?: SigningTrust;
}

/** Where a district's signatures get their time-stamp and their validation data. */
export interface SigningTrust {
  /** The district's time-stamping authority, or undefined for none. */
  timestampAuthority(district: DistrictProfile): TimestampAuthority | undefined;
  /** The chain and CRLs for the DSS (B-LT), or undefined when there are none. */
  validationData(): Promise<ValidationData | undefined>;
  /**
   * The chain and CRLs of the district's time-stamping authority itself, when they are not
   * among the signer's (a third-party authority); the DSS needs them too for B-LT.
   */
  timestampValidationData?(district: DistrictProfile): Promise<ValidationData | undefined>;
}
