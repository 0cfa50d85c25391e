/**
 * Rendering: the render-documents function fed by the decisions stream (new or changed items),
 * with partial batch responses, bisection, bounded retries and an on-failure
 * dead-letter queue, so that one bad record neither blocks nor re-runs the others and none is
 * dropped silently. The stream-dead-letter function consumes that queue: it reads the failed
 * records back from the stream and records each version `dead-lettered`; a range it cannot
 * read (aged out) ends in a second dead-letter queue, which alarms.
 */
import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator } from 'aws-cdk-lib/aws-cloudwatch';
import type { ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../functions/contract/environment.ts';
import { STREAM_DEAD_LETTER_QUEUE } from '../../functions/contract/queues.ts';
import { DECISION_STREAM_MAPPING } from '../../functions/contract/streams.ts';
import { FONT_PACKAGES } from '../../functions/render/fonts.ts';
import { CHROMIUM_PACKAGE } from './chromium-layer.ts';
import type { DataStore } from './data.ts';
import type { Delivery } from './delivery.ts';
import type { Operations } from './operations.ts';
import {
  type FunctionDefaults,
  PipelineFunction,
  RENDER_NODE_OPTIONS,
} from './pipeline-function.ts';
import type { Signing } from './signing.ts';
import { onFailureQueueProps, streamFunction } from './stream-function.ts';

/** What {@link Rendering} needs. */
export interface RenderingProps {
  readonly defaults: FunctionDefaults;
  readonly entry: string;
  readonly data: DataStore;
  readonly signing: Signing;
  readonly delivery: Delivery;
  readonly operations: Operations;
  readonly memorySize: number;
  /** The `@sparticuz/chromium` layer. */
  readonly chromium: ILayerVersion;
  /** The stream-dead-letter handler: the dead-letter queue's consumer. */
  readonly deadLetterEntry: string;
}

/** The dead-letter consumer's timeout (a few stream reads and outcome writes). */
export const DEAD_LETTER_CONSUMER_TIMEOUT = Duration.seconds(30);

/** The renderer, its Chromium layer and its stream wiring. */
export class Rendering extends Construct {
  readonly renderer: PipelineFunction;
  readonly deadLetterQueue: Queue;
  /** Reads the dead-letter queue and records each version `dead-lettered`. */
  readonly deadLetterConsumer: PipelineFunction;
  /** On-failure messages the consumer could not record (their records aged out). */
  readonly unrecordedDeadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: RenderingProps) {
    super(scope, id);
    const { data, operations } = props;

    const encrypted = onFailureQueueProps(data);
    this.unrecordedDeadLetterQueue = new Queue(this, 'UnrecordedStreamDeadLetters', encrypted);
    this.deadLetterQueue = new Queue(this, 'StreamDeadLetters', {
      ...encrypted,
      // Six times the consumer's timeout, as Lambda recommends for SQS sources.
      visibilityTimeout: Duration.seconds(DEAD_LETTER_CONSUMER_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: {
        queue: this.unrecordedDeadLetterQueue,
        maxReceiveCount: STREAM_DEAD_LETTER_QUEUE.maxReceiveCount,
      },
    });
    // The mapping's settings are the contract's, which the local stream poller reads too.
    this.renderer = streamFunction(this, {
      id: 'RenderDocuments',
      function: {
        defaults: props.defaults,
        entry: props.entry,
        description: 'Finalized decisions → signed PDFs in S3, document records, outcomes',
        // ≥ 1769 MB gives one full vCPU, which Chromium needs to print in seconds.
        memorySize: props.memorySize,
        timeout: Duration.minutes(5),
        layers: [props.chromium],
        externalModules: [CHROMIUM_PACKAGE],
        fonts: FONT_PACKAGES,
        environment: rendererEnvironment(props),
        nodeOptions: RENDER_NODE_OPTIONS,
      },
      table: data.tables.decisions,
      mapping: DECISION_STREAM_MAPPING,
      data,
      operations,
      onFailure: { queue: this.deadLetterQueue },
      // Alarms whether or not the consumer has recorded the batch since (the queue then
      // stays empty, so its depth would not tell).
      deadLetterAlarm: {
        id: 'StreamDeadLettersAlarm',
        description:
          'A message reached a dead-letter queue: a batch of the decisions stream failed to render after every retry; its versions are recorded dead-lettered in the outcomes table (the renderer logs say why): fix the cause, then the district writes those decisions again as a new version (an outcome is final for its version)',
      },
      errorsAlarm: {
        id: 'RendererErrorsAlarm',
        description:
          'render-documents threw (an infrastructure failure such as S3, DynamoDB, KMS or Chromium); the stream retries the batch',
      },
    }).function;
    const fn = this.renderer.function;
    this.grantRenderer(fn, props);

    this.deadLetterConsumer = this.consumeDeadLetters(props, this.unrecordedDeadLetterQueue);
    this.alarmOnIteratorAge(fn, operations);
  }

  /**
   * The renderer's rights, no more: it reads decisions, translations and deliveries, writes
   * outcomes, documents and the calendar, revokes links, writes and reads under districts/.
   */
  private grantRenderer(fn: NodejsFunction, props: RenderingProps): void {
    const { data, signing, delivery } = props;
    data.tables.decisions.grantReadData(fn);
    // A version's translations written before it was processed (never written by the pipeline).
    data.tables.translations.grantReadData(fn);
    for (const table of [data.tables.outcomes, data.tables.documents, data.tables.calendar]) {
      table.grantReadWriteData(fn);
    }
    // A withdrawn version's links are found through its deliveries and revoked: the renderer
    // reads deliveries and may only update a link (revokedAt), never create one, nor read the
    // access log. Chromium runs in this role's process: a compromise must not mint a link.
    data.tables.deliveries.grantReadData(fn);
    data.tables.links.grant(fn, 'dynamodb:UpdateItem');
    data.grantTableKey(fn);
    // Documents are written under districts/ only, never overwritten (Object Lock keeps versions).
    data.grantDocumentWrite(fn, 'districts/');
    data.grantDocumentRead(fn, 'districts/');
    data.grantDocumentList(fn);
    signing.grantSign(fn);
    delivery.queue.grantSendMessages(fn);
    // Schedules the calendar, so it computes studentKey: it reads the HMAC key at cold start.
    data.grantStudentKeySecret(fn);
  }

  /** Alarms when finalized decisions wait in the stream. */
  private alarmOnIteratorAge(fn: NodejsFunction, operations: Operations): void {
    operations.alarm('StreamIteratorAgeAlarm', {
      metric: fn.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(5) }),
      threshold: Duration.minutes(15).toMilliseconds(),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      description:
        'Finalized decisions wait more than 15 minutes in the stream: the renderer is failing or too slow; records older than a day go to the dead-letter queue',
    });
  }

  /** The dead-letter queue's consumer: streams read on the decisions stream, outcomes written. */
  private consumeDeadLetters(props: RenderingProps, unrecorded: Queue): PipelineFunction {
    const { data, operations } = props;
    const consumer = new PipelineFunction(this, 'StreamDeadLetter', {
      defaults: props.defaults,
      entry: props.deadLetterEntry,
      description: 'Decisions stream on-failure records → dead-lettered outcomes',
      memorySize: 256,
      timeout: DEAD_LETTER_CONSUMER_TIMEOUT,
      environment: data.tableEnvironment(['outcomes']),
    });
    const fn = consumer.function;
    // Only the two calls that read a known range back; no ListStreams, no DescribeStream.
    data.tables.decisions.grantStream(fn, 'dynamodb:GetShardIterator', 'dynamodb:GetRecords');
    // recordDeadLetter: GetItem (last failure, outcome) and a conditional UpdateItem.
    data.tables.outcomes.grant(fn, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    data.grantTableKey(fn);
    fn.addEventSource(
      new SqsEventSource(this.deadLetterQueue, {
        batchSize: STREAM_DEAD_LETTER_QUEUE.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: STREAM_DEAD_LETTER_QUEUE.maxConcurrency,
      }),
    );
    operations.watchDeadLetterQueue(
      'UnrecordedStreamDeadLettersAlarm',
      unrecorded,
      'a failed batch of the decisions stream could not be recorded dead-lettered (its records aged out of the 24-hour stream, or the outcomes table refused the write); the message holds the shard and sequence range, and stream-dead-letter logged it: find the decisions written in that time without an outcome and rewrite them',
    );
    operations.watchFunctionErrors(
      'StreamDeadLetterErrorsAlarm',
      fn,
      'stream-dead-letter threw; its messages return to the queue and are retried',
    );
    return consumer;
  }
}

/** The renderer's environment: the tables it reads or writes, the bucket, the queue, signing. */
function rendererEnvironment({ data, delivery, signing }: RenderingProps): Record<string, string> {
  return {
    ...data.tableEnvironment([
      'decisions',
      'outcomes',
      'documents',
      'deliveries',
      'links',
      'accessLog',
      'calendar',
      'translations',
    ]),
    [ENV.documentsBucket]: data.documentsBucket.bucketName,
    [ENV.deliveryQueueUrl]: delivery.queue.queueUrl,
    ...signing.environment(),
  };
}
