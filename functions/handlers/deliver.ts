/**
 * Lambda entry point: the delivery queue (SQS) → the deliver use case. Each message is one
 * DeliveryJob; a job that fails is reported as a batch item failure, so SQS redelivers only
 * it (and, after maxReceiveCount, moves it to the dead-letter queue). Redelivery is safe:
 * deliver never sends the same email twice (see functions/pipeline/deliver.ts).
 */
import type { SQSRecord } from 'aws-lambda';
import { METRIC } from '../contract/environment.ts';
import type { Deliver, DeliveryResult } from '../pipeline/deliver.ts';
import { noMetrics, type PipelineMetrics } from '../pipeline/metrics.ts';
import type { DeliveryJob, Log } from '../pipeline/ports.ts';
import { awsHandler } from '../platform/aws-observability.ts';
import { sqsBatchHandler } from './partial-batch.ts';

const DELIVERY_JOB_KINDS: readonly DeliveryJob['kind'][] = [
  'decision-documents',
  'reminder-notice',
  'meeting-notice',
  'safeguards-notice',
];

/** Reads a delivery job from a message body; throws on anything else. */
export function parseDeliveryJob(body: string): DeliveryJob {
  const job = JSON.parse(body) as Partial<DeliveryJob>;
  if (
    typeof job?.jobId !== 'string' ||
    !DELIVERY_JOB_KINDS.includes(job.kind as DeliveryJob['kind']) ||
    typeof job.districtId !== 'string' ||
    typeof job.decisionId !== 'string' ||
    typeof job.version !== 'number' ||
    !Array.isArray(job.documentIds)
  ) {
    throw new Error('message is not a delivery job');
  }
  return job as DeliveryJob;
}

export interface DeliverHandlerDeps {
  deliver: Pick<Deliver, 'deliver'>;
  log: Log;
  /** Deliveries sent and failed (default: none). */
  metrics?: PipelineMetrics;
}

/**
 * Builds the handler around its dependencies (built once per container): Powertools Batch
 * reports each job that threw as a batch item failure, one job at a time.
 */
export function makeDeliverHandler(deps: DeliverHandlerDeps) {
  const metrics = deps.metrics ?? noMetrics;
  const processRecord = async (record: SQSRecord) => {
    let districtId = 'unknown';
    try {
      const job = parseDeliveryJob(record.body);
      districtId = job.districtId;
      const results: DeliveryResult[] = await deps.deliver.deliver(job);
      const sent = results.filter((r) => r.created).length;
      if (sent > 0) metrics.count(METRIC.deliveriesSent, districtId, sent);
      deps.log.info('delivery job done', {
        messageId: record.messageId,
        deliveries: results.length,
      });
    } catch (error) {
      deps.log.error('delivery job failed, will be retried', {
        messageId: record.messageId,
        receiveCount: record.attributes?.ApproximateReceiveCount,
        reason: error instanceof Error ? error.message : String(error),
      });
      metrics.count(METRIC.deliveriesFailed, districtId);
      throw error;
    }
  };
  return sqsBatchHandler(processRecord);
}

/** The Lambda handler (SQS event source, ReportBatchItemFailures on). */
export const handler = awsHandler(async () => {
  const { awsPlatform } = await import('../platform/aws.ts');
  const { kmsSigner } = await import('../platform/aws-signer.ts');
  const { secretsManagerStudentKey } = await import('../platform/aws-student-key.ts');
  const { launchPrinter } = await import('../render/chromium.ts');
  const { loadDistrictDirectory } = await import('../adapters/district-files.ts');
  const { buildDeliver } = await import('../platform/use-cases/deliver.ts');
  const platform = awsPlatform({
    signer: kmsSigner,
    printer: launchPrinter,
    districts: loadDistrictDirectory,
    // The safeguards givings are kept by studentKey, as the calendar's entries are.
    calendarOptions: secretsManagerStudentKey,
  });
  const { deliver } = await buildDeliver(platform);
  const { log, metrics } = platform;
  return makeDeliverHandler({ deliver, log, metrics });
});
