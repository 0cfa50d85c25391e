/**
 * How the deliver use case is put together (its Lambda handler and the one-machine runtime):
 * the stores of delivery-wiring.ts with the SES mailer, the cover-letter printer and the
 * packet signer.
 */
import { DynamoSafeguardsStore } from '../adapters/dynamo-meetings.ts';
import { SesMailer } from '../adapters/ses-mailer.ts';
import { studentKey } from '../core/calendar.ts';
import { Deliver } from '../pipeline/deliver.ts';
import { SafeguardsGivings } from '../pipeline/deliver-safeguards.ts';
import type { PostalNotifier } from '../pipeline/delivery-ports.ts';
import { loadResponseTexts } from '../pipeline/response-page.ts';
import type { SigningTrust } from '../render/engine.ts';
import type { PdfPrinter, Signer } from '../render/ports.ts';
import { type DeliveryParts, deliveryStores } from './delivery-wiring.ts';

/** The deliver use case with its stores, SES mailer, cover-letter printer and packet signer. */
export function deliverService(
  parts: DeliveryParts & {
    printer: PdfPrinter;
    signer: Signer;
    /** The packets' time-stamps and validation data, as the documents'. */
    trust?: SigningTrust;
    postalNotifier?: PostalNotifier;
    sendLeaseMs?: number;
  },
) {
  const stores = deliveryStores(parts);
  const mailer = new SesMailer(
    parts.clients.ses,
    parts.configurationSetName ? { configurationSetName: parts.configurationSetName } : {},
  );
  const deliver = new Deliver({
    decisions: stores.decisions,
    ...(stores.meetings ? { meetings: stores.meetings } : {}),
    ...(parts.tables.safeguards
      ? {
          safeguards: new SafeguardsGivings({
            givings: new DynamoSafeguardsStore(parts.clients.documents, parts.tables.safeguards),
            records: stores.records,
            store: stores.store,
            studentKeyOf: (districtId, studentId) =>
              studentKey(districtId, studentId, parts.calendarOptions ?? {}),
            clock: parts.clock,
            log: parts.log,
          }),
        }
      : {}),
    districts: parts.districts,
    records: stores.records,
    store: stores.store,
    deliveries: stores.deliveries,
    links: stores.links,
    mailer,
    printer: parts.printer,
    signer: parts.signer,
    ...(parts.trust ? { trust: parts.trust } : {}),
    ...(parts.postalNotifier ? { postalNotifier: parts.postalNotifier } : {}),
    templates: stores.templates,
    locales: stores.locales,
    downloadBaseUrl: parts.downloadBaseUrl,
    // Postal letters of a meeting's documents print a response code (issue #19).
    responseTexts: loadResponseTexts(),
    clock: parts.clock,
    log: parts.log,
    ...(parts.sendLeaseMs === undefined ? {} : { sendLeaseMs: parts.sendLeaseMs }),
  });
  return { deliver, mailer, ...stores };
}

/** A printer that launches Chromium on first use (most delivery jobs are emails only). */
export function lazyPrinter(launch: () => Promise<PdfPrinter>): PdfPrinter {
  let printer: Promise<PdfPrinter> | undefined;
  return {
    async print(job) {
      printer ??= launch();
      return (await printer).print(job);
    },
    async close() {
      if (printer) await (await printer).close();
    },
  };
}
