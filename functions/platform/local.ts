/**
 * The one-machine implementation of the {@link Platform}: AWS SDK clients pointed at the
 * emulators (their gaps answered by the client, see emulated-conditional-put.ts), the local
 * signer and printer, the table-backed delivery queue, the run's clock (`--today`) and no
 * metrics. The runtime (`infra/local/`) starts the emulators and hands the parts in.
 */
import type { AwsClients } from '../adapters/aws-clients.ts';
import { SesMailer } from '../adapters/ses-mailer.ts';
import type { ResourceNames } from '../contract/resources.ts';
import type { CalendarOptions } from '../core/calendar.ts';
import type { DistrictDirectory } from '../core/district.ts';
import { noMetrics } from '../pipeline/metrics.ts';
import type { DeliveryQueue, Log } from '../pipeline/ports.ts';
import type { SigningTrust } from '../render/engine.ts';
import type { Locale } from '../render/locales.ts';
import type { PdfPrinter, Signer } from '../render/ports.ts';
import type { Platform } from './platform.ts';

/** What the one-machine runtime has started. */
export interface LocalPlatformParts {
  readonly clients: AwsClients;
  readonly names: ResourceNames;
  readonly districts: DistrictDirectory;
  readonly signer: Signer;
  readonly printer: PdfPrinter;
  readonly deliveryQueue: DeliveryQueue;
  readonly downloadBaseUrl: string;
  readonly clock: () => Date;
  readonly log: Log;
  /** The studentKey secret (none locally: the plain key, acceptable on a workstation). */
  readonly calendarOptions?: CalendarOptions;
  /** The local time-stamping authority and CRL (the documents are then B-LT). */
  readonly trust?: SigningTrust;
  /** The texts of messages and pages (tests give stand-ins); absent: templates/locales. */
  readonly locales?: Map<string, Locale>;
}

/** The platform over the emulators and the local parts. */
export function localPlatform(parts: LocalPlatformParts): Platform {
  const mailer = new SesMailer(parts.clients.ses);
  return {
    clients: parts.clients,
    table: (name) => parts.names.tables[name],
    bucket: parts.names.buckets.documents,
    districts: parts.districts,
    signer: async () => parts.signer,
    printer: async () => parts.printer,
    deliveryQueue: () => parts.deliveryQueue,
    mailer: () => mailer,
    // The local runtime copies postal packets under out/ itself (infra/local/postal-copies.ts).
    postalNotifier: () => undefined,
    calendarOptions: async () => parts.calendarOptions ?? {},
    downloadBaseUrl: () => parts.downloadBaseUrl,
    clock: parts.clock,
    log: parts.log,
    metrics: noMetrics,
    ...(parts.trust ? { trust: parts.trust } : {}),
    ...(parts.locales ? { locales: parts.locales } : {}),
  };
}
