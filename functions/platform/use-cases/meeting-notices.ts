/** The meeting-notices use case over a platform (its Lambda handler and the local runtime). */
import { DynamoDocumentRecords } from '../../adapters/dynamo-document-records.ts';
import { DynamoMeetingReader } from '../../adapters/dynamo-meetings.ts';
import { DynamoOutcomeStore } from '../../adapters/dynamo-outcomes.ts';
import { S3DocumentStore } from '../../adapters/s3-document-store.ts';
import { MeetingNotices } from '../../pipeline/meeting-notices.ts';
import { SafeguardsEvents } from '../../pipeline/safeguards-events.ts';
import { MeetingNoticeRenderer } from '../../render/meeting-notice.ts';
import type { Platform } from '../platform.ts';
import { signerSubject } from '../wiring.ts';

/** meeting-notices: a meeting item → its signed notices and their delivery job. */
export async function buildMeetingNotices(platform: Platform) {
  const { clients, log, clock } = platform;
  const db = clients.documents;
  const signer = await platform.signer();
  const outcomes = new DynamoOutcomeStore(db, platform.table('outcomes'));
  const records = new DynamoDocumentRecords(db, platform.table('documents'));
  const store = new S3DocumentStore(clients.s3, platform.bucket);
  const queue = platform.deliveryQueue();
  return {
    service: new MeetingNotices({
      meetings: new DynamoMeetingReader(db, platform.table('meetings')),
      districts: platform.districts,
      renderer: new MeetingNoticeRenderer({
        printer: await platform.printer(),
        signer,
        clock,
        ...(platform.trust ? { trust: platform.trust } : {}),
      }),
      outcomes,
      records,
      store,
      signerName: await signerSubject(signer),
      now: () => clock().toISOString(),
      queue,
      clock,
      log,
      events: new SafeguardsEvents({
        districts: platform.districts,
        outcomes,
        records,
        store,
        queue,
        clock,
        log,
      }),
    }),
    outcomes,
  };
}
