/**
 * While the runtime keeps running (without --once): the delivery jobs the stream consumers queue
 * (a decision or a translation written meanwhile) are delivered as the deliver function's SQS
 * event source would, one drain at a time; each drain follows up the answers recorded since
 * (the responses stream, LocalDelivery.drain).
 */
import type { Log } from '../../functions/pipeline/ports.ts';

/** Drains the delivery queue every `everyMs`; the function returned stops it after the drain in hand. */
export function keepDelivering(
  drain: () => Promise<void>,
  log: Log,
  everyMs = 1_000,
): () => Promise<void> {
  let current: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (current) return;
    current = drain()
      .catch((error: unknown) =>
        log.error('delivery drain failed; retried on the next tick', {
          reason: error instanceof Error ? error.message : String(error),
        }),
      )
      .finally(() => {
        current = undefined;
      });
  }, everyMs);
  return async () => {
    clearInterval(timer);
    await current;
  };
}
