/** The calendar's use cases over a platform (the review sweep's handler and the local runtime). */
import { DynamoDecisionReader } from '../../adapters/dynamo-decision-reader.ts';
import { MailerStaffNotifier } from '../../pipeline/calendar-staff-notifier.ts';
import { NoticeRenderer } from '../../render/notice.ts';
import { calendarServices } from '../calendar-wiring.ts';
import type { Platform } from '../platform.ts';
import { signerSubject } from '../wiring.ts';

/**
 * The calendar's scheduling and daily sweep (notices rendered and signed here). The sweep
 * alone reads entries by due date and needs no studentKey secret: only scheduling loads it.
 */
export async function buildCalendar(
  platform: Platform,
  use: { readonly scheduling: boolean } = { scheduling: true },
) {
  const { clients, log, clock } = platform;
  const signer = await platform.signer();
  return calendarServices({
    clients,
    tables: {
      calendar: platform.table('calendar'),
      runs: platform.table('runs'),
      documents: platform.table('documents'),
      outcomes: platform.table('outcomes'),
    },
    bucket: platform.bucket,
    decisions: new DynamoDecisionReader(clients.documents, platform.table('decisions')),
    districts: platform.districts,
    notices: new NoticeRenderer({
      printer: await platform.printer(),
      signer,
      clock,
      ...(platform.trust ? { trust: platform.trust } : {}),
    }),
    queue: platform.deliveryQueue(),
    staff: new MailerStaffNotifier(platform.mailer(), platform.districts),
    signerName: await signerSubject(signer),
    clock,
    log,
    ...(use.scheduling ? { options: await platform.calendarOptions() } : {}),
  });
}
