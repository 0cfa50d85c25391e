/**
 * What every Lambda handler logs and measures through, one per container: Powertools Logger
 * (JSON lines; each invocation's Lambda request id through {@link awsHandler}; the pipeline
 * appends ids such as decisionId, never a student field) and Powertools Metrics (embedded
 * metric format, dimensions `service` and `district`). Service name, namespace and log level come
 * from the POWERTOOLS_* variables the stack sets, with the contract's names as defaults.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { powertoolsMetrics } from '../adapters/powertools-metrics.ts';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../contract/environment.ts';
import type { PipelineMetrics } from '../pipeline/metrics.ts';
import type { Log } from '../pipeline/ports.ts';
import { lazyHandler } from './lazy-handler.ts';

/** The container's logger. */
export const awsLogger = new Logger({ serviceName: SERVICE_NAME });

/** The container's Powertools metrics (namespace and service dimension set). */
export const awsPowertoolsMetrics = new Metrics({
  namespace: METRICS_NAMESPACE,
  serviceName: SERVICE_NAME,
});

/** Our Log over Powertools' Logger (JSON lines with the appended keys). */
export function powertoolsLog(logger: {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}): Log {
  const at =
    (fn: (message: string, ...extra: Record<string, unknown>[]) => void) =>
    (message: string, attributes?: Record<string, unknown>) =>
      attributes ? fn(message, attributes) : fn(message);
  return {
    debug: at(logger.debug.bind(logger)),
    info: at(logger.info.bind(logger)),
    warn: at(logger.warn.bind(logger)),
    error: at(logger.error.bind(logger)),
  };
}

/** The pipeline's log over the container's logger. */
export const awsLog: Log = powertoolsLog(awsLogger);

/** The pipeline's metrics over the container's Powertools metrics. */
export const awsMetrics: PipelineMetrics = powertoolsMetrics(awsPowertoolsMetrics);

/**
 * A Lambda handler: built on its first event (see {@link lazyHandler}, a failed build is retried),
 * each invocation's context given to the logger first, so every line carries its request id.
 */
export function awsHandler<E, R>(
  build: () => Promise<(event: E, context?: Context) => Promise<R>>,
): (event: E, context?: Context) => Promise<R> {
  const handler = lazyHandler(build);
  return (event, context) => {
    if (context) awsLogger.addContext(context);
    return handler(event, context);
  };
}
