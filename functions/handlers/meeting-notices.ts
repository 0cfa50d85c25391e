/**
 * Lambda entry point: the meetings table's stream → the meeting-notices use case (a notice of
 * an IEP team meeting rendered, signed, stored and queued for delivery). A record that fails
 * for an infrastructure reason is a batch item failure, retried from it.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { MeetingNotices, MeetingRef } from '../pipeline/meeting-notices.ts';
import type { Log } from '../pipeline/ports.ts';
import { awsHandler } from '../platform/aws-observability.ts';
import { streamItemHandler } from './partial-batch.ts';

export interface MeetingNoticesHandlerDeps {
  service: Pick<MeetingNotices, 'process'>;
  log: Log;
}

/** The meeting item of a stream record (its key even when the item does not validate). */
export function meetingItemOf(record: DynamoDBRecord): MeetingRef | undefined {
  const image = record.dynamodb?.NewImage;
  const keys = record.dynamodb?.Keys;
  if (!image || !keys) return undefined;
  const key = unmarshall(keys as Record<string, AttributeValue>);
  return {
    meetingId: String(key.meetingId),
    revision: Number(key.revision),
    item: unmarshall(image as Record<string, AttributeValue>),
  };
}

/** Builds the handler around its dependencies (built once per container). */
export function makeMeetingNoticesHandler(deps: MeetingNoticesHandlerDeps) {
  return streamItemHandler({
    refOf: meetingItemOf,
    process: (ref) => deps.service.process(ref),
    log: deps.log,
    failure: 'meeting notice failed, will be retried',
    idsOf: (ref) => ({ meetingId: ref.meetingId, revision: ref.revision }),
  });
}

/** The Lambda handler (dependencies built on the first event, then reused). */
export const handler = awsHandler(async () => {
  const { awsPlatform } = await import('../platform/aws.ts');
  const { kmsSigner } = await import('../platform/aws-signer.ts');
  const { launchPrinter } = await import('../render/chromium.ts');
  const { loadDistrictDirectory } = await import('../adapters/district-files.ts');
  const { buildMeetingNotices } = await import('../platform/use-cases/meeting-notices.ts');
  const platform = awsPlatform({
    signer: kmsSigner,
    printer: launchPrinter,
    districts: loadDistrictDirectory,
  });
  const { service } = await buildMeetingNotices(platform);
  return makeMeetingNoticesHandler({ service, log: platform.log });
});
