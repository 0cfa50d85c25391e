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
import { METRIC, METRICS_NAMESPACE, SERVICE_NAME } from '../contract/environment.ts';
import { calendarDateIn } from '../core/dates.ts';
import type { DistrictDirectory } from '../core/district.ts';
import type { CalendarSweep, SweepResult } from '../pipeline/calendar-sweep.ts';
import type { PipelineMetrics } from '../pipeline/metrics.ts';
import { noMetrics } from '../pipeline/metrics.ts';
import type { Log } from '../pipeline/ports.ts';
import { awsHandler } from '../platform/aws-observability.ts';

/** The payload of each district's schedule. */
export interface SweepEvent {
  districtId: string;
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
  /** Meeting notices issued later than the district's minimum, for meetings still to come. */
  lateNotices: number;
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
      lateNotices: result.lateNotices.length,
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

/** The Lambda handler (dependencies built on the first event, then reused). */
export const handler = awsHandler(async () => {
  const { awsPlatform } = await import('../platform/aws.ts');
  const { kmsSigner } = await import('../platform/aws-signer.ts');
  const { launchPrinter } = await import('../render/chromium.ts');
  const { loadDistrictDirectory } = await import('../adapters/district-files.ts');
  const { buildCalendar } = await import('../platform/use-cases/calendar.ts');
  const { certificateExpiryMetric } = await import('../adapters/kms-certificate.ts');
  const platform = awsPlatform({
    signer: kmsSigner,
    printer: launchPrinter,
    districts: loadDistrictDirectory,
  });
  const { sweep } = await buildCalendar(platform, { scheduling: false });
  const { districts, clock, log, metrics } = platform;
  const signer = await platform.signer();
  const run = makeReviewSweepHandler({ sweep, districts, clock, log, metrics });
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
});
