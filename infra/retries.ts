/**
 * How often a failing stream record is retried before it is dead-lettered: the contract's
 * decisions stream mapping (functions/contract/streams.ts), which the CDK stack's event source
 * mapping and the one-machine runtime's stream poller both read, so the README, the docs and
 * both runtimes agree (test/unit/docs-truth.test.ts reads the docs against it).
 */
import { DECISION_STREAM_MAPPING } from '../functions/contract/streams.ts';

export const STREAM_RETRY_ATTEMPTS = DECISION_STREAM_MAPPING.retryAttempts;
