/**
 * The one cold-start cache of every handler: the dependencies are built on the first event and
 * reused by the container; a build that fails is forgotten, so the next event builds again
 * instead of failing forever on a cached rejection (a throttled KMS or SSM call at cold start
 * would otherwise poison the container until Lambda recycles it).
 */
import type { Context } from 'aws-lambda';

/** `build`'s promise, shared by every call; a failed build is forgotten, so the next call retries. */
export function onceUntilFailure<T>(build: () => Promise<T>): () => Promise<T> {
  let ready: Promise<T> | undefined;
  return () => {
    ready ??= build().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };
}

/** A handler built on its first event and reused; a failed build is retried on the next event. */
export function lazyHandler<E, R>(
  build: () => Promise<(event: E, context?: Context) => Promise<R>>,
): (event: E, context?: Context) => Promise<R> {
  const ready = onceUntilFailure(build);
  return async (event, context) => (await ready())(event, context);
}
