/**
 * Lambda entry point: the decisions table's stream → the render-documents use case.
 * Records are processed in order, one at a time (one warm Chromium per container); a
 * record that fails for an infrastructure reason is reported as a batch item failure, so
 * the event source mapping retries from it without re-running the records before it.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { METRIC } from '../contract/environment.ts';
import { noMetrics, type PipelineMetrics } from '../pipeline/metrics.ts';
import type { Log, OutcomeStore } from '../pipeline/ports.ts';
import type { DecisionItem, ProcessResult, RenderDecision } from '../pipeline/render-decision.ts';
import { awsHandler } from '../platform/aws-observability.ts';
import { streamBatchHandler } from './partial-batch.ts';

export interface RenderDocumentsDeps {
  service: RenderDecision;
  outcomes: OutcomeStore;
  log: Log;
  /** Documents rendered, decisions rejected, render and signing durations (default: none). */
  metrics?: PipelineMetrics;
}

/** The metrics of one processed version (nothing for a version processed before). */
function recordMetrics(metrics: PipelineMetrics, result: ProcessResult, startedAt: number): void {
  if (result.alreadyProcessed) return;
  const district = result.outcome.districtId ?? 'unknown';
  if (result.outcome.outcome === 'rejected') metrics.count(METRIC.decisionsRejected, district);
  if (result.outcome.outcome !== 'documents-ready') return;
  const created = result.documents.filter((d) => d.state === 'created');
  metrics.count(METRIC.documentsRendered, district, created.length);
  metrics.duration(METRIC.renderDuration, district, performance.now() - startedAt);
  for (const document of created)
    if (document.signMs !== undefined)
      metrics.duration(METRIC.signingDuration, district, document.signMs);
}

/** The decision item of a stream record (its key even when the item does not validate). */
export function decisionItemOf(record: DynamoDBRecord): DecisionItem | undefined {
  const image = record.dynamodb?.NewImage;
  const keys = record.dynamodb?.Keys;
  if (!image || !keys) return undefined;
  const key = unmarshall(keys as Record<string, AttributeValue>);
  return {
    decisionId: String(key.decisionId),
    version: Number(key.version),
    item: unmarshall(image as Record<string, AttributeValue>),
  };
}

/** Builds the handler around its dependencies (built once per container). */
export function makeRenderDocumentsHandler(deps: RenderDocumentsDeps) {
  const processRecord = async (record: DynamoDBRecord) => {
    const ref = decisionItemOf(record);
    if (!ref) {
      // A district removed an item: our outcomes and documents stay on record.
      deps.log.info('stream record without a new image ignored', { eventName: record.eventName });
      return;
    }
    try {
      const startedAt = performance.now();
      const result = await deps.service.process(ref);
      recordMetrics(deps.metrics ?? noMetrics, result, startedAt);
      return result;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      deps.log.error('decision failed, will be retried', {
        decisionId: ref.decisionId,
        version: ref.version,
        reason,
      });
      await deps.outcomes
        .recordAttemptFailure(ref.decisionId, ref.version, reason)
        .catch(() => undefined);
      throw error;
    }
  };
  return streamBatchHandler(processRecord);
}

/** The Lambda handler (dependencies built on the first event, then reused). */
export const handler = awsHandler(async () => {
  const { awsPlatform } = await import('../platform/aws.ts');
  const { kmsSigner } = await import('../platform/aws-signer.ts');
  const { secretsManagerStudentKey } = await import('../platform/aws-student-key.ts');
  const { launchPrinter } = await import('../render/chromium.ts');
  const { loadDistrictDirectory } = await import('../adapters/district-files.ts');
  const { buildRenderDecision } = await import('../platform/use-cases/render-decision.ts');
  const platform = awsPlatform({
    signer: kmsSigner,
    printer: launchPrinter,
    districts: loadDistrictDirectory,
    calendarOptions: secretsManagerStudentKey,
  });
  const { service, outcomes } = await buildRenderDecision(platform);
  const { log, metrics } = platform;
  return makeRenderDocumentsHandler({ service, outcomes, log, metrics });
});
