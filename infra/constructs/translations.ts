/**
 * Later translations: the render-translations function fed by the translations table's stream
 * (the contract's mapping, as the decisions stream's), with partial batch responses,
 * bisection, bounded retries and an on-failure queue that alarms. A translation written after
 * its decision version was processed becomes that language's signed documents (Chromium),
 * stored write-once, recorded on the version's outcome and queued for delivery (300.503(c)).
 */
import { Duration } from 'aws-cdk-lib';
import type { ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../functions/contract/environment.ts';
import { TRANSLATION_STREAM_MAPPING } from '../../functions/contract/streams.ts';
import { FONT_PACKAGES } from '../../functions/render/fonts.ts';
import { CHROMIUM_PACKAGE } from './chromium-layer.ts';
import type { DataStore } from './data.ts';
import type { Delivery } from './delivery.ts';
import type { Operations } from './operations.ts';
import {
  type FunctionDefaults,
  type PipelineFunction,
  RENDER_NODE_OPTIONS,
} from './pipeline-function.ts';
import type { Signing } from './signing.ts';
import { streamFunction } from './stream-function.ts';

/** What {@link Translations} needs. */
export interface TranslationsProps {
  readonly defaults: FunctionDefaults;
  readonly entry: string;
  readonly data: DataStore;
  readonly signing: Signing;
  readonly delivery: Delivery;
  readonly operations: Operations;
  readonly memorySize: number;
  readonly chromium: ILayerVersion;
}

/** The render-translations function and its stream wiring. */
export class Translations extends Construct {
  readonly function: PipelineFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: TranslationsProps) {
    super(scope, id);
    const { data, signing, delivery, operations } = props;
    const built = streamFunction(this, {
      id: 'RenderTranslations',
      function: {
        defaults: props.defaults,
        entry: props.entry,
        description:
          'Translations items → the documents in that language (300.503(c)), queued for delivery',
        memorySize: props.memorySize,
        timeout: Duration.minutes(5),
        layers: [props.chromium],
        externalModules: [CHROMIUM_PACKAGE],
        fonts: FONT_PACKAGES,
        environment: {
          ...data.tableEnvironment(['translations', 'decisions', 'outcomes', 'documents']),
          [ENV.documentsBucket]: data.documentsBucket.bucketName,
          [ENV.deliveryQueueUrl]: delivery.queue.queueUrl,
          ...signing.environment(),
        },
        nodeOptions: RENDER_NODE_OPTIONS,
      },
      table: data.tables.translations,
      mapping: TRANSLATION_STREAM_MAPPING,
      data,
      operations,
      onFailure: { id: 'TranslationStreamDeadLetters' },
      deadLetterAlarm: {
        id: 'TranslationStreamDeadLettersAlarm',
        description:
          'A batch of the translations stream failed after every retry: those documents in the parents\u2019 language were not made (the render-translations logs say why); fix the cause, then the translation office writes the item again',
      },
      errorsAlarm: {
        id: 'RenderTranslationsErrorsAlarm',
        description:
          'render-translations threw (S3, DynamoDB, KMS, Chromium, or a version not processed yet); the stream retries the batch',
      },
    });
    this.function = built.function;
    this.deadLetterQueue = built.deadLetterQueue;
    const fn = this.function.function;
    // Reads the district's items (the stream's grant covers the stream); never writes them.
    data.tables.translations.grantReadData(fn);
    data.tables.decisions.grantReadData(fn);
    data.tables.outcomes.grantReadWriteData(fn);
    data.tables.documents.grantReadWriteData(fn);
    data.grantTableKey(fn);
    data.grantDocumentWrite(fn, 'districts/');
    data.grantDocumentRead(fn, 'districts/');
    data.grantDocumentList(fn);
    signing.grantSign(fn);
    delivery.queue.grantSendMessages(fn);
  }
}
