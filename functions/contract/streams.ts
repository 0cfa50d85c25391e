/**
 * How the tables' streams feed their functions: each event source mapping's settings, read by
 * the CDK stack (`infra/constructs/`) and by the one-machine stream pollers
 * (`infra/local/`), so a change here changes both. AWS's own defaults differ (batch 100, no
 * bisect, retries until the record expires), which is why every setting is spelled out.
 */

/** A Lambda event filter pattern over a stream record (the subset we use; a type, so it is
 * assignable to the local poller's general pattern). */
export type StreamFilterPattern = { readonly eventName: readonly string[] };

/** The settings of one DynamoDB-stream event source mapping. */
export interface StreamMapping {
  /** Most records per invocation. */
  readonly batchSize: number;
  /** Longest wait to fill a batch, in seconds (AWS only: the local poller reads what is there). */
  readonly maxBatchingWindowSeconds: number;
  /**
   * Retries of a failing record after its first attempt, before it goes to the on-failure
   * destination. A bisected batch does not count as a retry until it cannot be split further.
   */
  readonly retryAttempts: number;
  /** Split a batch in two when the handler throws. */
  readonly bisectBatchOnError: boolean;
  /** Honour the handler's `batchItemFailures` (partial batch response). */
  readonly reportBatchItemFailures: boolean;
  /** Records older than this go to the on-failure destination unprocessed (AWS only). */
  readonly maxRecordAgeDays: number;
  /** Filter patterns, OR-ed (Lambda FilterCriteria); a record matching none is never delivered. */
  readonly filters: readonly StreamFilterPattern[];
}

/**
 * The decisions stream → render-documents. The filter passes every inserted or changed item:
 * drafts and withdrawn versions pass too, so each is recorded (skipped, or its links and
 * calendar withdrawn) and a misspelt status is rejected with its reason instead of vanishing in
 * a filter. Removals (no new image) do not pass.
 */
export const DECISION_STREAM_MAPPING = {
  batchSize: 10,
  maxBatchingWindowSeconds: 1,
  retryAttempts: 5,
  bisectBatchOnError: true,
  reportBatchItemFailures: true,
  maxRecordAgeDays: 1,
  filters: [{ eventName: ['INSERT', 'MODIFY'] }],
} as const satisfies StreamMapping;

/** The decisions stream's filter (the same for the mapping in AWS and the local poller). */
export const DECISION_STREAM_FILTERS = DECISION_STREAM_MAPPING.filters;

/**
 * The meetings stream → meeting-notices: the same settings as the decisions stream (each item is
 * one notice to render and deliver, as a decision version is); a record that keeps failing goes
 * to the same kind of on-failure destination.
 */
export const MEETING_STREAM_MAPPING = {
  ...DECISION_STREAM_MAPPING,
} as const satisfies StreamMapping;

/**
 * The translations stream → render-translations: the same settings (each item is one language
 * of one version to render and deliver); a record that keeps failing goes to its own
 * on-failure queue.
 */
export const TRANSLATION_STREAM_MAPPING = {
  ...DECISION_STREAM_MAPPING,
} as const satisfies StreamMapping;

/**
 * The responses stream → response-follow-up. Inserts only: an answer is appended once, and the
 * consumer's own writes to it (its `documentId`, the emails' claim) are modifications, which
 * must not wake it again. The same batching and retries as the other streams; a record that
 * keeps failing goes to its own on-failure queue.
 */
export const RESPONSE_STREAM_MAPPING = {
  ...DECISION_STREAM_MAPPING,
  filters: [{ eventName: ['INSERT'] }],
} as const satisfies StreamMapping;
