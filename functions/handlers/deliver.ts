/**
 * Lambda entry point: the delivery queue (SQS) → the deliver use case. Each message is one
 * DeliveryJob; a job that fails is reported as a batch item failure, so SQS redelivers only
 * it (and, after maxReceiveCount, moves it to the dead-letter queue). Redelivery is safe:
 * deliver never sends the same email twice (see functions/pipeline/deliver.ts).
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { METRIC } from '../contract/environment.ts';
import type { Deliver, DeliveryResult } from '../pipeline/deliver.ts';
import { noMetrics, type PipelineMetrics } from '../pipeline/metrics.ts';
import type { DeliveryJob, Log } from '../pipeline/ports.ts';
import { awsHandler } from '../platform/aws-observability.ts';

/** Reads a delivery job from a message body; throws on anything else. */
export function parseDeliveryJob(body: string): DeliveryJob {
  const job = JSON.parse(body) as Partial<DeliveryJob>;
  if (
    typeof job?.jobId !== 'string' ||
    (job.kind !== 'decision-documents' && job.kind !== 'reminder-notice') ||
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

/** Builds the handler around its dependencies (built once per container). */
export function makeDeliverHandler(deps: DeliverHandlerDeps) {
  return async (event: SQSEvent, _context?: Context): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    const metrics = deps.metrics ?? noMetrics;
    for (const record of event.Records) {
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
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

async function fromEnvironment() {
  const { createAwsClients } = await import('../adapters/aws-clients.ts');
  const { loadDistrictDirectory } = await import('../adapters/district-files.ts');
  const { launchPrinter } = await import('../render/chromium.ts');
  const { KMSClient } = await import('@aws-sdk/client-kms');
  const { SSMClient } = await import('@aws-sdk/client-ssm');
  const { KmsSigner, ssmCertificateChain } = await import('../adapters/kms-signer.ts');
  const { ENV, requireEnv, tableNames } = await import('./config.ts');
  const { awsLog, awsMetrics } = await import('../platform/aws-observability.ts');
  const { deliverService, lazyPrinter } = await import('./delivery-wiring.ts');

  const config = requireEnv({
    region: 'AWS_REGION',
    bucket: ENV.documentsBucket,
    districtsDir: ENV.districtsDir,
    downloadBaseUrl: ENV.downloadBaseUrl,
    signingKeyId: ENV.signingKeyId,
    certificateParameter: ENV.signingCertificateParameter,
  });
  const configurationSetName = process.env[ENV.sesConfigurationSet];
  const tables = tableNames(['decisions', 'documents', 'deliveries', 'links', 'accessLog']);
  const log = awsLog;
  const clients = createAwsClients({ region: config.region });
  // Postal packets are signed by the district's identity, as its documents are.
  const signer = new KmsSigner({
    kms: new KMSClient({ region: config.region }),
    keyId: config.signingKeyId,
    certificateChain: ssmCertificateChain(
      new SSMClient({ region: config.region }),
      config.certificateParameter,
    ),
  });
  const postalQueueUrl = process.env[ENV.postalQueueUrl];
  const postalNotifier = postalQueueUrl
    ? new (await import('../adapters/sqs-postal-notifier.ts')).SqsPostalNotifier(
        clients.sqs,
        postalQueueUrl,
        config.bucket,
      )
    : undefined;
  const { deliver } = deliverService({
    clients,
    signer,
    ...(postalNotifier ? { postalNotifier } : {}),
    tables,
    bucket: config.bucket,
    districts: loadDistrictDirectory(config.districtsDir),
    log,
    clock: () => new Date(),
    downloadBaseUrl: config.downloadBaseUrl,
    ...(configurationSetName ? { configurationSetName } : {}),
    // Chromium starts lazily on the first postal packet: most jobs are emails only.
    printer: lazyPrinter(launchPrinter),
  });
  return makeDeliverHandler({ deliver, log, metrics: awsMetrics });
}

/** The Lambda handler (SQS event source, ReportBatchItemFailures on). */
export const handler = awsHandler(fromEnvironment);
