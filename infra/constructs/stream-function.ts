/**
 * One table's stream → one function, the way every stream of the pipeline is wired: the
 * contract's mapping (functions/contract/streams.ts: batch, window, filters, partial batch
 * responses, bisection, bounded retries, record age), an encrypted on-failure queue whose every
 * message alarms, and an alarm on the function's errors. Rendering, meeting notices, later
 * translations and the answers' follow-up all use it.
 *
 * Built in the caller's scope (not a construct of its own), so each function, queue and alarm
 * keeps the logical id it had before this was shared.
 */
import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { StreamFilterPattern, StreamMapping } from '../../functions/contract/streams.ts';
import type { DataStore } from './data.ts';
import type { Operations } from './operations.ts';
import { PipelineFunction, type PipelineFunctionProps } from './pipeline-function.ts';

/** What {@link streamFunction} builds, and the ids and texts it gives them. */
export interface StreamFunctionProps {
  /** The function (id and props). */
  readonly id: string;
  readonly function: PipelineFunctionProps;
  /** The table whose stream feeds it, and the contract's mapping. */
  readonly table: ITable;
  readonly mapping: StreamMapping;
  readonly data: DataStore;
  readonly operations: Operations;
  /** The on-failure queue: its id, or a queue the caller built (with its own redrive). */
  readonly onFailure: { readonly id: string } | { readonly queue: Queue };
  /** The alarm on every on-failure message: id and what a person does about it. */
  readonly deadLetterAlarm: { readonly id: string; readonly description: string };
  /** The alarm on the function's errors. */
  readonly errorsAlarm: { readonly id: string; readonly description: string };
}

/** A stream-fed function with its on-failure queue and alarms. */
export interface StreamFunction {
  readonly function: PipelineFunction;
  readonly deadLetterQueue: Queue;
}

/** The on-failure queues' settings: encrypted with the data key, TLS only, kept 14 days. */
export function onFailureQueueProps(data: DataStore) {
  return {
    encryption: QueueEncryption.KMS,
    encryptionMasterKey: data.dataKey,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  } as const;
}

/** Builds the function, its event source mapping from the contract, the queue and the alarms. */
export function streamFunction(scope: Construct, props: StreamFunctionProps): StreamFunction {
  const fn = new PipelineFunction(scope, props.id, props.function);
  const deadLetterQueue =
    'queue' in props.onFailure
      ? props.onFailure.queue
      : new Queue(scope, props.onFailure.id, onFailureQueueProps(props.data));
  const { mapping } = props;
  fn.function.addEventSource(
    new DynamoEventSource(props.table, {
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: mapping.batchSize,
      maxBatchingWindow: Duration.seconds(mapping.maxBatchingWindowSeconds),
      filters: mapping.filters.map((pattern: StreamFilterPattern) =>
        FilterCriteria.filter({ eventName: [...pattern.eventName] }),
      ),
      reportBatchItemFailures: mapping.reportBatchItemFailures,
      bisectBatchOnError: mapping.bisectBatchOnError,
      retryAttempts: mapping.retryAttempts,
      maxRecordAge: Duration.days(mapping.maxRecordAgeDays),
      onFailure: new SqsDlq(deadLetterQueue),
    }),
  );
  // Every batch given up alarms, whether or not something consumed the queue since.
  props.operations.alarm(props.deadLetterAlarm.id, {
    metric: deadLetterQueue.metricNumberOfMessagesSent({
      period: Duration.minutes(5),
      statistic: 'Sum',
    }),
    threshold: 0,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    description: props.deadLetterAlarm.description,
  });
  props.operations.watchFunctionErrors(
    props.errorsAlarm.id,
    fn.function,
    props.errorsAlarm.description,
  );
  return { function: fn, deadLetterQueue };
}
