/**
 * The responses stream's consumer over a platform (its Lambda handler and the one-machine
 * runtime): the answer's PDF printed and signed like every document, the parent's copy and the
 * case manager's notice, and the decision's calendar on the consent in force.
 */
import { DynamoCalendarStore } from '../../adapters/dynamo-calendar.ts';
import { DynamoDecisionReader } from '../../adapters/dynamo-decision-reader.ts';
import { DynamoDocumentRecords } from '../../adapters/dynamo-document-records.ts';
import { DynamoResponseStore } from '../../adapters/dynamo-responses.ts';
import { S3DocumentStore } from '../../adapters/s3-document-store.ts';
import { CalendarSchedule } from '../../pipeline/calendar-schedule.ts';
import type { PostalNotifier } from '../../pipeline/delivery-ports.ts';
import type { DocumentRecords, Log } from '../../pipeline/ports.ts';
import { ResponseFollowUp } from '../../pipeline/response-follow-up.ts';
import { responseDocuments, responseMail } from '../../pipeline/response-mail.ts';
import { loadResponseTexts, ResponsePage } from '../../pipeline/response-page.ts';
import type { ResponseRecord } from '../../pipeline/response-ports.ts';
import { loadLocales } from '../../render/locales.ts';
import { ResponseDocumentRenderer } from '../../render/response-document.ts';
import type { Platform } from '../platform.ts';
import { signerSubject } from '../wiring.ts';

/** response-follow-up: a recorded answer → its calendar, PDF, copy and notice. */
export async function buildResponseFollowUp(platform: Platform) {
  const { clients, log, clock } = platform;
  const db = clients.documents;
  const signer = await platform.signer();
  const page = new ResponsePage(loadResponseTexts(), platform.locales ?? loadLocales());
  const records = new DynamoDocumentRecords(db, platform.table('documents'));
  const store = new S3DocumentStore(clients.s3, platform.bucket);
  const service = new ResponseFollowUp({
    responses: new DynamoResponseStore(db, platform.table('responses')),
    decisions: new DynamoDecisionReader(db, platform.table('decisions')),
    districts: platform.districts,
    document: responseDocuments({
      renderer: new ResponseDocumentRenderer({
        printer: await platform.printer(),
        signer,
        ...(platform.trust ? { trust: platform.trust } : {}),
      }),
      page,
      records,
      store,
      signerName: await signerSubject(signer),
      clock,
    }),
    notices: responseMail({
      mailer: platform.mailer(),
      page,
      pdfOf: async (documentId) => {
        const record = await records.get(documentId);
        return record ? store.get(record.s3Key) : undefined;
      },
      postalCopy: postalCopy(records, platform.postalNotifier(), log),
    }),
    calendar: new CalendarSchedule({
      store: new DynamoCalendarStore(db, platform.table('calendar')),
      districts: platform.districts,
      options: await platform.calendarOptions(),
      clock,
      log,
    }),
    clock,
    log,
  });
  return { service };
}

/**
 * A printed-code answerer's copy: the signed "Parent response" PDF to the mailroom, like a
 * packet. Without a mailroom queue (the one-machine runtime) it is logged, by ids only.
 */
function postalCopy(records: DocumentRecords, notifier: PostalNotifier | undefined, log: Log) {
  return async (record: ResponseRecord): Promise<void> => {
    const document = record.documentId ? await records.get(record.documentId) : undefined;
    if (!document) throw new Error(`postal copy of ${record.responseId}: its PDF is not recorded`);
    if (!notifier) {
      log.warn('postal copy of an answer not sent: no mailroom queue', {
        decisionId: record.decisionId,
        responseId: record.responseId,
      });
      return;
    }
    await notifier.packetReady({
      deliveryId: record.responseId,
      districtId: record.districtId,
      decisionId: record.decisionId,
      version: record.version,
      key: document.s3Key,
      pages: document.pages,
    });
  };
}
