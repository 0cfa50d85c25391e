/**
 * How the delivery capability's parts are put together, for both places it runs: the Lambda
 * handlers (deliver, delivery-status, download) and the one-machine runtime. Built once per
 * container or process.
 */
import type { AwsClients } from '../adapters/aws-clients.ts';
import { DynamoDecisionReader } from '../adapters/dynamo-decision-reader.ts';
import { DynamoDeliveryStore } from '../adapters/dynamo-deliveries.ts';
import { DynamoDocumentRecords } from '../adapters/dynamo-document-records.ts';
import { DynamoAccessLog, DynamoLinkStore } from '../adapters/dynamo-links.ts';
import { S3DocumentStore } from '../adapters/s3-document-store.ts';
import { SesMailer } from '../adapters/ses-mailer.ts';
import type { DistrictDirectory } from '../core/district.ts';
import { Deliver } from '../pipeline/deliver.ts';
import type { PostalNotifier } from '../pipeline/delivery-ports.ts';
import {
  compileDeliveryTemplates,
  type DeliveryTemplates,
} from '../pipeline/delivery-templates.ts';
import { LinkService } from '../pipeline/links.ts';
import type { Log } from '../pipeline/ports.ts';
import type { SigningTrust } from '../render/engine.ts';
import { type Locale, loadLocales } from '../render/locales.ts';
import type { PdfPrinter, Signer } from '../render/ports.ts';

/** The physical tables delivery uses. */
export interface DeliveryTables {
  decisions: string;
  documents: string;
  deliveries: string;
  links: string;
  accessLog: string;
}

export interface DeliveryParts {
  clients: AwsClients;
  tables: DeliveryTables;
  bucket: string;
  districts: DistrictDirectory;
  log: Log;
  clock: () => Date;
  /** Public base URL of the download endpoint, no trailing slash. */
  downloadBaseUrl: string;
  /** SES configuration set for every email. */
  configurationSetName?: string;
  templates?: DeliveryTemplates;
  locales?: Map<string, Locale>;
}

/** The stores, the link service and the compiled texts (everything but the sender and printer). */
export function deliveryStores(parts: DeliveryParts) {
  const db = parts.clients.documents;
  const deliveries = new DynamoDeliveryStore(db, parts.tables.deliveries);
  const linkStore = new DynamoLinkStore(db, parts.tables.links);
  const accessLog = new DynamoAccessLog(db, parts.tables.accessLog);
  const records = new DynamoDocumentRecords(db, parts.tables.documents);
  const decisions = new DynamoDecisionReader(db, parts.tables.decisions);
  const store = new S3DocumentStore(parts.clients.s3, parts.bucket);
  const links = new LinkService({
    links: linkStore,
    accessLog,
    deliveries,
    clock: parts.clock,
    log: parts.log,
    decisionVersions: (decisionId) => decisions.versions(decisionId),
  });
  const templates = parts.templates ?? compileDeliveryTemplates();
  const locales = parts.locales ?? loadLocales();
  return { deliveries, linkStore, accessLog, records, decisions, store, links, templates, locales };
}

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
