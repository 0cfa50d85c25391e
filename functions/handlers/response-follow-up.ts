/**
 * Lambda entry point: the responses table's stream → the response-follow-up use case (a
 * recorded answer's calendar, its signed "Parent response" PDF, the parent's copy and the case
 * manager's notice). A record that fails for a reason a retry can cure (S3, DynamoDB, KMS,
 * Chromium, SES) is a batch item failure; each step is idempotent, so a retry repeats nothing.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Log } from '../pipeline/ports.ts';
import type { ResponseFollowUp, ResponseRef } from '../pipeline/response-follow-up.ts';
import { awsHandler } from '../platform/aws-observability.ts';
import { streamItemHandler } from './partial-batch.ts';

export interface ResponseFollowUpHandlerDeps {
  service: Pick<ResponseFollowUp, 'process'>;
  log: Log;
}

/** The answer's key of a stream record with a new image (the item is read again, consistently). */
export function responseRefOf(record: DynamoDBRecord): ResponseRef | undefined {
  const keys = record.dynamodb?.Keys;
  if (!record.dynamodb?.NewImage || !keys) return undefined;
  const key = unmarshall(keys as Record<string, AttributeValue>);
  return { decisionId: String(key.decisionId), responseKey: String(key.responseKey) };
}

/** Builds the handler around its dependencies (built once per container). */
export function makeResponseFollowUpHandler(deps: ResponseFollowUpHandlerDeps) {
  return streamItemHandler({
    refOf: responseRefOf,
    process: (ref) => deps.service.process(ref),
    log: deps.log,
    failure: 'response follow-up failed, will be retried',
    idsOf: (ref) => ({ decisionId: ref.decisionId, responseKey: ref.responseKey }),
  });
}

/** The Lambda handler (dependencies built on the first event, then reused). */
export const handler = awsHandler(async () => {
  const { awsPlatform } = await import('../platform/aws.ts');
  const { kmsSigner } = await import('../platform/aws-signer.ts');
  const { launchPrinter } = await import('../render/chromium.ts');
  const { loadDistrictDirectory } = await import('../adapters/district-files.ts');
  const { secretsManagerStudentKey } = await import('../platform/aws-student-key.ts');
  const { buildResponseFollowUp } = await import('../platform/use-cases/response-follow-up.ts');
  const platform = awsPlatform({
    signer: kmsSigner,
    printer: launchPrinter,
    districts: loadDistrictDirectory,
    calendarOptions: secretsManagerStudentKey,
  });
  const { service } = await buildResponseFollowUp(platform);
  return makeResponseFollowUpHandler({ service, log: platform.log });
});
