/** The delivery job a decision version yields once its documents are ready. */
import type { DecisionOutcome, DeliveryJob, DocumentRecord } from './ports.ts';

/** `${decisionId}#v${version}#documents`: one job per version, so a repeated enqueue is harmless. */
export function documentsJob(
  outcome: Pick<DecisionOutcome, 'decisionId' | 'version'> &
    Partial<Pick<DecisionOutcome, 'translationPending' | 'processedAt'>>,
  documents: readonly DocumentRecord[],
  districtId: string,
): DeliveryJob {
  return {
    jobId: `${outcome.decisionId}#v${outcome.version}#documents`,
    kind: 'decision-documents',
    districtId,
    decisionId: outcome.decisionId,
    version: outcome.version,
    documentIds: documents.map((d) => d.documentId),
    ...(outcome.translationPending?.length
      ? {
          translationPending: outcome.translationPending.map((language) => ({
            language,
            requestedOn: (outcome.processedAt ?? '').slice(0, 10),
          })),
        }
      : {}),
  };
}
