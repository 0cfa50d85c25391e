/**
 * The iep-docs stack: data (tables, documents bucket, audit trail), signing (KMS key and its
 * certificate), delivery (queue, SES, download endpoint), rendering (the stream-fed renderer and
 * its dead-letter consumer), regeneration (the queue-fed batch re-renderer), the calendar (the
 * daily sweep) and operations (alarms). Each function is wired only when its
 * handler exists, so the stack covers what the tree holds.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE, SERVICE_NAME } from '../functions/contract/environment.ts';
import { type DeploymentConfig, senderDomains } from './config.ts';
import { Calendar } from './constructs/calendar.ts';
import { ChromiumLayer } from './constructs/chromium-layer.ts';
import { OperationsDashboard } from './constructs/dashboard.ts';
import { DataStore } from './constructs/data.ts';
import { Delivery } from './constructs/delivery.ts';
import { MeetingNotices } from './constructs/meetings.ts';
import { Operations } from './constructs/operations.ts';
import type { FunctionDefaults } from './constructs/pipeline-function.ts';
import { Regeneration } from './constructs/regeneration.ts';
import { Rendering } from './constructs/rendering.ts';
import { ParentResponses } from './constructs/responses.ts';
import { Signing } from './constructs/signing.ts';
import { Translations } from './constructs/translations.ts';
import type { HandlerEntries } from './handlers.ts';

/** What {@link IepDocsStack} needs. */
export interface IepDocsStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** Repository root (package-lock.json, templates/, node_modules/). */
  readonly projectRoot: string;
  /** Every handler's entry file (see `handlerEntries`). */
  readonly handlers: HandlerEntries;
}

/** Days before the signing certificate expires at which the alarm fires. */
export const CERTIFICATE_WARNING_DAYS = 60;

/** The whole deployment. */
export class IepDocsStack extends Stack {
  readonly operations: Operations;
  readonly data: DataStore;
  readonly signing: Signing;
  readonly delivery: Delivery;
  readonly rendering: Rendering;
  readonly meetingNotices: MeetingNotices;
  readonly translations: Translations;
  readonly responses: ParentResponses;
  readonly regeneration: Regeneration;
  readonly calendar: Calendar;

  // Long because: the composition root of the stack: each construct in the order it needs the
  // others, each a few lines of properties; read in one place it is the stack's table of contents.
  constructor(scope: Construct, id: string, props: IepDocsStackProps) {
    super(scope, id, props);
    const { config, handlers } = props;

    this.operations = new Operations(this, 'Operations', {
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
    });
    const logRetention = config.logRetentionDays as RetentionDays;
    this.data = new DataStore(this, 'Data', {
      operations: this.operations,
      retentionYears: config.retentionYears,
      objectLockMode: config.objectLockMode,
      logRetention,
    });
    this.signing = new Signing(this, 'Signing');

    const defaults: FunctionDefaults = {
      projectRoot: props.projectRoot,
      districtProfilesDir: config.districtProfilesDir,
      logKey: this.operations.key,
      logRetention,
      logLevel: config.logLevel,
    };
    const chromium = new ChromiumLayer(this, 'Chromium', { projectRoot: props.projectRoot }).layer;

    this.delivery = new Delivery(this, 'Delivery', {
      defaults,
      entries: handlers,
      config,
      senderDomains: senderDomains(config),
      data: this.data,
      operations: this.operations,
      chromium,
      signing: this.signing,
    });

    this.rendering = new Rendering(this, 'Rendering', {
      defaults,
      entry: handlers['render-documents'],
      data: this.data,
      signing: this.signing,
      delivery: this.delivery,
      operations: this.operations,
      memorySize: config.renderMemoryMb,
      chromium,
      deadLetterEntry: handlers['stream-dead-letter'],
    });
    this.meetingNotices = new MeetingNotices(this, 'Meetings', {
      defaults,
      entry: handlers['meeting-notices'],
      data: this.data,
      signing: this.signing,
      delivery: this.delivery,
      operations: this.operations,
      memorySize: config.renderMemoryMb,
      chromium,
    });
    this.translations = new Translations(this, 'Translations', {
      defaults,
      entry: handlers['render-translations'],
      data: this.data,
      signing: this.signing,
      delivery: this.delivery,
      operations: this.operations,
      memorySize: config.renderMemoryMb,
      chromium,
    });
    this.responses = new ParentResponses(this, 'Responses', {
      defaults,
      entry: handlers['response-follow-up'],
      data: this.data,
      signing: this.signing,
      delivery: this.delivery,
      operations: this.operations,
      memorySize: config.renderMemoryMb,
      chromium,
    });
    this.regeneration = new Regeneration(this, 'Regeneration', {
      defaults,
      entry: handlers.regenerate,
      data: this.data,
      signing: this.signing,
      operations: this.operations,
      memorySize: config.renderMemoryMb,
      chromium,
      maxConcurrency: config.regenerateMaxConcurrency,
    });
    this.calendar = new Calendar(this, 'Calendar', {
      defaults,
      entry: handlers['review-sweep'],
      districts: config.districts,
      data: this.data,
      signing: this.signing,
      delivery: this.delivery,
      operations: this.operations,
      chromium,
      memorySize: config.renderMemoryMb,
    });

    // Published at least daily by the sweep (certificateExpiryMetric); absence is caught by
    // the sweep-not-run alarm, so missing data does not page twice.
    this.operations.alarm('CertificateExpiryAlarm', {
      metric: Operations.pipelineMetric(
        METRICS_NAMESPACE,
        SERVICE_NAME,
        METRIC.certificateDaysToExpiry,
        'Minimum',
        Duration.days(1),
      ),
      threshold: CERTIFICATE_WARNING_DAYS,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      description: `The signing certificate expires within ${CERTIFICATE_WARNING_DAYS} days: request a new one (iep-docs certificate) and store the chain in the SSM parameter`,
    });

    new OperationsDashboard(this, 'Dashboard', {
      districtIds: config.districts.map((district) => district.districtId),
      operations: this.operations,
    });

    new CfnOutput(this, 'DecisionsTableName', { value: this.data.tables.decisions.tableName });
    new CfnOutput(this, 'DocumentsBucketName', { value: this.data.documentsBucket.bucketName });
    new CfnOutput(this, 'SigningKeyArn', { value: this.signing.key.keyArn });
    new CfnOutput(this, 'CertificateParameterName', {
      value: this.signing.certificateParameter.parameterName,
    });
    // What a district's system needs to write decisions and read outcomes (docs/district-guide.md).
    new CfnOutput(this, 'DataKeyArn', { value: this.data.dataKey.keyArn });
    new CfnOutput(this, 'OutcomesTableName', { value: this.data.tables.outcomes.tableName });
    new CfnOutput(this, 'DeliveriesTableName', { value: this.data.tables.deliveries.tableName });
    // Where the district's translation office writes (`iep-docs translation import --table`).
    new CfnOutput(this, 'TranslationsTableName', {
      value: this.data.tables.translations.tableName,
    });
    if (this.delivery.postalQueue) {
      new CfnOutput(this, 'PostalQueueUrl', { value: this.delivery.postalQueue.queueUrl });
    }
    new CfnOutput(this, 'AlarmTopicArn', { value: this.operations.alarmTopic.topicArn });
    // What `iep-docs regenerate --queue-url` needs (docs/deploying.md).
    new CfnOutput(this, 'RegenerationQueueUrl', { value: this.regeneration.queue.queueUrl });
    new CfnOutput(this, 'RunsTableName', { value: this.data.tables.runs.tableName });
    new CfnOutput(this, 'DownloadBaseUrl', { value: this.delivery.downloadBaseUrl });
    // The public "Is this copy genuine?" page, for the district's letters and website.
    new CfnOutput(this, 'VerifyUrl', { value: `${this.delivery.downloadBaseUrl}/verify` });
  }
}
