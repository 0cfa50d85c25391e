/**
 * The SQS queues' settings, read by the CDK stack and, where the one-machine runtime plays a
 * queue, by `infra/local/` too. Each queue's consumer reports partial batch failures, so only
 * the failed messages come back; after `maxReceiveCount` receives a message moves to the
 * queue's dead-letter queue, which alarms.
 */

/** One queue and the event source mapping that drains it. */
export interface QueueSettings {
  /** Receives before a message moves to the dead-letter queue (redrive policy). */
  readonly maxReceiveCount: number;
  /** Messages per invocation of the consumer. */
  readonly batchSize: number;
  /** Most concurrent consumers (SQS event source maxConcurrency, 2 at least). */
  readonly maxConcurrency?: number;
}

/** Delivery jobs (emails, postal packets): bounded parallelism keeps within the SES sending rate. */
export const DELIVERY_QUEUE = {
  maxReceiveCount: 5,
  batchSize: 5,
  maxConcurrency: 5,
} as const satisfies QueueSettings;

/** Re-render items of a regeneration job. */
export const REGENERATION_QUEUE = {
  maxReceiveCount: 5,
  batchSize: 10,
} as const satisfies QueueSettings;

/**
 * The decisions stream's on-failure destination, drained by stream-dead-letter. Dead letters
 * are rare and need no parallel readers: the smallest concurrency.
 */
export const STREAM_DEAD_LETTER_QUEUE = {
  maxReceiveCount: 5,
  batchSize: 10,
  maxConcurrency: 2,
} as const satisfies QueueSettings;
