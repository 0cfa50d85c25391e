/**
 * The platform a pipeline runs on: everything the use cases need from the outside world, built
 * once per Lambda container ({@link awsPlatform}, from validated configuration) or per
 * one-machine process (`localPlatform`, over the emulators). `buildPipeline` turns either into
 * the same use cases, so the handlers and the local runtime run the same code.
 */
import type { AwsClients } from '../adapters/aws-clients.ts';
import type { TableName } from '../contract/resources.ts';
import type { CalendarOptions } from '../core/calendar.ts';
import type { DistrictDirectory } from '../core/district.ts';
import type { Mailer, PostalNotifier } from '../pipeline/delivery-ports.ts';
import type { PipelineMetrics } from '../pipeline/metrics.ts';
import type { DeliveryQueue, Log } from '../pipeline/ports.ts';
import type { SigningTrust } from '../render/engine.ts';
import type { Locale } from '../render/locales.ts';
import type { PdfPrinter, Signer } from '../render/ports.ts';

/** The outside world of the pipeline, in one runtime. */
export interface Platform {
  readonly clients: AwsClients;
  /** Physical name of a table; throws naming the missing setting when it has none. */
  table(name: TableName): string;
  /** The documents bucket's physical name. */
  readonly bucket: string;
  readonly districts: DistrictDirectory;
  /** The signer of documents (KMS on AWS, the development or configured key locally). */
  signer(): Promise<Signer>;
  /** A warm Chromium printer, launched on first use. */
  printer(): Promise<PdfPrinter>;
  /** Where delivery jobs go (SQS on AWS, the table-backed queue locally). */
  deliveryQueue(): DeliveryQueue;
  /** The email sender (SES, with the configuration set when one is given). */
  mailer(): Mailer;
  /** The mailroom's notice of each postal packet stored, when the deployment has a postal queue. */
  postalNotifier(): PostalNotifier | undefined;
  /** The studentKey secret of the calendar (read once). */
  calendarOptions(): Promise<CalendarOptions>;
  /** Public base URL of the download endpoint, without a trailing slash. */
  downloadBaseUrl(): string;
  readonly clock: () => Date;
  readonly log: Log;
  readonly metrics: PipelineMetrics;
  /** Time-stamps and validation data for signatures (PAdES B-T/B-LT); none: B-B. */
  readonly trust?: SigningTrust;
  /** The texts of messages and pages; absent: every file of templates/locales. */
  readonly locales?: Map<string, Locale>;
}
