/**
 * The decisions stream as the stack's event source mapping feeds it to render-documents, on one
 * machine (moved out of runtime.ts, which re-exports it, to keep that file within its size).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AwsClients } from '../../functions/adapters/aws-clients.ts';
import { DECISION_STREAM_MAPPING, type StreamMapping } from '../../functions/contract/streams.ts';
import { makeRenderDocumentsHandler } from '../../functions/handlers/render-documents.ts';
import type { Log, OutcomeStore } from '../../functions/pipeline/ports.ts';
import { type RenderDecision, recordDeadLetter } from '../../functions/pipeline/render-decision.ts';
import { mappingSettings, StreamPoller } from './stream-poller.ts';

/**
 * The decisions stream wired to the render-documents handler as the stack's event source
 * mapping is (the contract's filter, batch size, bisection, partial failures and retries), its
 * on-failure destination recording the version `dead-lettered` with the reason of its last attempt.
 */
export function decisionStreamMapping(options: {
  clients: Pick<AwsClients, 'dynamodb' | 'dynamodbStreams'>;
  decisionsTable: string;
  service: RenderDecision;
  outcomes: OutcomeStore;
  log: Log;
  checkpointFile?: string;
  /** First pause before a retry (tests: 0). */
  retryDelayMs?: number;
  /** The mapping's settings; the contract's unless a test gives its own. */
  mapping?: StreamMapping;
}): StreamPoller {
  const mapping = options.mapping ?? DECISION_STREAM_MAPPING;
  const { outcomes, log } = options;
  return new StreamPoller({
    dynamodb: options.clients.dynamodb,
    dynamodbStreams: options.clients.dynamodbStreams,
    tableName: options.decisionsTable,
    handler: makeRenderDocumentsHandler({ service: options.service, outcomes, log }),
    ...mappingSettings(mapping),
    ...(options.checkpointFile ? { checkpointFile: options.checkpointFile } : {}),
    ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
    onFailure: async (record, failure) => {
      const keys = unmarshall((record.dynamodb?.Keys ?? {}) as Record<string, AttributeValue>);
      const ref = { decisionId: String(keys.decisionId), version: Number(keys.version) };
      const outcome = await recordDeadLetter(outcomes, ref, failure.lastError, new Date());
      log.error('decision dead-lettered', {
        ...ref,
        attempts: failure.attempts,
        reason: outcome.reason,
      });
    },
  });
}
