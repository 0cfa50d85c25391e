/**
 * Batch regeneration in AWS: the regeneration queue (one message `{ decisionId, version, jobId }`
 * per decision version, sent by `iep-docs regenerate --queue-url`), its dead-letter queue, and
 * the regenerate function fed by it with partial batch responses and a bounded number of
 * concurrent containers. The job's ledger (the runs table) makes a redelivered message a no-op,
 * so a failed message is retried and a finished one is never redone.
 */
import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../functions/contract/environment.ts';
import { REGENERATION_QUEUE } from '../../functions/contract/queues.ts';
import { FONT_PACKAGES } from '../../functions/render/fonts.ts';
import { CHROMIUM_PACKAGE } from './chromium-layer.ts';
import type { DataStore } from './data.ts';
import type { Operations } from './operations.ts';
import {
  type FunctionDefaults,
  PipelineFunction,
  RENDER_NODE_OPTIONS,
} from './pipeline-function.ts';
import type { Signing } from './signing.ts';

/** What {@link Regeneration} needs. */
export interface RegenerationProps {
  readonly defaults: FunctionDefaults;
  readonly entry: string;
  readonly data: DataStore;
  readonly signing: Signing;
  readonly operations: Operations;
  readonly memorySize: number;
  /** The `@sparticuz/chromium` layer. */
  readonly chromium: ILayerVersion;
  /** Most containers at once (the event source's maximum concurrency). */
  readonly maxConcurrency: number;
}

/**
 * The regenerate function's timeout: a batch of 10 decisions takes ~5 s warm (≈ 0.42 s each,
 * docs/scale.md) and a cold start adds Chromium's few seconds; two minutes leaves a wide margin.
 */
export const REGENERATE_TIMEOUT = Duration.minutes(2);

/** DynamoDB actions on items, and only those, on one table (and its indexes). */
function grantItems(table: Table, grantee: IGrantable, ...actions: string[]): void {
  table.grant(grantee, ...actions.map((action) => `dynamodb:${action}`));
}

/** The regeneration queue, its dead-letter queue and the regenerate function. */
export class Regeneration extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly regenerate: PipelineFunction;

  // Long because: the construct's resources, grants and alarms, declared in the order each needs
  // the one before; each block is a few lines of CDK properties, and helpers would only pass the
  // half-built construct around.
  constructor(scope: Construct, id: string, props: RegenerationProps) {
    super(scope, id);
    const { data, signing, operations } = props;
    const encrypted = {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: data.dataKey,
      enforceSSL: true,
    } as const;

    this.deadLetterQueue = new Queue(this, 'RegenerationDeadLetters', {
      ...encrypted,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'RegenerationQueue', {
      ...encrypted,
      // Six times the function timeout, as Lambda recommends for SQS sources: a message is not
      // handed to a second container while the first may still be working on it.
      visibilityTimeout: Duration.seconds(REGENERATE_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: REGENERATION_QUEUE.maxReceiveCount,
      },
    });

    this.regenerate = new PipelineFunction(this, 'Regenerate', {
      defaults: props.defaults,
      entry: props.entry,
      description:
        'Regeneration jobs: a decision version in force → new renditions of changed documents',
      memorySize: props.memorySize,
      timeout: REGENERATE_TIMEOUT,
      layers: [props.chromium],
      externalModules: [CHROMIUM_PACKAGE],
      fonts: FONT_PACKAGES,
      environment: {
        ...data.tableEnvironment(['decisions', 'documents', 'runs', 'translations']),
        [ENV.documentsBucket]: data.documentsBucket.bucketName,
        ...signing.environment(),
      },
      nodeOptions: RENDER_NODE_OPTIONS,
    });
    const fn = this.regenerate.function;
    // What the use case calls, table by table (functions/pipeline/regenerate.ts and its adapters).
    grantItems(data.tables.decisions, fn, 'GetItem');
    // A version's translations written after it (functions/adapters/dynamo-translations.ts).
    grantItems(data.tables.translations, fn, 'Query');
    grantItems(data.tables.documents, fn, 'GetItem', 'Query', 'PutItem');
    grantItems(data.tables.runs, fn, 'GetItem', 'Query', 'PutItem');
    // Reads and writes of SSE-KMS tables go through the data key.
    data.grantTableKey(fn);
    // New renditions only: PutObject under districts/ (a conditional put; Object Lock keeps
    // every version), never a delete or a retention change.
    data.grantDocumentWrite(fn, 'districts/');
    data.grantDocumentRead(fn, 'districts/');
    data.grantDocumentList(fn);
    signing.grantSign(fn);

    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: REGENERATION_QUEUE.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency,
      }),
    );

    operations.watchDeadLetterQueue(
      'RegenerationDeadLettersAlarm',
      this.deadLetterQueue,
      `a decision version of a regeneration job failed ${REGENERATION_QUEUE.maxReceiveCount} times (its message holds ids only): read the regenerate logs for the decisionId, fix the cause, then run the same iep-docs regenerate command with --resend`,
    );
    operations.watchFunctionErrors(
      'RegenerateErrorsAlarm',
      fn,
      'regenerate threw or timed out (Chromium, KMS, S3, DynamoDB); the whole batch returns to the queue and finished items are skipped through the job ledger',
    );
  }
}
