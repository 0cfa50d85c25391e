/**
 * Parents' answers, after the response page recorded them (issue #19): the response-follow-up
 * function fed by the responses table's stream (inserts only, the contract's mapping), with
 * Chromium like the renderer. It re-plans the decision's calendar on the consent in force,
 * prints and signs the "Parent response" PDF, stores it under the decision's responses/ prefix,
 * sets the answer's documentId once, and sends the parent's copy (by email, or to the mailroom's
 * queue for a printed-code answer) and the case manager's notice.
 */
import { Duration } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ILayerVersion, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../functions/contract/environment.ts';
import { RESPONSE_STREAM_MAPPING } from '../../functions/contract/streams.ts';
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

/** The only attributes the function may write on an answer: the rest is the signed record. */
export const RESPONSE_FOLLOW_UP_ATTRIBUTES = [
  'decisionId',
  'responseKey',
  'documentId',
  'noticeClaimedAt',
  'noticeSentAt',
] as const;

/** What {@link ParentResponses} needs. */
export interface ParentResponsesProps {
  readonly defaults: FunctionDefaults;
  readonly entry: string;
  readonly data: DataStore;
  readonly signing: Signing;
  readonly delivery: Delivery;
  readonly operations: Operations;
  readonly memorySize: number;
  readonly chromium: ILayerVersion;
}

/** The response-follow-up function and its stream wiring. */
export class ParentResponses extends Construct {
  readonly function: PipelineFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: ParentResponsesProps) {
    super(scope, id);
    const { data, signing, delivery, operations } = props;
    const built = streamFunction(this, {
      id: 'ResponseFollowUp',
      function: {
        defaults: props.defaults,
        entry: props.entry,
        description:
          'Parents\u2019 answers → calendar on the consent in force, signed Parent response PDF, copy and notice',
        memorySize: props.memorySize,
        timeout: Duration.minutes(5),
        layers: [props.chromium],
        externalModules: [CHROMIUM_PACKAGE],
        fonts: FONT_PACKAGES,
        environment: {
          ...data.tableEnvironment(['responses', 'decisions', 'documents', 'calendar']),
          [ENV.documentsBucket]: data.documentsBucket.bucketName,
          [ENV.sesConfigurationSet]: delivery.configurationSet.configurationSetName,
          ...signing.environment(),
        },
        nodeOptions: RENDER_NODE_OPTIONS,
      },
      table: data.tables.responses,
      mapping: RESPONSE_STREAM_MAPPING,
      data,
      operations,
      onFailure: { id: 'ResponseStreamDeadLetters' },
      deadLetterAlarm: {
        id: 'ResponseStreamDeadLettersAlarm',
        description:
          'An answer of the responses stream failed after every retry: its Parent response PDF, the parent\u2019s copy, the case manager\u2019s notice or its calendar change may be missing (the response-follow-up logs name the decision and answer); fix the cause and run the answer again',
      },
      errorsAlarm: {
        id: 'ResponseFollowUpErrorsAlarm',
        description:
          'response-follow-up threw (S3, DynamoDB, KMS, Chromium or SES); the stream retries the answer',
      },
    });
    this.function = built.function;
    this.deadLetterQueue = built.deadLetterQueue;
    grantFollowUp(this.function.function, props);
  }
}

/** What response-follow-up may do, and nothing else. */
function grantFollowUp(fn: LambdaFunction, props: ParentResponsesProps): void {
  const { data, signing, delivery } = props;
  // The answer is read again and listed; only its PDF id and the emails' claim are written.
  data.tables.responses.grant(fn, 'dynamodb:GetItem', 'dynamodb:Query');
  fn.addToRolePolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ['dynamodb:UpdateItem'],
      resources: [data.tables.responses.tableArn],
      conditions: {
        'ForAllValues:StringEquals': {
          'dynamodb:Attributes': [...RESPONSE_FOLLOW_UP_ATTRIBUTES],
        },
        StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE', 'UPDATED_OLD', 'UPDATED_NEW'] },
      },
    }),
  );
  data.tables.decisions.grant(fn, 'dynamodb:GetItem', 'dynamodb:Query');
  // The answer's document record, written once and read back for the copy.
  data.tables.documents.grant(fn, 'dynamodb:GetItem', 'dynamodb:PutItem');
  data.tables.calendar.grantReadWriteData(fn);
  data.grantTableKey(fn);
  // Only the answers' PDFs: districts/<d>/decisions/<id>/v<n>/responses/<responseId>.pdf.
  data.grantDocumentWrite(fn, 'districts/*/responses/');
  data.grantDocumentRead(fn, 'districts/*/responses/');
  signing.grantSign(fn);
  delivery.grantSendEmail(fn);
  // Re-plans the calendar, so it computes studentKey: it reads the HMAC key at cold start.
  data.grantStudentKeySecret(fn);
  // A printed-code answerer's copy goes to the mailroom (ids and the PDF's key only).
  if (delivery.postalQueue) {
    delivery.postalQueue.grantSendMessages(fn);
    fn.addEnvironment(ENV.postalQueueUrl, delivery.postalQueue.queueUrl);
  }
}
