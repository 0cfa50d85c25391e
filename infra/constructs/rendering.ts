/**
 * Rendering: the render-documents function fed by the decisions stream (new or changed items),
 * with partial batch responses, bisection, bounded retries and an on-failure
 * dead-letter queue, so that one bad record neither blocks nor re-runs the others and none is
 * dropped silently.
 */
import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator } from 'aws-cdk-lib/aws-cloudwatch';
import { FilterCriteria, type ILayerVersion, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FONT_PACKAGES } from '../../functions/render/fonts.ts';
import { ENV } from '../env.ts';
import { DECISION_STREAM_FILTERS } from '../tables.ts';
import { CHROMIUM_PACKAGE } from './chromium-layer.ts';
import type { DataStore } from './data.ts';
import type { Delivery } from './delivery.ts';
import type { Operations } from './operations.ts';
import { type FunctionDefaults, PipelineFunction } from './pipeline-function.ts';
import type { Signing } from './signing.ts';

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
}

/** Attempts per stream record before it goes to the dead-letter queue. */
export const STREAM_RETRY_ATTEMPTS = 5;

/** The renderer, its Chromium layer and its stream wiring. */
export class Rendering extends Construct {
  readonly renderer: PipelineFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: RenderingProps) {
    super(scope, id);
    const { data, signing, delivery, operations } = props;

    this.renderer = new PipelineFunction(this, 'RenderDocuments', {
      defaults: props.defaults,
      entry: props.entry,
      description: 'Finalized decisions → signed PDFs in S3, document records, outcomes',
      // ≥ 1769 MB gives one full vCPU, which Chromium needs to print in seconds.
      memorySize: props.memorySize,
      timeout: Duration.minutes(5),
      layers: [props.chromium],
      externalModules: [CHROMIUM_PACKAGE],
      fonts: FONT_PACKAGES,
      environment: {
        ...data.tableEnvironment([
          'decisions',
          'outcomes',
          'documents',
          'deliveries',
          'links',
          'accessLog',
          'calendar',
        ]),
        [ENV.documentsBucket]: data.documentsBucket.bucketName,
        [ENV.deliveryQueueUrl]: delivery.queue.queueUrl,
        ...signing.environment(),
      },
    });
    const fn = this.renderer.function;
    data.tables.decisions.grantReadData(fn);
    for (const table of [
      data.tables.outcomes,
      data.tables.documents,
      data.tables.deliveries,
      data.tables.links,
      data.tables.accessLog,
      data.tables.calendar,
    ]) {
      table.grantReadWriteData(fn);
    }
    // Documents are written under districts/ only, never overwritten (Object Lock keeps versions).
    data.grantDocumentWrite(fn, 'districts/');
    data.grantDocumentRead(fn, 'districts/');
    data.grantDocumentList(fn);
    signing.grantSign(fn);
    delivery.queue.grantSendMessages(fn);

    this.deadLetterQueue = new Queue(this, 'StreamDeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: data.dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const source = new DynamoEventSource(data.tables.decisions, {
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: 10,
      maxBatchingWindow: Duration.seconds(1),
      // Every new or changed item (see DECISION_STREAM_FILTERS): drafts and withdrawals are
      // recorded as skipped, or withdraw their links and calendar, rather than dropped unseen.
      filters: DECISION_STREAM_FILTERS.map((pattern) => FilterCriteria.filter(pattern)),
      reportBatchItemFailures: true,
      bisectBatchOnError: true,
      retryAttempts: STREAM_RETRY_ATTEMPTS,
      maxRecordAge: Duration.days(1),
      onFailure: new SqsDlq(this.deadLetterQueue),
    });
    fn.addEventSource(source);

    operations.watchDeadLetterQueue(
      'StreamDeadLettersAlarm',
      this.deadLetterQueue,
      'a finalized decision failed to render after every retry; its stream record (keys, not data) is in the queue: fix the cause and re-drive it',
    );
    operations.watchFunctionErrors(
      'RendererErrorsAlarm',
      fn,
      'render-documents threw (an infrastructure failure such as S3, DynamoDB, KMS or Chromium); the stream retries the batch',
    );
    operations.alarm('StreamIteratorAgeAlarm', {
      metric: fn.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(5) }),
      threshold: Duration.minutes(15).toMilliseconds(),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      description:
        'Finalized decisions wait more than 15 minutes in the stream: the renderer is failing or too slow; records older than a day go to the dead-letter queue',
    });
  }
}
