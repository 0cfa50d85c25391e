/**
 * The render-translations use case: a translation that arrives after its decision version was
 * processed (the translations table, written by the district's translation office) becomes that
 * language's documents of that version, and their delivery to the recipients of that language,
 * once (34 CFR 300.503(c)(1)(ii): the notice in the parent's native language).
 *
 * Once, however often the record is delivered: the documents have their own deterministic ids
 * (type and language: the English ones are untouched) and are stored write-once; the delivery
 * job's id is deterministic, and so is each recipient's delivery id (deliver claims it before
 * sending); the outcome's `translated` list is written last, with a condition, as the commit
 * marker (the language leaves `translationPending` in that same write): a retry after it does
 * nothing, a retry before it finds what was done.
 */
import { calendarDateIn } from '../core/dates.ts';
import type { Decision } from '../core/decision.ts';
import type { DistrictDirectory } from '../core/district.ts';
import { matchLocale } from '../core/languages.ts';
import type { Problem } from '../core/problems.ts';
import { recipientsOf } from '../core/recipients.ts';
import {
  checkTranslation,
  parseTranslationItem,
  type TranslationItem,
  translationKey,
} from '../core/translation.ts';
import { checkDecision } from '../core/validate.ts';
import type { DecisionReader } from './delivery-ports.ts';
import type {
  DecisionOutcome,
  DeliveryJob,
  DeliveryQueue,
  DocumentRecord,
  DocumentRecords,
  DocumentStore,
  Log,
  OutcomeStore,
} from './ports.ts';
import type { DecisionRenderer } from './render-decision.ts';
import { storeDocumentOnce } from './store-document.ts';

/** A translations table item as its stream carries it: its key, and its attributes as written. */
export interface TranslationRef {
  decisionId: string;
  translationKey: string;
  item: unknown;
}

/** What processing one translations item did. */
export type TranslationResult =
  | { state: 'rendered'; language: string; documents: DocumentRecord[]; recipientIds: string[] }
  /** Nothing to do: already rendered, not pending, or nothing to deliver it for. */
  | { state: 'skipped'; reason: string }
  /** Not a usable translation: every problem by path (the item is left as written). */
  | { state: 'rejected'; problems: Problem[] };

export interface RenderTranslationDeps {
  decisions: DecisionReader;
  outcomes: OutcomeStore;
  records: DocumentRecords;
  store: DocumentStore;
  renderer: DecisionRenderer;
  queue: DeliveryQueue;
  districts: DistrictDirectory;
  /** The locales the engine produces (the recipients' languages are matched against them). */
  locales: readonly string[];
  signerName: string;
  clock: () => Date;
  log: Log;
}

/** The decision version is in the table but not processed yet: retry (the stream does). */
export class DecisionNotProcessedYet extends Error {
  override readonly name = 'DecisionNotProcessedYet';
}

export class RenderTranslation {
  constructor(private readonly deps: RenderTranslationDeps) {}

  /** Processes one translations item; throws only when a retry can help. */
  async process(ref: TranslationRef): Promise<TranslationResult> {
    const parsed = parseTranslationItem(ref.item);
    if ('problems' in parsed) return this.rejected(ref, parsed.problems);
    const { item } = parsed;
    const key = translationKey(item.version, item.language);
    if (item.decisionId !== ref.decisionId || key !== ref.translationKey)
      return this.rejected(ref, [
        {
          path: 'translationKey',
          message: `the item's key ${ref.decisionId} ${ref.translationKey} does not match its content ${item.decisionId} ${key}`,
        },
      ]);
    const outcome = await this.deps.outcomes.get(item.decisionId, item.version);
    if (!outcome) return this.beforeItsDecision(item);
    // Pending, or translated already (a language leaves `translationPending` when translated).
    const language = matchLocale(item.language, [
      ...(outcome.translationPending ?? []),
      ...(outcome.translated ?? []),
    ]);
    const skip = skipReason(outcome, item, language);
    if (skip || !language) return this.skipped(item, skip ?? 'not pending');

    if (await this.renderedBefore(outcome, language))
      return this.skipped(
        item,
        `the version already has ${language} documents, made before a pending language's documents were withheld; they are not replaced (the district writes a next version with its translations)`,
      );
    const decision = await this.decision(item);
    const problems = checkTranslation(decision, item);
    if (problems.length > 0) return this.rejected(ref, problems);
    const documents = await this.renderAndStore(decision, item, language);
    const recipientIds = this.recipientsIn(decision, language);
    // A version no longer in force keeps its documents on record but is not offered again.
    if (recipientIds.length > 0 && !outcome.supersededBy && !outcome.withdrawnAt)
      await this.deps.queue.enqueue(translatedJob(decision, language, documents, recipientIds));
    const first = await this.deps.outcomes.recordTranslated(
      item.decisionId,
      item.version,
      language,
      documents.map((d) => d.documentId),
    );
    if (first)
      this.deps.log.info('translation rendered', {
        decisionId: item.decisionId,
        version: item.version,
        language,
        documents: documents.length,
      });
    return { state: 'rendered', language, documents, recipientIds };
  }

  /**
   * A translation written before its decision version: when the version is not in the
   * decisions table either, its render will read the translation from the table; when it is
   * there but not processed yet, a retry finds the outcome.
   */
  private async beforeItsDecision(item: TranslationItem): Promise<TranslationResult> {
    if ((await this.deps.decisions.get(item.decisionId, item.version)) === undefined)
      return this.skipped(item, 'no such decision version yet: its render will read this item');
    throw new DecisionNotProcessedYet(
      `${item.decisionId} v${item.version} is not processed yet: the translation waits for it`,
    );
  }

  /**
   * Whether the version's own set already holds documents in the language (a version processed
   * before pending languages were withheld): their ids are the ones a translation would take.
   */
  private async renderedBefore(outcome: DecisionOutcome, language: string): Promise<boolean> {
    for (const id of outcome.documentIds ?? [])
      if ((await this.deps.records.get(id))?.language === language) return true;
    return false;
  }

  private async decision(item: TranslationItem): Promise<Decision> {
    const checked = checkDecision(await this.deps.decisions.get(item.decisionId, item.version));
    if (checked.kind !== 'checked')
      throw new Error(`${item.decisionId} v${item.version} no longer validates`);
    return checked.decision;
  }

  /** The language's documents, rendered from the translation and stored once each. */
  private async renderAndStore(
    decision: Decision,
    item: TranslationItem,
    language: string,
  ): Promise<DocumentRecord[]> {
    const { records, store, signerName, clock } = this.deps;
    const result = await this.deps.renderer.renderEach(decision, {
      translations: [item],
      languages: [language],
    });
    if (result.kind !== 'documents')
      throw new Error(
        `${decision.decisionId} v${decision.version}: the engine gave ${result.kind}`,
      );
    const documents: DocumentRecord[] = [];
    for await (const doc of result.documents) {
      const known = await records.get(doc.documentId);
      if (known) documents.push(known);
      else {
        const now = () => clock().toISOString();
        const stored = await storeDocumentOnce({ records, store, signerName, now }, decision, doc);
        documents.push(stored.record);
      }
    }
    return documents;
  }

  /** The recipients of the decision today whose language this is. */
  private recipientsIn(decision: Decision, language: string): string[] {
    const district = this.deps.districts.get(decision.districtId);
    const today = calendarDateIn(this.deps.clock(), district.timeZone);
    return recipientsOf(decision, today, this.deps.locales, { state: district.state })
      .filter((r) => r.languages[0] === language)
      .map((r) => r.recipientId);
  }

  private skipped(item: TranslationItem, reason: string): TranslationResult {
    this.deps.log.info('translation skipped', {
      decisionId: item.decisionId,
      version: item.version,
      language: item.language,
      reason,
    });
    return { state: 'skipped', reason };
  }

  private rejected(ref: TranslationRef, problems: Problem[]): TranslationResult {
    // Paths only: a message may quote the district's text.
    this.deps.log.warn('translation rejected', {
      decisionId: ref.decisionId,
      translationKey: ref.translationKey,
      paths: problems.map((p) => p.path),
    });
    return { state: 'rejected', problems };
  }
}

/** Why an item produces nothing for its processed version, if it does not. */
function skipReason(
  outcome: DecisionOutcome,
  item: TranslationItem,
  language: string | undefined,
): string | undefined {
  if (outcome.outcome !== 'documents-ready')
    return `the version's outcome is ${outcome.outcome}: no documents to translate`;
  if (outcome.withdrawnAt) return 'the district withdrew the version';
  if (language && outcome.translated?.includes(language))
    return `already rendered in ${language} from an earlier translations item`;
  if (!language)
    return `no recipient's documents wait for a translation into ${item.language} (already translated when rendered, or no recipient of that language)`;
  return undefined;
}

/** `${decisionId}#v${version}#translation#${language}`: one job per language of a version. */
export function translatedJob(
  decision: Pick<Decision, 'decisionId' | 'version' | 'districtId'>,
  language: string,
  documents: readonly DocumentRecord[],
  recipientIds: readonly string[],
): DeliveryJob {
  return {
    jobId: `${decision.decisionId}#v${decision.version}#translation#${language}`,
    kind: 'decision-documents',
    districtId: decision.districtId,
    decisionId: decision.decisionId,
    version: decision.version,
    documentIds: documents.map((d) => d.documentId),
    recipientIds: [...recipientIds],
  };
}
