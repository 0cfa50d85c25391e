/** How the calendar's use cases are put together, for the Lambda handlers and the local runtime. */
import type { AwsClients } from '../adapters/aws-clients.ts';
import { DynamoCalendarStore, DynamoSweepRuns } from '../adapters/dynamo-calendar.ts';
import { DynamoDocumentRecords } from '../adapters/dynamo-document-records.ts';
import { meetingNoticesOf } from '../adapters/dynamo-outcomes.ts';
import { S3DocumentStore } from '../adapters/s3-document-store.ts';
import type { CalendarOptions } from '../core/calendar.ts';
import type { DistrictDirectory } from '../core/district.ts';
import type { ReminderOffsets } from '../core/reminders.ts';
import type { DecisionSource, StaffNotifier } from '../pipeline/calendar-ports.ts';
import { CalendarSchedule } from '../pipeline/calendar-schedule.ts';
import { CalendarSweep, type NoticeMaker } from '../pipeline/calendar-sweep.ts';
import type { DeliveryQueue, Log } from '../pipeline/ports.ts';

/** What {@link calendarServices} needs. */
export interface CalendarParts {
  clients: AwsClients;
  /** `outcomes`: the meeting notices' timing, for the late notices of the overdue report. */
  tables: { calendar: string; runs: string; documents: string; outcomes?: string };
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
    ...(parts.tables.outcomes
      ? {
          meetingNotices: {
            meetingNoticesOf: (districtId: string) =>
              meetingNoticesOf(db, parts.tables.outcomes as string, districtId),
          },
        }
      : {}),
  });
  return { store, schedule, sweep };
}
