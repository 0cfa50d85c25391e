/**
 * How the delivery capability's stores and texts are put together, for both places it runs: the
 * Lambda handlers (deliver, download) and the one-machine runtime. Built once per container or
 * process. The deliver use case itself is in deliver-wiring.ts (the download bundle holds none
 * of the mailer or the postal packet).
 */
import type { AwsClients } from '../adapters/aws-clients.ts';
import { DynamoDecisionReader } from '../adapters/dynamo-decision-reader.ts';
import { DynamoDeliveryStore } from '../adapters/dynamo-deliveries.ts';
import { DynamoDocumentRecords } from '../adapters/dynamo-document-records.ts';
import { DynamoAccessLog, DynamoLinkStore } from '../adapters/dynamo-links.ts';
import { DynamoMeetingReader } from '../adapters/dynamo-meetings.ts';
import { S3DocumentStore } from '../adapters/s3-document-store.ts';
import type { CalendarOptions } from '../core/calendar.ts';
import type { DistrictDirectory } from '../core/district.ts';
import { meetingRecordPrefix } from '../core/meeting.ts';
import {
  compileDeliveryTemplates,
  type DeliveryTemplates,
} from '../pipeline/delivery-templates.ts';
import { LinkService } from '../pipeline/links.ts';
import type { Log } from '../pipeline/ports.ts';
import { type Locale, loadLocales } from '../render/locales.ts';

/** The physical tables delivery uses. */
export interface DeliveryTables {
  decisions: string;
  documents: string;
  deliveries: string;
  links: string;
  accessLog: string;
  /** Meeting items: the recipients of meeting notices (absent: no meeting notices delivered). */
  meetings?: string;
  /** Safeguards givings (absent: the safeguards notice is not delivered). */
  safeguards?: string;
  /** Parents' online answers and their codes (absent: no response page, issue #19). */
  responses?: string;
  responseCodes?: string;
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
  /** The studentKey secret, for the safeguards givings (the calendar's key of a student). */
  calendarOptions?: CalendarOptions;
}

/** The stores, the link service and the compiled texts (everything but the sender and printer). */
export function deliveryStores(parts: DeliveryParts) {
  const db = parts.clients.documents;
  const deliveries = new DynamoDeliveryStore(db, parts.tables.deliveries);
  const linkStore = new DynamoLinkStore(db, parts.tables.links);
  const accessLog = new DynamoAccessLog(db, parts.tables.accessLog);
  const records = new DynamoDocumentRecords(db, parts.tables.documents);
  const decisions = new DynamoDecisionReader(db, parts.tables.decisions);
  const meetings = parts.tables.meetings
    ? new DynamoMeetingReader(db, parts.tables.meetings)
    : undefined;
  const store = new S3DocumentStore(parts.clients.s3, parts.bucket);
  const links = new LinkService({
    links: linkStore,
    accessLog,
    deliveries,
    clock: parts.clock,
    log: parts.log,
    // A meeting notice's link is in force while its revision is the meeting's newest.
    decisionVersions: (decisionId) =>
      meetings && decisionId.startsWith(meetingRecordPrefix)
        ? meetings.versions(decisionId.slice(meetingRecordPrefix.length))
        : decisions.versions(decisionId),
  });
  const templates = parts.templates ?? compileDeliveryTemplates();
  const locales = parts.locales ?? loadLocales();
  return {
    deliveries,
    linkStore,
    accessLog,
    records,
    decisions,
    meetings,
    store,
    links,
    templates,
    locales,
  };
}
