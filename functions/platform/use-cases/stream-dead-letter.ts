/** The stream's on-failure consumer over a platform. */
import { DynamoOutcomeStore } from '../../adapters/dynamo-outcomes.ts';
import { readStreamRange, type StreamRange } from '../../adapters/dynamo-stream-range.ts';
import type { Platform } from '../platform.ts';

/** Reads a failed range of the decisions stream back and records its outcomes. */
export function buildStreamDeadLetter(platform: Platform) {
  return {
    readRange: (range: StreamRange) => readStreamRange(platform.clients.dynamodbStreams, range),
    outcomes: new DynamoOutcomeStore(platform.clients.documents, platform.table('outcomes')),
    log: platform.log,
    clock: platform.clock,
  };
}
