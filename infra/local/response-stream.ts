/**
 * The responses stream on one machine, as the stack's event source mapping feeds it to
 * response-follow-up (the contract's RESPONSE_STREAM_MAPPING: inserts only, the same batching
 * and retries): an answer's calendar, PDF, copy and notice take the same path as in AWS.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AwsClients } from '../../functions/adapters/aws-clients.ts';
import { RESPONSE_STREAM_MAPPING } from '../../functions/contract/streams.ts';
import { makeResponseFollowUpHandler } from '../../functions/handlers/response-follow-up.ts';
import type { Log } from '../../functions/pipeline/ports.ts';
import type { ResponseFollowUp } from '../../functions/pipeline/response-follow-up.ts';
import { mappingSettings, StreamPoller } from './stream-poller.ts';

/** The responses stream → response-follow-up, with the contract's mapping settings. */
export function responseStreamMapping(options: {
  clients: Pick<AwsClients, 'dynamodb' | 'dynamodbStreams'>;
  responsesTable: string;
  service: Pick<ResponseFollowUp, 'process'>;
  log: Log;
  checkpointFile?: string;
  /** First pause before a retry (tests: 0). */
  retryDelayMs?: number;
}): StreamPoller {
  const mapping = RESPONSE_STREAM_MAPPING;
  return new StreamPoller({
    dynamodb: options.clients.dynamodb,
    dynamodbStreams: options.clients.dynamodbStreams,
    tableName: options.responsesTable,
    handler: makeResponseFollowUpHandler({ service: options.service, log: options.log }),
    ...mappingSettings(mapping),
    ...(options.checkpointFile ? { checkpointFile: options.checkpointFile } : {}),
    ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
    onFailure: async (record, failure) => {
      const keys = unmarshall((record.dynamodb?.Keys ?? {}) as Record<string, AttributeValue>);
      options.log.error('response follow-up dead-lettered', {
        decisionId: String(keys.decisionId),
        responseKey: String(keys.responseKey),
        attempts: failure.attempts,
        reason: failure.lastError,
      });
    },
  });
}
