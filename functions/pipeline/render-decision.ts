/**
 * The render-documents use case: one decision version, as a district wrote it, becomes
 * stored, recorded, signed documents, or a recorded rejection, exactly once.
 *
 * Exactly once, however often a record is delivered: the outcome is written last, with a
 * conditional put, and acts as the commit marker. Before it, every step is idempotent on
 * its own: a PDF goes to S3 under a key derived from the document id (a conditional put on
 * AWS), and its record is written with attribute_not_exists(documentId), so a retry after a
 * crash finds what was done and completes the rest, never making a second document.
 */
import type { Decision } from '../core/decision.ts';
import { calendarClosedReason } from '../core/exit.ts';
import type { TranslationItem } from '../core/translation.ts';
import { checkDecision } from '../core/validate.ts';
import { versionInForce } from '../core/versions.ts';
import type { EngineStream, RenderedDocument, RenderOptions } from '../render/engine.ts';
import type {
  DecisionOutcome,
  DocumentRecord,
  DocumentRecords,
  DocumentStore,
  Log,
  OutcomeStore,
} from './ports.ts';
import { storeDocumentOnce } from './store-document.ts';

/** The engine as the pipeline sees it: documents handed over one at a time, in the plan's order. */
export interface DecisionRenderer {
  renderEach(decision: Decision, options?: RenderOptions): Promise<EngineStream>;
}

/** The translations table, as rendering reads it: a version's translations, every language. */
export interface TranslationReader {
  forVersion(decisionId: string, version: number): Promise<TranslationItem[]>;
}

/** What happens to a decision once its documents are ready (delivery, calendar): must be idempotent. */
export type AfterDocumentsReady = (
  decision: Decision,
  documents: DocumentRecord[],
  outcome: DecisionOutcome,
) => Promise<void>;
/** What happens when a district withdraws a version (cancel its calendar, revoke its links). */
export type AfterWithdrawn = (decisionId: string, version: number) => Promise<void>;

export interface RenderDecisionDeps {
  renderer: DecisionRenderer;
  outcomes: OutcomeStore;
  records: DocumentRecords;
  store: DocumentStore;
  /** The signing certificate's subject, recorded with each document. */
  signerName: string;
  clock: () => Date;
  log: Log;
  afterDocumentsReady?: AfterDocumentsReady;
  afterWithdrawn?: AfterWithdrawn;
  /** Translations written apart from the decision; without it, only the decision's own. */
  translations?: TranslationReader;
}

/** A document of a processed decision, and whether this run created it. */
export interface ProcessedDocument {
  record: DocumentRecord;
  state: 'created' | 'unchanged';
  /** Milliseconds spent signing it, when this run rendered it (for the metrics). */
  signMs?: number;
}

/** What processing one decision version did. */
export interface ProcessResult {
  outcome: DecisionOutcome;
  /** True when the version had already been processed: nothing was done again. */
  alreadyProcessed: boolean;
  documents: ProcessedDocument[];
}

/** The key of a decision item, read even from a record that does not validate. */
export interface DecisionItem {
  decisionId: string;
  version: number;
  /** The item's attributes as plain values. */
  item: unknown;
}

export class RenderDecision {
  constructor(private readonly deps: RenderDecisionDeps) {}

  /** Processes one version of a decision; throws only on infrastructure failure (to be retried). */
  async process({ decisionId, version, item }: DecisionItem): Promise<ProcessResult> {
    const existing = await this.deps.outcomes.get(decisionId, version);
    const checked = checkDecision(item);
    if (existing) {
      const status = checked.kind === 'checked' ? checked.decision.status : undefined;
      return this.again(existing, status);
    }

    const now = this.deps.clock().toISOString();
    if (checked.kind === 'invalid') {
      return this.finish(
        { decisionId, version, outcome: 'rejected', problems: checked.problems, processedAt: now },
        [],
      );
    }
    const { decision } = checked;
    if (decision.decisionId !== decisionId || decision.version !== version) {
      throw new Error(
        `item key ${decisionId} v${version} differs from its content ${decision.decisionId} v${decision.version}`,
      );
    }
    if (decision.status !== 'finalized') return this.skip(decision, now);
    return this.produce(decision, now);
  }

  /** A version processed before: withdrawn since (its links revoked), or nothing to do. */
  private async again(
    existing: DecisionOutcome,
    status: Decision['status'] | undefined,
  ): Promise<ProcessResult> {
    const { decisionId, version } = existing;
    if (status === 'withdrawn' && !existing.withdrawnAt && existing.outcome !== 'dead-lettered') {
      await this.withdraw(decisionId, version);
      this.deps.log.info('version withdrawn after processing', { decisionId, version });
    } else {
      this.deps.log.info('version already processed', {
        decisionId,
        version,
        outcome: existing.outcome,
      });
    }
    return {
      outcome: existing,
      alreadyProcessed: true,
      documents: await this.documentsOf(existing),
    };
  }

  /** A draft, or a version withdrawn before it was processed: skipped with the reason. */
  private async skip(decision: Decision, now: string): Promise<ProcessResult> {
    const { decisionId, version } = decision;
    if (decision.status === 'withdrawn') await this.deps.afterWithdrawn?.(decisionId, version);
    const reason =
      decision.status === 'draft'
        ? 'draft: only finalized decisions produce official documents (preview it with `iep-docs render`)'
        : 'withdrawn: the district withdrew this version before it was processed';
    return this.finish(
      {
        decisionId,
        version,
        districtId: decision.districtId,
        outcome: 'skipped',
        reason,
        processedAt: now,
      },
      [],
    );
  }

  /** A finalized version: the gate, the documents rendered and stored, then the after-render policy. */
  private async produce(decision: Decision, now: string): Promise<ProcessResult> {
    const { decisionId, version } = decision;
    // A language without a complete translation gets no documents of its own yet (300.503(c)):
    // they follow when the translation office writes its translation (render-translation.ts).
    const translations = (await this.deps.translations?.forVersion(decisionId, version)) ?? [];
    const result = await this.deps.renderer.renderEach(decision, {
      translations,
      withholdPending: true,
    });
    if (result.kind === 'rejected') {
      return this.finish(
        {
          decisionId,
          version,
          districtId: decision.districtId,
          outcome: 'rejected',
          problems: result.problems,
          processedAt: now,
        },
        [],
      );
    }
    if (result.kind !== 'documents')
      throw new Error(`unexpected engine result ${result.kind} for a finalized decision`);

    const documents = await this.storeEach(decision, result.documents);
    const newer = await this.versionInForceAbove(decisionId, version);
    const outcome: DecisionOutcome = {
      decisionId,
      version,
      districtId: decision.districtId,
      outcome: documents.length === 0 && decision.exit ? 'calendar-closed' : 'documents-ready',
      ...(documents.length === 0 && decision.exit
        ? { reason: calendarClosedReason(decision.exit) }
        : {}),
      ...(newer ? { supersededBy: newer } : {}),
      documentIds: documents.map((d) => d.record.documentId),
      ...(result.plan.translationNeeded.length > 0
        ? { translationNeeded: result.plan.translationNeeded }
        : {}),
      ...(result.plan.translationPending?.length
        ? { translationPending: result.plan.translationPending }
        : {}),
      processedAt: now,
    };
    await this.deps.afterDocumentsReady?.(
      decision,
      documents.map((d) => d.record),
      outcome,
    );
    return this.finish(outcome, documents);
  }

  /**
   * Stores each document as it is rendered: the S3 put and record of document k overlap the
   * render of document k+1 (storage is I/O, rendering is CPU), one store in flight at most, so
   * at most two PDFs are held at a time. Resolves once every document is stored and recorded,
   * in the plan's order; rejects with the first failure, after any store in flight has settled,
   * so the outcome (the commit marker) is written only when every document is on record.
   */
  private async storeEach(
    decision: Decision,
    rendered: AsyncIterable<RenderedDocument>,
  ): Promise<ProcessedDocument[]> {
    const documents: ProcessedDocument[] = [];
    let storing: Promise<void> = Promise.resolve();
    try {
      for await (const doc of rendered) {
        await storing;
        storing = this.store(decision, doc).then((stored) => {
          documents.push(stored);
        });
        // Observed here, awaited on the next turn: a failure during the next render is not unhandled.
        storing.catch(() => undefined);
      }
      await storing;
    } catch (error) {
      // Whether the render or a store failed, let the store in flight finish before the retry.
      await storing.catch(() => undefined);
      throw error;
    }
    return documents;
  }

  /** Stores one PDF once, and its record once; a retry finds and reuses what a crashed attempt stored. */
  private async store(decision: Decision, doc: RenderedDocument): Promise<ProcessedDocument> {
    const { records, store, signerName, clock, log } = this.deps;
    const known = await records.get(doc.documentId);
    if (known) return { record: known, state: 'unchanged' };

    const now = () => clock().toISOString();
    const { record, created } = await storeDocumentOnce(
      { records, store, signerName, now },
      decision,
      doc,
    );
    if (created)
      log.info('document stored', {
        decisionId: decision.decisionId,
        version: decision.version,
        documentId: doc.documentId,
        s3Key: record.s3Key,
      });
    return created
      ? { record, state: 'created', signMs: doc.timings.sign }
      : { record, state: 'unchanged' };
  }

  private async finish(
    outcome: DecisionOutcome,
    documents: ProcessedDocument[],
  ): Promise<ProcessResult> {
    const { outcomes, log } = this.deps;
    if (await outcomes.recordOnce(outcome)) {
      log.info('decision processed', {
        decisionId: outcome.decisionId,
        version: outcome.version,
        outcome: outcome.outcome,
        // Rule names and paths only: problem messages can quote dates derived from the birth date.
        failedRules: outcome.problems?.map((p) => p.rule ?? p.path),
        documents: documents.length,
      });
      return { outcome, alreadyProcessed: false, documents };
    }
    // Another delivery of the same record finished first: report what it recorded.
    const recorded = await outcomes.get(outcome.decisionId, outcome.version);
    if (!recorded) throw new Error(`outcome of ${outcome.decisionId} v${outcome.version} vanished`);
    return {
      outcome: recorded,
      alreadyProcessed: true,
      documents: await this.documentsOf(recorded),
    };
  }

  /** The highest version above `version` whose documents are in force, if any. */
  private async versionInForceAbove(
    decisionId: string,
    version: number,
  ): Promise<number | undefined> {
    const inForce = versionInForce(await this.deps.outcomes.listVersions(decisionId));
    return inForce !== undefined && inForce > version ? inForce : undefined;
  }

  private async withdraw(decisionId: string, version: number): Promise<void> {
    await this.deps.afterWithdrawn?.(decisionId, version);
    await this.deps.outcomes.markWithdrawn(decisionId, version, this.deps.clock().toISOString());
  }

  private async documentsOf(outcome: DecisionOutcome): Promise<ProcessedDocument[]> {
    const records = await Promise.all(
      (outcome.documentIds ?? []).map((id) => this.deps.records.get(id)),
    );
    return records
      .filter((r): r is DocumentRecord => r !== undefined)
      .map((record) => ({ record, state: 'unchanged' as const }));
  }
}

/**
 * Records a version that kept failing as dead-lettered, with the reason of its last failed
 * attempt: the on-failure destination's consumer calls this, so nothing ends silently.
 */
export async function recordDeadLetter(
  outcomes: OutcomeStore,
  ref: { decisionId: string; version: number },
  fallbackReason: string,
  now: Date,
): Promise<DecisionOutcome> {
  const reason = (await outcomes.lastFailure(ref.decisionId, ref.version)) ?? fallbackReason;
  const outcome: DecisionOutcome = {
    ...ref,
    outcome: 'dead-lettered',
    reason,
    processedAt: now.toISOString(),
  };
  if (await outcomes.recordOnce(outcome)) return outcome;
  return (await outcomes.get(ref.decisionId, ref.version)) ?? outcome;
}
