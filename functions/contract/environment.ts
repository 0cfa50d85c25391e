/**
 * The contract between the stack and the Lambda handlers: the environment variables the
 * stack sets and the handlers read (through one helper that throws naming what is missing),
 * and the metrics the alarms watch. The one-machine runtime sets the same names.
 */
import type { TableName } from './resources.ts';

/** Environment variable holding the physical name of each table. */
export const TABLE_ENV: Readonly<Record<TableName, string>> = {
  decisions: 'DECISIONS_TABLE',
  outcomes: 'OUTCOMES_TABLE',
  documents: 'DOCUMENTS_TABLE',
  deliveries: 'DELIVERIES_TABLE',
  links: 'LINKS_TABLE',
  accessLog: 'ACCESS_LOG_TABLE',
  calendar: 'CALENDAR_TABLE',
  runs: 'RUNS_TABLE',
  meetings: 'MEETINGS_TABLE',
  safeguards: 'SAFEGUARDS_TABLE',
  responses: 'RESPONSES_TABLE',
  responseCodes: 'RESPONSE_CODES_TABLE',
  translations: 'TRANSLATIONS_TABLE',
};

/** Every other environment variable a handler may be given. */
export const ENV = {
  /** The documents bucket's name. */
  documentsBucket: 'DOCUMENTS_BUCKET',
  /** Key id (ARN) of the asymmetric KMS key that signs PDFs (RSA, SIGN_VERIFY). */
  signingKeyId: 'SIGNING_KEY_ID',
  /** Name of the SSM parameter holding the signer's certificate chain (PEM, signer first). */
  signingCertificateParameter: 'SIGNING_CERTIFICATE_PARAMETER',
  /** `kms-per-document` forces a KMS call per document (short-lived-signer.ts). */
  signingMode: 'IEP_SIGNING_MODE',
  /** Folder of district profiles (`<districtId>.json`), bundled beside the code. */
  districtsDir: 'IEP_DISTRICTS_DIR',
  /** Folder of templates, bundled beside the code (read by `functions/render/assets.ts`). */
  templatesDir: 'IEP_TEMPLATES_DIR',
  /** URL of the delivery queue (render-documents and review-sweep send delivery jobs). */
  deliveryQueueUrl: 'DELIVERY_QUEUE_URL',
  /** URL of the optional postal queue: one message per postal packet stored, for the mailroom. */
  postalQueueUrl: 'POSTAL_QUEUE_URL',
  /** SES configuration set every email is sent with (TLS required, events routed). */
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  /** Public base URL of the download endpoint, without a trailing slash (links are `${it}/d/<token>`). */
  downloadBaseUrl: 'DOWNLOAD_BASE_URL',
  /** Minutes a presigned S3 URL handed out by the download endpoint stays valid. */
  presignedUrlMinutes: 'PRESIGNED_URL_MINUTES',
  /**
   * ARN of the Secrets Manager secret holding the studentKey HMAC key (the functions that
   * compute studentKey read it once per cold start; the value is never in the environment).
   */
  studentKeySecretArn: 'STUDENT_KEY_SECRET_ARN',
  /** The studentKey HMAC key itself: local/dev runs only (the ARN takes precedence). */
  studentKeySecret: 'STUDENT_KEY_SECRET',
  /** Powertools: service name (also the `service` dimension of every metric). */
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  /** Powertools: metrics namespace. */
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  /** Powertools: log level (DEBUG, INFO, WARN, ERROR). */
  logLevel: 'POWERTOOLS_LOG_LEVEL',
} as const;

/** The Powertools service name every function logs and publishes metrics under. */
export const SERVICE_NAME = 'iep-docs';

/** The CloudWatch namespace of the pipeline's own metrics. */
export const METRICS_NAMESPACE = 'IepDocs';

/**
 * Metric names the handlers publish (Powertools Metrics, dimensions `service` and `district`,
 * see functions/adapters/powertools-metrics.ts) and the dashboard graphs per district.
 * `SigningCertificateDaysToExpiry` (dimension `service` only) is emitted by
 * `certificateExpiryMetric` (functions/adapters/kms-certificate.ts), at least daily, for its alarm.
 */
export const METRIC = {
  /** Documents a decision version produced (render-documents), Count. */
  documentsRendered: 'DocumentsRendered',
  /** Decision versions rejected with their reasons (render-documents), Count. */
  decisionsRejected: 'DecisionsRejected',
  /** Emails sent and postal packets stored (deliver), Count. */
  deliveriesSent: 'DeliveriesSent',
  /** Delivery jobs that failed and will be retried or dead-lettered (deliver), Count. */
  deliveriesFailed: 'DeliveriesFailed',
  /** One decision version, read to outcome (render-documents), Milliseconds. */
  renderDuration: 'RenderDuration',
  /** Signing one document (render-documents), Milliseconds. */
  signingDuration: 'SigningDuration',
  /** Reminders sent by a daily sweep (review-sweep), Count. */
  remindersSent: 'RemindersSent',
  /** Overdue reviews and reevaluations a daily sweep found (review-sweep), Count. */
  overdueCount: 'OverdueCount',
  certificateDaysToExpiry: 'SigningCertificateDaysToExpiry',
} as const;

/** A metric the pipeline publishes per district. */
export type PipelineMetricName = Exclude<
  (typeof METRIC)[keyof typeof METRIC],
  typeof METRIC.certificateDaysToExpiry
>;

/** The dimension naming the district, beside `service`. */
export const DISTRICT_DIMENSION = 'district';
