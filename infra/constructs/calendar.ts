/**
 * The compliance calendar: the review-sweep function, run daily at 06:00 in each district's
 * time zone by EventBridge Scheduler (one schedule per district, which names the district in
 * its payload), with retries and a dead-letter queue, and an alarm when a day passes without
 * every district's sweep having run.
 */
import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../functions/contract/environment.ts';
import type { DistrictProfile } from '../../functions/core/district.ts';
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

/** What {@link Calendar} needs. */
export interface CalendarProps {
  readonly defaults: FunctionDefaults;
  readonly entry: string;
  readonly districts: readonly DistrictProfile[];
  readonly data: DataStore;
  readonly signing: Signing;
  readonly delivery: Delivery;
  readonly operations: Operations;
  readonly chromium: ILayerVersion;
  readonly memorySize: number;
}

/** The payload each district's schedule sends the sweep. */
export interface SweepEvent {
  readonly districtId: string;
}

/** The sweep function and its schedules. */
export class Calendar extends Construct {
  readonly sweep: PipelineFunction;
  readonly schedules: Schedule[];
  readonly deadLetterQueue: Queue;
  readonly schedulerRole: Role;

  // Long because: the construct's resources, grants and alarms, declared in the order each needs
  // the one before; each block is a few lines of CDK properties, and helpers would only pass the
  // half-built construct around.
  constructor(scope: Construct, id: string, props: CalendarProps) {
    super(scope, id);
    const { data, signing, delivery, operations } = props;
    this.deadLetterQueue = new Queue(this, 'SweepDeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: data.dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.sweep = new PipelineFunction(this, 'ReviewSweep', {
      defaults: props.defaults,
      entry: props.entry,
      description: 'Daily: due reminders → notice PDFs → delivery jobs; overdue alerts',
      memorySize: props.memorySize,
      timeout: Duration.minutes(15),
      layers: [props.chromium],
      externalModules: [CHROMIUM_PACKAGE],
      fonts: FONT_PACKAGES,
      deadLetterQueue: this.deadLetterQueue,
      // Prints notices with Chromium, as the renderer does.
      nodeOptions: RENDER_NODE_OPTIONS,
      environment: {
        ...data.tableEnvironment([
          'decisions',
          'outcomes',
          'documents',
          'deliveries',
          'calendar',
          'runs',
        ]),
        [ENV.documentsBucket]: data.documentsBucket.bucketName,
        [ENV.deliveryQueueUrl]: delivery.queue.queueUrl,
        [ENV.sesConfigurationSet]: delivery.configurationSet.configurationSetName,
        ...signing.environment(),
      },
    });
    const fn = this.sweep.function;
    data.tables.decisions.grantReadData(fn);
    data.tables.outcomes.grantReadData(fn);
    for (const table of [
      data.tables.documents,
      data.tables.deliveries,
      data.tables.calendar,
      data.tables.runs,
    ]) {
      table.grantReadWriteData(fn);
    }
    data.grantDocumentWrite(fn, 'districts/');
    data.grantDocumentRead(fn, 'districts/');
    data.grantDocumentList(fn);
    signing.grantSign(fn);
    delivery.queue.grantSendMessages(fn);
    // Case managers' reminders and overdue alerts are emails from the sweep itself.
    delivery.grantSendEmail(fn);

    // The scheduler's own role: invoke the sweep, and put a failed invocation into the
    // KMS-encrypted dead-letter queue (which needs the data key).
    this.schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'iep-docs: EventBridge Scheduler invokes the daily sweep',
    });
    data.dataKey.grant(this.schedulerRole, 'kms:GenerateDataKey', 'kms:Decrypt');
    this.schedules = props.districts.map(
      (district) =>
        new Schedule(this, `Daily-${district.districtId}`, {
          description: `Daily compliance sweep for ${district.districtId} at 06:00 ${district.timeZone}`,
          schedule: ScheduleExpression.cron({
            minute: '0',
            hour: '6',
            timeZone: TimeZone.of(district.timeZone),
          }),
          target: new LambdaInvoke(fn, {
            role: this.schedulerRole,
            input: ScheduleTargetInput.fromObject({
              districtId: district.districtId,
            } satisfies SweepEvent),
            deadLetterQueue: this.deadLetterQueue,
            retryAttempts: 3,
            maxEventAge: Duration.hours(6),
          }),
        }),
    );

    operations.watchDeadLetterQueue(
      'SweepDeadLettersAlarm',
      this.deadLetterQueue,
      "a district's daily sweep could not be delivered or failed every retry: reminders for that day were not sent; the next run catches up",
    );
    operations.watchFunctionErrors(
      'SweepErrorsAlarm',
      fn,
      'the daily sweep threw; reminders may be late (each is still sent at most once)',
    );
    operations.alarm('SweepNotRunAlarm', {
      metric: fn.metricInvocations({ period: Duration.days(1), statistic: 'Sum' }),
      threshold: props.districts.length,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.BREACHING,
      description:
        'The daily sweep did not run for every district within a day: check the schedules (disabled?) and the sweep function',
    });
  }
}
