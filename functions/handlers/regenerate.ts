/**
 * Lambda entry point of batch regeneration: SQS messages `{ decisionId, version, jobId }` →
 * the regenerate use case. A fan-out queue lets many containers share one job; each message
 * is idempotent through the job's ledger, so a redelivered message does nothing twice. A
 * message that fails is reported as a batch item failure and retried by SQS (then its
 * dead-letter queue); the others of the batch are not re-run. The stack's event source reports
 * batch item failures (infra/constructs/regeneration.ts).
 */
import type { Context, SQSRecord } from 'aws-lambda';
import type { Log } from '../pipeline/ports.ts';
import type { Regenerate, RegenerateItem } from '../pipeline/regenerate.ts';
import { awsHandler } from '../platform/aws-observability.ts';
import { sqsBatchHandler } from './partial-batch.ts';

/** Reads a message body; undefined when it is not a regeneration item. */
export function regenerateItemOf(record: Pick<SQSRecord, 'body'>): RegenerateItem | undefined {
  try {
    const body = JSON.parse(record.body) as Partial<RegenerateItem>;
    if (
      typeof body.decisionId === 'string' &&
      Number.isInteger(body.version) &&
      typeof body.jobId === 'string'
    )
      return { decisionId: body.decisionId, version: body.version as number, jobId: body.jobId };
  } catch {
    // Not JSON: reported below as a malformed message.
  }
  return undefined;
}

/**
 * Time a message needs at most (a few documents printed and signed, with a margin): a message
 * is not started with less left, so the function returns it for a retry instead of timing out
 * with Chromium half-way (which would also count as a function error).
 */
export const MESSAGE_TIME_MS = 20_000;

/**
 * The SQS handler over a built use case: one message at a time (one warm Chromium), through
 * Powertools Batch (a message that threw is a batch item failure, retried alone).
 */
export function makeRegenerateHandler(deps: { service: Pick<Regenerate, 'process'>; log: Log }) {
  const processRecord = async (record: SQSRecord, context?: Context) => {
    if (context && context.getRemainingTimeInMillis() < MESSAGE_TIME_MS) {
      // Returned unprocessed: SQS delivers it again after the visibility timeout.
      deps.log.warn('time is short: message returned to the queue', {
        messageId: record.messageId,
      });
      throw new Error('time is short');
    }
    const item = regenerateItemOf(record);
    if (!item) {
      // Retrying cannot fix a malformed body: logged (ids only) and dropped.
      deps.log.error('malformed regeneration message', { messageId: record.messageId });
      return;
    }
    try {
      await deps.service.process(item);
    } catch (error) {
      deps.log.error('regeneration failed', {
        decisionId: item.decisionId,
        version: item.version,
        jobId: item.jobId,
        error: (error as Error).message,
      });
      throw error;
    }
  };
  return sqsBatchHandler(processRecord);
}

/** The Lambda handler (dependencies built on the first event, then reused). */
export const handler = awsHandler(async () => {
  const { awsPlatform } = await import('../platform/aws.ts');
  const { kmsSigner } = await import('../platform/aws-signer.ts');
  const { launchPrinter } = await import('../render/chromium.ts');
  const { loadDistrictDirectory } = await import('../adapters/district-files.ts');
  const { buildRegenerate } = await import('../platform/use-cases/regenerate.ts');
  const platform = awsPlatform({
    signer: kmsSigner,
    printer: launchPrinter,
    districts: loadDistrictDirectory,
  });
  return makeRegenerateHandler({ service: await buildRegenerate(platform), log: platform.log });
});
