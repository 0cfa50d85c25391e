/**
 * Delivery: the delivery queue (and its dead-letter queue) that render-documents and the sweep
 * feed; the deliver function; SES (the districts' sender domains with DKIM, a configuration
 * set that requires TLS and routes delivery events through EventBridge to delivery-status);
 * and the download endpoint (download-endpoint.ts, download-api.ts: links and the verification
 * page, rate-limited per client by WAF, throttled, access-logged).
 * Every function is required (infra/handlers.ts fails synth when a handler file is missing).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Grant, type IGrantable, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import {
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../functions/contract/environment.ts';
import { DELIVERY_QUEUE } from '../../functions/contract/queues.ts';
import { FONT_PACKAGES } from '../../functions/render/fonts.ts';
import type { DeploymentConfig } from '../config.ts';
import type { HandlerEntries } from '../handlers.ts';
import { CHROMIUM_PACKAGE } from './chromium-layer.ts';
import type { DataStore } from './data.ts';
import type { DownloadApi } from './download-api.ts';
import { downloadEndpoint } from './download-endpoint.ts';
import type { Operations } from './operations.ts';
import { type FunctionDefaults, PipelineFunction } from './pipeline-function.ts';
import type { Signing } from './signing.ts';

/** What {@link Delivery} needs. */
export interface DeliveryProps {
  readonly defaults: FunctionDefaults;
  readonly entries: HandlerEntries;
  readonly config: DeploymentConfig;
  readonly senderDomains: readonly string[];
  readonly data: DataStore;
  readonly operations: Operations;
  readonly chromium: ILayerVersion;
  /** Postal packets are signed with the district's identity, as its documents are. */
  readonly signing: Signing;
}

/** Where deliver writes its postal packets (see `postalKeyFor`): its only write prefix. */
export const POSTAL_PREFIX = 'districts/*/decisions/*/postal/';

/** Queue, SES, download endpoint and the delivery functions (every one required). */
export class Delivery extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly configurationSet: ConfigurationSet;
  readonly identities: EmailIdentity[];
  /** The download links' and verification page's REST API with its web ACL. */
  readonly downloadApi: DownloadApi;
  /** Base URL of the download endpoint. */
  readonly downloadBaseUrl: string;
  readonly deliver: PipelineFunction;
  readonly deliveryStatus: PipelineFunction;
  readonly download: PipelineFunction;
  /** Told of each postal packet stored (`-c postalQueue=true`): the mailroom reads it. */
  readonly postalQueue?: Queue;

  constructor(scope: Construct, id: string, props: DeliveryProps) {
    super(scope, id);
    const { data, operations } = props;
    const encrypted = encryptedWith(data);

    this.deadLetterQueue = new Queue(this, 'DeliveryDeadLetters', {
      ...encrypted,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'DeliveryQueue', {
      ...encrypted,
      // Six times the deliver timeout, as Lambda recommends for SQS sources.
      visibilityTimeout: Duration.minutes(12),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: DELIVERY_QUEUE.maxReceiveCount,
      },
    });
    operations.watchDeadLetterQueue(
      'DeliveryDeadLettersAlarm',
      this.deadLetterQueue,
      'a delivery job (email or postal packet for one recipient) failed every attempt: the parent has not been sent the documents',
    );

    // SES: the identities the districts send from, DKIM-signed, every email through one
    // configuration set that refuses to send without TLS.
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.identities = props.senderDomains.map(
      (domain) =>
        new EmailIdentity(this, `Identity-${domain}`, {
          identity: Identity.domain(domain),
          configurationSet: this.configurationSet,
          dkimSigning: true,
        }),
    );
    const endpoint = downloadEndpoint(this, props);
    this.download = endpoint.download;
    // The response page emails the one-time code, the parent's copy and the case manager.
    this.grantSendEmail(endpoint.download.function);
    endpoint.download.function.addEnvironment(
      ENV.sesConfigurationSet,
      this.configurationSet.configurationSetName,
    );
    this.downloadApi = endpoint.api;
    this.downloadBaseUrl = endpoint.baseUrl;
    const delivering = this.deliverFunction(props, endpoint.baseUrl);
    this.deliver = delivering.deliver;
    if (delivering.postalQueue) this.postalQueue = delivering.postalQueue;
    this.deliveryStatus = this.statusFunction(props);
  }

  /**
   * The deliver function on the delivery queue (and the postal queue when configured).
   * Long because: one function with its environment, permissions, event source and alarms, declared
   * in order; split, its grants would be read apart from the function they scope.
   */
  private deliverFunction(props: DeliveryProps, downloadBaseUrl: string) {
    const { data, operations, entries, config, defaults } = props;
    const encrypted = encryptedWith(data);

    const deliver = new PipelineFunction(this, 'Deliver', {
      defaults,
      entry: entries.deliver,
      description: 'Delivery jobs → PII-free email via SES, or a postal packet in S3',
      memorySize: config.renderMemoryMb,
      timeout: Duration.minutes(2),
      // Postal packets carry a printed cover letter.
      layers: [props.chromium],
      externalModules: [CHROMIUM_PACKAGE],
      fonts: FONT_PACKAGES,
      environment: {
        // The delivery stores are built together; deliver never touches the access log.
        ...data.tableEnvironment([
          'decisions',
          'documents',
          'deliveries',
          'links',
          'accessLog',
          'meetings',
          'safeguards',
        ]),
        [ENV.documentsBucket]: data.documentsBucket.bucketName,
        [ENV.sesConfigurationSet]: this.configurationSet.configurationSetName,
        [ENV.downloadBaseUrl]: downloadBaseUrl,
        ...props.signing.environment(),
      },
    });
    const fn = deliver.function;
    props.signing.grantSign(fn);
    let postalQueue: Queue | undefined;
    if (config.postalQueue) {
      // Ids and the S3 key only; the mailroom deletes each message once the packet is mailed.
      postalQueue = new Queue(this, 'PostalQueue', {
        ...encrypted,
        retentionPeriod: Duration.days(14),
      });
      postalQueue.grantSendMessages(fn);
      deliver.function.addEnvironment(ENV.postalQueueUrl, postalQueue.queueUrl);
    }
    data.tables.decisions.grantReadData(fn);
    // Meeting notices go to the meeting item's guardians (and the adult student).
    data.tables.meetings.grantReadData(fn);
    data.tables.documents.grantReadData(fn);
    // The district's safeguards notice is recorded as a document on its first delivery.
    data.tables.documents.grant(fn, 'dynamodb:PutItem');
    // Every giving of the safeguards notice (300.504): read (is one due?) and appended.
    data.tables.safeguards.grant(fn, 'dynamodb:Query', 'dynamodb:PutItem');
    // The givings are kept by studentKey, as the calendar's entries are.
    data.grantStudentKeySecret(fn);
    data.tables.deliveries.grantReadWriteData(fn);
    // A link is created (PutItem) and revoked (UpdateItem); deliver never reads one back.
    // ConditionCheckItem: a link is saved only if no recipient revocation covers it.
    data.tables.links.grant(
      fn,
      'dynamodb:ConditionCheckItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    );
    data.grantTableKey(fn);
    data.grantDocumentRead(fn, 'districts/');
    // Postal packets only: deliver cannot write next to (or over) a signed document.
    data.grantDocumentWrite(fn, POSTAL_PREFIX);
    this.grantSendEmail(fn);
    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: DELIVERY_QUEUE.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: DELIVERY_QUEUE.maxConcurrency,
      }),
    );
    operations.watchFunctionErrors(
      'DeliverErrorsAlarm',
      fn,
      'deliver threw (SES, S3 or DynamoDB failure); the job is retried from the queue',
    );
    return { deliver, postalQueue };
  }

  /**
   * delivery-status: SES events through EventBridge → delivery records.
   * Long because: one function with its environment, permissions, event source and alarms, declared
   * in order; split, its grants would be read apart from the function they scope.
   */
  private statusFunction(props: DeliveryProps) {
    const { data, operations, entries, defaults } = props;
    const stack = Stack.of(this);
    const encrypted = encryptedWith(data);

    const statusDeadLetters = new Queue(this, 'DeliveryStatusDeadLetters', {
      ...encrypted,
      retentionPeriod: Duration.days(14),
    });
    const status = new PipelineFunction(this, 'DeliveryStatus', {
      defaults,
      entry: entries['delivery-status'],
      description:
        'SES events (delivered, bounced, complained) → delivery records; a bounce re-queues a postal packet',
      memorySize: 512,
      timeout: Duration.seconds(30),
      deadLetterQueue: statusDeadLetters,
      environment: {
        ...data.tableEnvironment(['deliveries']),
        [ENV.deliveryQueueUrl]: this.queue.queueUrl,
      },
    });
    const fn = status.function;
    data.tables.deliveries.grantReadWriteData(fn);
    // A bounced email becomes a postal delivery job for the deliver function.
    this.queue.grantSendMessages(fn);

    this.configurationSet.addEventDestination('ToEventBridge', {
      destination: EventDestination.eventBus(
        EventBus.fromEventBusName(this, 'DefaultBus', 'default'),
      ),
      events: [
        EmailSendingEvent.DELIVERY,
        EmailSendingEvent.BOUNCE,
        EmailSendingEvent.COMPLAINT,
        EmailSendingEvent.REJECT,
        EmailSendingEvent.DELIVERY_DELAY,
        EmailSendingEvent.RENDERING_FAILURE,
      ],
    });
    // EventBridge puts events it could not deliver into the KMS-encrypted dead-letter queue.
    data.dataKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    new Rule(this, 'SesEventsRule', {
      description: 'SES events of the iep-docs configuration set → delivery-status',
      eventPattern: {
        source: ['aws.ses'],
        detail: {
          mail: {
            tags: { 'ses:configuration-set': [this.configurationSet.configurationSetName] },
          },
        },
      },
      targets: [
        new LambdaFunction(fn, {
          deadLetterQueue: statusDeadLetters,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
    operations.watchDeadLetterQueue(
      'DeliveryStatusDeadLettersAlarm',
      statusDeadLetters,
      'an SES event (bounce, complaint, delivery) could not be recorded: a bounced parent may not get a postal packet',
    );
    operations.watchFunctionErrors(
      'DeliveryStatusErrorsAlarm',
      fn,
      'delivery-status threw while recording an SES event; EventBridge retries it',
    );
    return status;
  }

  /** ses:SendEmail through the configuration set from the deployment's identities only. */
  /**
   * Lets `grantee` send email (ses:SendEmail) from the deployment's identities through its
   * configuration set, and nothing else of SES.
   */
  grantSendEmail(grantee: IGrantable): void {
    const stack = Stack.of(this);
    const sesArn = (resource: string) =>
      `arn:${stack.partition}:ses:${stack.region}:${stack.account}:${resource}`;
    Grant.addToPrincipal({
      grantee,
      actions: ['ses:SendEmail'],
      resourceArns: [
        ...this.identities.map((identity) => sesArn(`identity/${identity.emailIdentityName}`)),
        sesArn(`configuration-set/${this.configurationSet.configurationSetName}`),
      ],
    });
  }
}

/** Queue settings: encrypted with the data key, TLS only. */
function encryptedWith(data: DataStore) {
  return {
    encryption: QueueEncryption.KMS,
    encryptionMasterKey: data.dataKey,
    enforceSSL: true,
  } as const;
}
