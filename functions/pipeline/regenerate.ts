/**
 * The regenerate use case: a finalized decision version is rendered again (after a template
 * or profile change) and each of its documents whose printed HTML changed gets a NEW rendition
 * beside the old one, under its own id and S3 key. Nothing is ever overwritten.
 *
 * Exactly once per job, however often an item is delivered: the job's ledger (the `runs`
 * table) is written last, with a conditional put. Before it, each step is idempotent: the HTML
 * is compared with the latest rendition's (a retry after a crash finds the rendition it made
 * and sees the same HTML), the PDF goes to a key derived from the rendition, and the record is
 * written with attribute_not_exists(documentId).
 *
 * A language's documents are rendered from the version's complete translation (embedded, or
 * written later to the translations table), as when the version was first processed; a
 * language still waiting for its translation gets no document (never the team's English under
 * that language's label: 34 CFR 300.503(c)(1)(ii)).
 */
import type { Decision } from '../core/decision.ts';
import type { DistrictDirectory } from '../core/district.ts';
import { documentId, type MeetingDocumentType } from '../core/documents.ts';
import { completeTranslation, translatedDecision } from '../core/translated-decision.ts';
import type { TranslationItem } from '../core/translation.ts';
import { checkDecision } from '../core/validate.ts';
import { type DocumentEngine, printJobSha256 } from '../render/engine.ts';
import type { Locale } from '../render/locales.ts';
import type { DocumentRecord, DocumentRecords, DocumentStore, Log } from './ports.ts';
import type { TranslationReader } from './render-decision.ts';
import { storeDocumentOnce } from './store-document.ts';

/** One unit of a regeneration job: an SQS message body in AWS, an IPC message locally. */
export interface RegenerateItem {
  decisionId: string;
  version: number;
  jobId: string;
}

/** The ledger key of an item within its job. */
export function itemKey(item: Pick<RegenerateItem, 'decisionId' | 'version'>): string {
  return `${item.decisionId}#v${item.version}`;
}

/** What regenerating one item did. */
export interface RegenerateResult {
  item: RegenerateItem;
  /** `done`: processed now; `already-done`: the job's ledger had it; `not-found`: no finalized item. */
  state: 'done' | 'already-done' | 'not-found';
  /** New renditions created (their document ids). */
  created: string[];
  /** Documents whose HTML had not changed. */
  unchanged: number;
}

/** One finished item in a job's ledger. */
export interface RunEntry {
  jobId: string;
  itemKey: string;
  created: string[];
  unchanged: number;
  finishedAt: string;
}

/** The `runs` table as a regeneration job sees it. */
export interface RunLedger {
  /** True when the item is recorded as finished. */
  isDone(jobId: string, itemKey: string): Promise<boolean>;
  /** Records a finished item unless it is recorded; false when it was. */
  finishOnce(entry: RunEntry): Promise<boolean>;
  /** Every finished item of a job. */
  finished(jobId: string): Promise<RunEntry[]>;
}

/** Reads a decision item as the district wrote it. */
export interface DecisionItems {
  get(decisionId: string, version: number): Promise<unknown | undefined>;
}

/** The engine parts regeneration uses (compose to compare, renderDocument to print and sign). */
export type RegenerationEngine = Pick<DocumentEngine, 'plan' | 'compose' | 'renderDocument'>;

export interface RegenerateDeps {
  engine: RegenerationEngine;
  districts: DistrictDirectory;
  locales: Map<string, Locale>;
  decisions: DecisionItems;
  records: DocumentRecords;
  store: DocumentStore;
  ledger: RunLedger;
  signerName: string;
  clock: () => Date;
  log: Log;
  /** The language districts write decision text in (default English), as the engine's. */
  decisionTextLanguage?: string;
  /** The translations table (translations written after the version); embedded ones are read always. */
  translations?: TranslationReader;
}

/** The hash the engine records as `htmlSha256` for a print job. */
export { printJobSha256 };

export class Regenerate {
  constructor(private readonly deps: RegenerateDeps) {}

  /** Regenerates one decision version for a job; throws only on infrastructure failure. */
  async process(item: RegenerateItem): Promise<RegenerateResult> {
    const { ledger, log } = this.deps;
    const key = itemKey(item);
    if (await ledger.isDone(item.jobId, key))
      return { item, state: 'already-done', created: [], unchanged: 0 };

    const checked = checkDecision(await this.deps.decisions.get(item.decisionId, item.version));
    if (checked.kind !== 'checked' || checked.decision.status !== 'finalized') {
      log.warn('regeneration item is not a finalized decision', {
        decisionId: item.decisionId,
        version: item.version,
      });
      await this.finish(item, [], 0);
      return { item, state: 'not-found', created: [], unchanged: 0 };
    }
    const { decision } = checked;
    const existing = (await this.deps.records.listForDecision(decision.decisionId)).filter(
      (r) => r.version === decision.version,
    );
    const items =
      (await this.deps.translations?.forVersion(decision.decisionId, decision.version)) ?? [];
    const created: string[] = [];
    let unchanged = 0;
    // Store of document k overlaps the composition and print of document k+1.
    let storing: Promise<void> = Promise.resolve();
    const plan = this.deps.engine.plan(decision, items, true);
    for (const { type, language } of plan.documents) {
      const text = printedText(decision, language, plan.translated, items, this.deps);
      const latest = latestRendition(existing, type, language);
      if (
        latest &&
        this.composedSha256(text, type, language, latest.rendition) === latest.htmlSha256
      ) {
        unchanged += 1;
        continue;
      }
      const rendition = latest ? latest.rendition + 1 : 1;
      const rendered = await this.deps.engine.renderDocument(
        this.context(text, type, language, rendition),
      );
      const previous = storing;
      storing = (async () => {
        await previous;
        if (await this.store(decision, rendition, rendered)) created.push(rendered.documentId);
        else unchanged += 1;
      })();
      // A failed store must not be left unobserved while the next document renders.
      storing.catch(() => undefined);
    }
    await storing;
    await this.finish(item, created, unchanged);
    log.info('decision regenerated', {
      decisionId: item.decisionId,
      version: item.version,
      jobId: item.jobId,
      created: created.length,
      unchanged,
    });
    return { item, state: 'done', created, unchanged };
  }

  /** `text`: the decision as the language's documents print it (translated, or as written). */
  private context(
    text: { decision: Decision; textLanguage: string },
    type: MeetingDocumentType,
    language: string,
    rendition: number,
  ) {
    const locale = this.deps.locales.get(language);
    if (!locale) throw new Error(`no locale ${language}`);
    const { decision } = text;
    return {
      decision,
      district: this.deps.districts.get(decision.districtId),
      type,
      locale,
      documentId: documentId({ ...decision, type, language, rendition }),
      draft: null,
      decisionTextLanguage: text.textLanguage,
    };
  }

  /** The HTML hash the document would have today, under the id of the given rendition. */
  private composedSha256(
    text: { decision: Decision; textLanguage: string },
    type: MeetingDocumentType,
    language: string,
    rendition: number,
  ): string {
    return printJobSha256(this.deps.engine.compose(this.context(text, type, language, rendition)));
  }

  /** Stores a new rendition once; false when a crashed attempt had already recorded it. */
  private async store(
    decision: Decision,
    rendition: number,
    doc: Awaited<ReturnType<RegenerationEngine['renderDocument']>>,
  ): Promise<boolean> {
    const { records, store } = this.deps;
    if (await records.get(doc.documentId)) return false;
    const { signerName, clock } = this.deps;
    const now = () => clock().toISOString();
    return (await storeDocumentOnce({ records, store, signerName, now }, decision, doc, rendition))
      .created;
  }

  private async finish(item: RegenerateItem, created: string[], unchanged: number) {
    await this.deps.ledger.finishOnce({
      jobId: item.jobId,
      itemKey: itemKey(item),
      created,
      unchanged,
      finishedAt: this.deps.clock().toISOString(),
    });
  }
}

/**
 * The decision as a language's documents print it: the language's complete translation in
 * place of the district's text (as the engine's render does), or the text as written.
 */
function printedText(
  decision: Decision,
  language: string,
  translated: readonly string[] | undefined,
  items: readonly TranslationItem[],
  deps: Pick<RegenerateDeps, 'decisionTextLanguage'>,
): { decision: Decision; textLanguage: string } {
  const translation = translated?.includes(language)
    ? completeTranslation(decision, language, items)
    : undefined;
  return translation
    ? { decision: translatedDecision(decision, translation), textLanguage: language }
    : { decision, textLanguage: deps.decisionTextLanguage ?? 'en' };
}

/** The highest rendition on record of one document of a decision version. */
export function latestRendition(
  records: readonly DocumentRecord[],
  type: string,
  language: string,
): DocumentRecord | undefined {
  return records
    .filter((r) => r.type === type && r.language === language)
    .reduce<DocumentRecord | undefined>(
      (max, r) => (max === undefined || r.rendition > max.rendition ? r : max),
      undefined,
    );
}
