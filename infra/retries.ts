/**
 * How often a failing stream record is retried before it is dead-lettered: one figure for the
 * CDK stack's event source mapping and the one-machine runtime's stream poller, so the README,
 * the docs and both runtimes agree (test/unit/docs-truth.test.ts reads the docs against it).
 */
export const STREAM_RETRY_ATTEMPTS = 5;
