/**
 * Lambda entry point: the daily compliance sweep of one district. EventBridge Scheduler
 * invokes it at 06:00 in the district's time zone with `{ districtId }`; "today" is the
 * calendar date of the injected clock in that time zone, so a run just after midnight UTC
 * still sweeps the district's own day. A run that could not send every due reminder throws
 * after finishing the rest (the scheduler retries, the error alarm fires); reruns are safe.
 *
 * `calendarServices` builds the scheduling hooks and the sweep from AWS clients, for the
 * handlers and for the one-machine runtime alike.
 */
import type { Context } from 'aws-lambda';
import type { AwsClients } from '../adapters/aws-clients.ts';
import { DynamoCalendarStore, DynamoSweepRuns } from '../adapters/dynamo-calendar.ts';
import { DynamoDocumentRecords } from '../adapters/dynamo-document-records.ts';
import { S3DocumentStore } from '../adapters/s3-document-store.ts';
import { METRIC } from '../contract/environment.ts';
import type { CalendarOptions } from '../core/calendar.ts';
import { calendarDateIn } from '../core/dates.ts';
import type { DistrictDirectory } from '../core/district.ts';
import type { ReminderOffsets } from '../core/reminders.ts';
import type { DecisionSource, StaffNotifier } from '../pipeline/calendar-ports.ts';
import { CalendarSchedule } from '../pipeline/calendar-schedule.ts';
import { CalendarSweep, type NoticeMaker, type SweepResult } from '../pipeline/calendar-sweep.ts';
import type { PipelineMetrics } from '../pipeline/metrics.ts';
import { noMetrics } from '../pipeline/metrics.ts';
import type { DeliveryQueue, Log } from '../pipeline/ports.ts';
import { awsHandler } from '../platform/aws-observability.ts';

/** The payload of each district's schedule. */
export interface SweepEvent {
  districtId: string;
}

/** What {@link calendarServices} needs. */
export interface CalendarParts {
  clients: AwsClients;
  tables: { calendar: string; runs: string; documents: string };
  bucket: string;
  decisions: DecisionSource;
  districts: DistrictDirectory;
  notices: NoticeMaker;
  queue: DeliveryQueue;
  staff: StaffNotifier;
  signerName: string;
  clock: () => Date;
  log: Log;
  /** The deployment's studentKey secret (scheduling only). */
  options?: CalendarOptions;
  offsets?: ReminderOffsets;
  leaseMs?: number;
}

/** The calendar's use cases over DynamoDB and S3. */
export function calendarServices(parts: CalendarParts) {
  const db = parts.clients.documents;
  const store = new DynamoCalendarStore(db, parts.tables.calendar);
  const schedule = new CalendarSchedule({
    store,
    districts: parts.districts,
    clock: parts.clock,
    log: parts.log,
    ...(parts.options ? { options: parts.options } : {}),
    ...(parts.offsets ? { offsets: parts.offsets } : {}),
  });
  const sweep = new CalendarSweep({
    store,
    runs: new DynamoSweepRuns(db, parts.tables.runs, parts.clock),
    decisions: parts.decisions,
    districts: parts.districts,
    notices: parts.notices,
    records: new DynamoDocumentRecords(db, parts.tables.documents),
    documents: new S3DocumentStore(parts.clients.s3, parts.bucket),
    queue: parts.queue,
    staff: parts.staff,
    signerName: parts.signerName,
    clock: parts.clock,
    log: parts.log,
    ...(parts.leaseMs === undefined ? {} : { leaseMs: parts.leaseMs }),
  });
  return { store, schedule, sweep };
}

/** What the handler needs. */
export interface ReviewSweepDeps {
  sweep: Pick<CalendarSweep, 'runSweep'>;
  districts: DistrictDirectory;
  clock: () => Date;
  log: Log;
  /** Reminders sent and overdue count (default: none). */
  metrics?: PipelineMetrics;
}

/** The counts a run returns (ids and dates only). */
export interface SweepSummary {
  districtId: string;
  today: string;
  sent: number;
  alreadySent: number;
  skippedStale: number;
  cancelled: number;
  overdue: number;
}

/** Builds the handler around its dependencies (built once per container). */
export function makeReviewSweepHandler(deps: ReviewSweepDeps) {
  return async (event: SweepEvent, _context?: Context): Promise<SweepSummary> => {
    if (typeof event?.districtId !== 'string' || event.districtId === '')
      throw new Error('sweep event without a districtId');
    const district = deps.districts.get(event.districtId);
    const today = calendarDateIn(deps.clock(), district.timeZone);
    const result: SweepResult = await deps.sweep.runSweep({
      districtId: district.districtId,
      today,
    });
    const count = (state: string) => result.reminders.filter((r) => r.state === state).length;
    const summary: SweepSummary = {
      districtId: result.districtId,
      today,
      sent: count('sent'),
      alreadySent: count('already-sent'),
      skippedStale: count('skipped-stale'),
      cancelled: count('cancelled'),
      overdue: result.overdue.length,
    };
    // Counted before a partial failure throws: what was sent, was sent.
    const metrics = deps.metrics ?? noMetrics;
    metrics.count(METRIC.remindersSent, summary.districtId, summary.sent);
    metrics.count(METRIC.overdueCount, summary.districtId, summary.overdue);
    if (result.failed.length > 0) {
      throw new Error(
        `sweep of ${district.districtId} on ${today}: ${result.failed.length} reminder(s) not sent, retry the run`,
      );
    }
    deps.log.info('sweep summary', { ...summary });
    return summary;
  };
}

async function fromEnvironment() {
  const { renderingParts } = await import('./aws-parts.ts');
  const { DynamoDecisionReader } = await import('../adapters/dynamo-decision-reader.ts');
  const { SesMailer } = await import('../adapters/ses-mailer.ts');
  const { SqsDeliveryQueue } = await import('../adapters/sqs-delivery-queue.ts');
  const { MailerStaffNotifier } = await import('../pipeline/calendar-staff-notifier.ts');
  const { NoticeRenderer } = await import('../render/notice.ts');
  const { ENV, tableNames } = await import('./config.ts');
  const { signerSubject } = await import('./wiring.ts');

  const { config, log, clients, signer, districts, printer, clock } = await renderingParts({
    queueUrl: ENV.deliveryQueueUrl,
  });
  const tables = tableNames(['decisions', 'documents', 'calendar', 'runs']);
  const configurationSetName = process.env[ENV.sesConfigurationSet];
  const { sweep } = calendarServices({
    clients,
    tables,
    bucket: config.bucket,
    decisions: new DynamoDecisionReader(clients.documents, tables.decisions),
    districts,
    notices: new NoticeRenderer({ printer, signer, clock }),
    queue: new SqsDeliveryQueue(clients.sqs, config.queueUrl),
    staff: new MailerStaffNotifier(
      new SesMailer(clients.ses, configurationSetName ? { configurationSetName } : {}),
      districts,
    ),
    signerName: await signerSubject(signer),
    clock,
    log,
  });
  const { awsMetrics } = await import('../platform/aws-observability.ts');
  const run = makeReviewSweepHandler({ sweep, districts, clock, log, metrics: awsMetrics });
  const { certificateExpiryMetric } = await import('../adapters/kms-certificate.ts');
  const { METRICS_NAMESPACE, SERVICE_NAME } = await import('../contract/environment.ts');
  return async (event: SweepEvent, context?: Context) => {
    const summary = await run(event, context);
    // Daily, with the sweep: days until the signing certificate expires (EMF line; the
    // certificate-expiry alarm fires under 60 days, and when the metric stops arriving).
    const [certificate] = await signer.certificates();
    if (certificate)
      process.stdout.write(
        `${JSON.stringify(certificateExpiryMetric(certificate, clock(), METRICS_NAMESPACE, SERVICE_NAME))}\n`,
      );
    return summary;
  };
}

/** The Lambda handler (dependencies built on the first event, then reused). */
export const handler = awsHandler(fromEnvironment);
