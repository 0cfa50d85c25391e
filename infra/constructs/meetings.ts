/**
 * Meeting notices: the meeting-notices function fed by the meetings table's stream (the
 * contract's mapping, as the decisions stream's), with partial batch responses, bisection,
 * bounded retries and an on-failure queue that alarms. It renders and signs the Notice of IEP
 * Team Meeting (Chromium), stores it write-once, records the outcome and queues the delivery.
 */
import { Duration } from 'aws-cdk-lib';
import type { ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../functions/contract/environment.ts';
import { MEETING_STREAM_MAPPING } from '../../functions/contract/streams.ts';
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

/** What {@link MeetingNotices} needs. */
export interface MeetingNoticesProps {
  readonly defaults: FunctionDefaults;
  readonly entry: string;
  readonly data: DataStore;
  readonly signing: Signing;
  readonly delivery: Delivery;
  readonly operations: Operations;
  readonly memorySize: number;
  readonly chromium: ILayerVersion;
}

/** The meeting-notices function and its stream wiring. */
export class MeetingNotices extends Construct {
  readonly function: PipelineFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: MeetingNoticesProps) {
    super(scope, id);
    const { data, signing, delivery, operations } = props;
    const built = streamFunction(this, {
      id: 'MeetingNotices',
      function: {
        defaults: props.defaults,
        entry: props.entry,
        description:
          'Meeting items → signed notices of IEP team meetings (300.322), queued for delivery',
        memorySize: props.memorySize,
        timeout: Duration.minutes(5),
        layers: [props.chromium],
        externalModules: [CHROMIUM_PACKAGE],
        fonts: FONT_PACKAGES,
        environment: {
          ...data.tableEnvironment(['meetings', 'outcomes', 'documents']),
          [ENV.documentsBucket]: data.documentsBucket.bucketName,
          [ENV.deliveryQueueUrl]: delivery.queue.queueUrl,
          ...signing.environment(),
        },
        nodeOptions: RENDER_NODE_OPTIONS,
      },
      table: data.tables.meetings,
      mapping: MEETING_STREAM_MAPPING,
      data,
      operations,
      onFailure: { id: 'MeetingStreamDeadLetters' },
      deadLetterAlarm: {
        id: 'MeetingStreamDeadLettersAlarm',
        description:
          'A batch of the meetings stream failed after every retry: those meeting notices were not sent (the meeting-notices logs say why); fix the cause, then the district writes the meeting again as its next revision',
      },
      errorsAlarm: {
        id: 'MeetingNoticesErrorsAlarm',
        description:
          'meeting-notices threw (S3, DynamoDB, KMS or Chromium); the stream retries the batch',
      },
    });
    this.function = built.function;
    this.deadLetterQueue = built.deadLetterQueue;
    const fn = this.function.function;
    // Reads the revision a reschedule replaces; never writes a district's item.
    data.tables.meetings.grantReadData(fn);
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
