/**
 * The calendar on the emulators: fresh tables, the real DynamoDB store, the SES emulator for
 * case-manager emails, a recording delivery queue (the deliver side is not under test) and,
 * when a test sends notices, a real printer and signer.
 */
import { randomBytes } from 'node:crypto';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import { DynamoCalendarStore, DynamoSweepRuns } from '../../functions/adapters/dynamo-calendar.ts';
import { DynamoDecisionReader } from '../../functions/adapters/dynamo-decision-reader.ts';
import { DynamoDocumentRecords } from '../../functions/adapters/dynamo-document-records.ts';
import { S3DocumentStore } from '../../functions/adapters/s3-document-store.ts';
import { SesMailer } from '../../functions/adapters/ses-mailer.ts';
import type { Decision } from '../../functions/core/decision.ts';
import type { CalendarStore, StaffNotifier } from '../../functions/pipeline/calendar-ports.ts';
import { MailerStaffNotifier } from '../../functions/pipeline/calendar-staff-notifier.ts';
import { CalendarSweep, type NoticeMaker } from '../../functions/pipeline/calendar-sweep.ts';
import type { DeliveryJob, DeliveryQueue, Log } from '../../functions/pipeline/ports.ts';
import { calendarServices } from '../../functions/platform/calendar-wiring.ts';
import { type TestEnvironment, testEnvironment } from '../support/environment.ts';
import { sentEmails } from '../support/ses.ts';
import { fixture, type Variant, variant } from '../unit/calendar-support.ts';

export const quiet: Log = { debug() {}, info() {}, warn() {}, error() {} };

/** A clock a test moves. */
export class TestClock {
  constructor(private at: Date) {}
  now = (): Date => new Date(this.at);
  set(iso: string): void {
    this.at = new Date(iso);
  }
  advanceMinutes(minutes: number): void {
    this.at = new Date(this.at.getTime() + minutes * 60_000);
  }
}

/** A delivery queue that keeps every job it was given (in order, repeats included). */
export class RecordingQueue implements DeliveryQueue {
  readonly jobs: DeliveryJob[] = [];
  async enqueue(job: DeliveryJob): Promise<void> {
    this.jobs.push(structuredClone(job));
  }
  /** Distinct jobs by jobId. */
  get distinct(): DeliveryJob[] {
    return [...new Map(this.jobs.map((j) => [j.jobId, j])).values()];
  }
}

export interface CalendarFixture {
  env: TestEnvironment;
  clock: TestClock;
  queue: RecordingQueue;
  services: ReturnType<typeof calendarServices>;
  /** A unique case-manager address: this test's emails in the shared SES emulator. */
  caseManagerEmail: string;
  /** The English annual fixture (due 2027-11-19, reevaluation 2027-10-14), this test's own. */
  decision(v?: Variant): Decision;
  /** Writes a decision to the decisions table (what the district does) and schedules it. */
  finalize(
    decision: Decision,
  ): ReturnType<ReturnType<typeof calendarServices>['schedule']['scheduleCalendar']>;
  emails(): ReturnType<typeof sentEmails>;
  /** A second sweep over the same tables, seeing the calendar store through `wrap`. */
  sweepWith(wrap: (store: CalendarStore) => CalendarStore): CalendarSweep;
}

/** A fresh calendar on its own tables. */
export async function calendarFixture(
  options: {
    at?: string;
    notices?: NoticeMaker;
    wrapQueue?: (inner: DeliveryQueue) => DeliveryQueue;
    wrapStaff?: (inner: StaffNotifier) => StaffNotifier;
  } = {},
): Promise<CalendarFixture> {
  const env = await testEnvironment();
  const clock = new TestClock(new Date(options.at ?? '2026-11-21T14:00:00Z'));
  const queue = new RecordingQueue();
  const districts = loadDistrictDirectory();
  const staff = new MailerStaffNotifier(new SesMailer(env.clients.ses), districts);
  const unique = randomBytes(4).toString('hex');
  const caseManagerEmail = `cm-${unique}@example-usd.org`;
  const notices: NoticeMaker = options.notices ?? {
    languages: ['en'],
    render: async () => {
      throw new Error('this test renders no notice');
    },
  };
  const wrappedQueue = options.wrapQueue ? options.wrapQueue(queue) : queue;
  const wrappedStaff = options.wrapStaff ? options.wrapStaff(staff) : staff;
  const services = calendarServices({
    clients: env.clients,
    tables: {
      calendar: env.names.tables.calendar,
      runs: env.names.tables.runs,
      documents: env.names.tables.documents,
    },
    bucket: env.names.buckets.documents,
    decisions: new DynamoDecisionReader(env.clients.documents, env.names.tables.decisions),
    districts,
    notices,
    queue: wrappedQueue,
    staff: wrappedStaff,
    signerName: 'CN=test',
    clock: clock.now,
    log: quiet,
  });
  return {
    env,
    clock,
    queue,
    services,
    caseManagerEmail,
    decision(v: Variant = {}) {
      const d = variant(fixture('annual-elementary-en'), {
        decisionId: `dec-${unique}`,
        studentId: `S-${unique}`,
        ...v,
      });
      d.caseManager.email = caseManagerEmail;
      return d;
    },
    async finalize(decision: Decision) {
      await env.clients.documents.put({
        TableName: env.names.tables.decisions,
        Item: asWritten(decision),
      });
      return services.schedule.scheduleCalendar(decision);
    },
    emails: () => sentEmails({ to: caseManagerEmail }),
    sweepWith: (wrap) =>
      new CalendarSweep({
        store: wrap(new DynamoCalendarStore(env.clients.documents, env.names.tables.calendar)),
        runs: new DynamoSweepRuns(env.clients.documents, env.names.tables.runs, clock.now),
        decisions: new DynamoDecisionReader(env.clients.documents, env.names.tables.decisions),
        districts,
        notices,
        records: new DynamoDocumentRecords(env.clients.documents, env.names.tables.documents),
        documents: new S3DocumentStore(env.clients.s3, env.names.buckets.documents),
        queue: wrappedQueue,
        staff: wrappedStaff,
        signerName: 'CN=test',
        clock: clock.now,
        log: quiet,
      }),
  };
}

/**
 * A decision read from a version-1 fixture, as a district writes it in version 1 (the table
 * holds what districts write, and the sweep reads it back through the schema). The version-1
 * age of majority is no longer read (the state table decides): 18 stands in for it.
 */
function asWritten(d: Decision): Record<string, unknown> {
  if (d.schemaVersion === 2) return d;
  const { parentAttempts: _a, changes: _c, parentAgreement: _p, ...meeting } = d.meeting;
  const { stateOfResidence, ...student } = d.student;
  return {
    ...d,
    student: { ...student, stateOfResidence: stateOfResidence ?? 'CA' },
    meeting: {
      ...meeting,
      attendees: meeting.attendees.map(({ excused, informedOn: _i, ...a }) =>
        excused ? { ...a, excused: true } : a,
      ),
    },
    iep: {
      ...d.iep,
      specialFactors: Object.fromEntries(
        Object.entries(d.iep.specialFactors).map(([k, f]) => [
          k,
          { considered: f.applies, notes: f.notes },
        ]),
      ),
      ...(d.iep.transferOfRights
        ? { transferOfRights: { ageOfMajority: 18, ...d.iep.transferOfRights } }
        : {}),
    },
  };
}
