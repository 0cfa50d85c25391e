/**
 * The rest of the IEP year (#18) at the edges the rules name: late meeting notices in the
 * overdue report (300.322(a)(1)), a cancelled meeting, the safeguards-event items of
 * 300.504(a)(1)-(4) (300.530(h) for a removal), an exit that requires no document
 * (300.102(a)(3), 300.305(e)(2)), and the meetings table's published JSON Schemas.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import type { DistrictProfile } from '../../functions/core/district.ts';
import { calendarClosedReason } from '../../functions/core/exit.ts';
import {
  itemJsonSchema,
  type PublishedItem,
  publishedItemSchemas,
} from '../../functions/core/json-schema.ts';
import { lateNoticeReport, type MeetingNoticeFacts } from '../../functions/core/late-notices.ts';
import { type MeetingItem, readMeetingItem } from '../../functions/core/meeting.ts';
import { checkMeeting } from '../../functions/core/meeting-rules.ts';
import { readSafeguardsEventItem } from '../../functions/core/safeguards-event.ts';
import { versionInForce } from '../../functions/core/versions.ts';
import { checkJobRecords } from '../../functions/pipeline/delivery-job-check.ts';
import {
  contentOfDocuments,
  deliverySubject,
} from '../../functions/pipeline/delivery-templates.ts';
import type { DocumentRecord } from '../../functions/pipeline/ports.ts';
import { loadLocales } from '../../functions/render/locales.ts';
import { meetingNoticeId, meetingNoticeView } from '../../functions/render/meeting-notice.ts';

const raw = (path: string) =>
  JSON.parse(readFileSync(new URL(`../../samples/${path}`, import.meta.url), 'utf8'));
const meeting = (name = 'meeting-annual-en'): MeetingItem => {
  const read = readMeetingItem(raw(`meetings/${name}.json`));
  if (read.kind !== 'meeting') throw new Error(JSON.stringify(read.problems));
  return read.meeting;
};
const notice = (over: Partial<MeetingNoticeFacts> = {}): MeetingNoticeFacts => ({
  meetingId: 'm-1',
  revision: 1,
  meetingDate: '2027-01-15',
  issuedOn: '2027-01-10',
  leadDays: 5,
  minimumDays: 10,
  ...over,
});

describe('late meeting notices in the overdue report (300.322(a)(1))', () => {
  it('lists a notice issued fewer days before the meeting than the minimum, up to the meeting day', () => {
    expect(lateNoticeReport([notice()], '2027-01-10')).toEqual([
      {
        meetingId: 'm-1',
        revision: 1,
        meetingDate: '2027-01-15',
        issuedOn: '2027-01-10',
        leadDays: 5,
        minimumDays: 10,
        cfr: '300.322(a)(1)',
      },
    ]);
    expect(lateNoticeReport([notice()], '2027-01-15')).toHaveLength(1);
    // The day after the meeting, it is history (the outcome keeps the flag).
    expect(lateNoticeReport([notice()], '2027-01-16')).toEqual([]);
  });

  it('does not list a notice given exactly the minimum ahead', () => {
    expect(lateNoticeReport([notice({ leadDays: 10 })], '2027-01-10')).toEqual([]);
  });

  it('judges only the newest revision: a reschedule in time or a cancellation removes it', () => {
    const inTime = notice({ revision: 2, meetingDate: '2027-02-01', leadDays: 21 });
    expect(lateNoticeReport([notice(), inTime], '2027-01-11')).toEqual([]);
    const cancelled = notice({ revision: 2, cancelled: true });
    expect(lateNoticeReport([cancelled, notice()], '2027-01-11')).toEqual([]);
    const lateAgain = notice({ revision: 2, meetingDate: '2027-01-20', leadDays: 9 });
    expect(lateNoticeReport([notice(), lateAgain], '2027-01-11').map((n) => n.revision)).toEqual([
      2,
    ]);
  });

  it('sorts by meeting date and refuses a bad today', () => {
    const later = notice({ meetingId: 'm-0', meetingDate: '2027-01-20' });
    expect(lateNoticeReport([later, notice()], '2027-01-10').map((n) => n.meetingId)).toEqual([
      'm-1',
      'm-0',
    ]);
    expect(() => lateNoticeReport([], '2027-1-10')).toThrow(RangeError);
  });
});

describe('a cancelled meeting', () => {
  const ctx = { issuedOn: '2027-10-10', minimumNoticeDays: 10, state: 'CA' };
  const cancelled = (over: Partial<MeetingItem> = {}): MeetingItem => ({
    ...meeting(),
    revision: 2,
    status: 'cancelled',
    cancellationReason: 'The team will meet after the reevaluation.',
    ...over,
  });

  it('reads the status (scheduled by default)', () => {
    expect(meeting().status).toBe('scheduled');
    expect(
      readMeetingItem({ ...raw('meetings/meeting-annual-en.json'), status: 'postponed' }).kind,
    ).toBe('invalid');
  });

  it('is a notice of cancellation, not held to the lead time of a meeting notice', () => {
    // Two days ahead: a meeting notice would be flagged short; a cancellation is not.
    const check = checkMeeting(cancelled(), { ...ctx, previous: meeting() });
    expect(check).toMatchObject({ problems: [], flags: [], cancelled: true });
    expect(check.replaces).toMatchObject({ revision: 1 });
  });

  it('needs a meeting already noticed and still to come', () => {
    const rules = (m: MeetingItem, issuedOn = ctx.issuedOn) =>
      checkMeeting(m, { ...ctx, issuedOn }).problems.map((p) => p.rule);
    expect(rules(cancelled({ revision: 1 }))).toEqual(['meeting-cancellation-revision']);
    expect(rules(cancelled(), '2027-10-13')).toEqual(['meeting-cancellation-past']);
    expect(rules(cancelled(), '2027-10-12')).toEqual([]);
  });

  it('prints what is cancelled and why, under its own document type', async () => {
    const locales = loadLocales();
    const district = loadDistrictDirectory().get('example-usd') as DistrictProfile;
    const m = cancelled();
    const check = checkMeeting(m, { ...ctx, previous: meeting() });
    for (const tag of ['en', 'es']) {
      const view = meetingNoticeView({
        meeting: m,
        check,
        district,
        locale: locales.get(tag) as never,
      });
      expect(view.title).toBe(locales.get(tag)?.notice.meeting.cancelled.title);
      expect(view.cancelled?.statement).toContain('Riley Carter');
      expect(view.cancelled?.reason).toBe('The team will meet after the reevaluation.');
      expect(view.replaces).toBeNull();
    }
    expect(meetingNoticeId(m, 'en')).not.toBe(meetingNoticeId({ ...m, status: 'scheduled' }, 'en'));
  });
});

describe('safeguards-event items (300.504(a)(1)-(4))', () => {
  const samples = readdirSync(new URL('../../samples/safeguards/', import.meta.url));

  it.each(samples)('accepts the sample %s as it is', (file) => {
    expect(readSafeguardsEventItem(raw(`safeguards/${file}`)).kind).toBe('safeguards-event');
  });

  it('gives it on a removal that changes the placement only (300.530(h), 300.536)', () => {
    const removal = raw('safeguards/removal-en.json');
    const notAChange = readSafeguardsEventItem({
      ...removal,
      removal: { changeOfPlacement: false },
    });
    expect(notAChange).toMatchObject({
      kind: 'invalid',
      problems: [
        {
          path: 'removal.changeOfPlacement',
          message: expect.stringContaining('300.530(h)'),
        },
      ],
    });
    const { removal: _, ...unsaid } = removal;
    expect(readSafeguardsEventItem(unsaid)).toMatchObject({
      kind: 'invalid',
      problems: [{ path: 'removal' }],
    });
  });

  it('refuses the yearly copy (it rides with the first delivery of the year) and a revision', () => {
    const complaint = raw('safeguards/state-complaint-1-es.json');
    expect(readSafeguardsEventItem({ ...complaint, event: 'annual' }).kind).toBe('invalid');
    expect(readSafeguardsEventItem({ ...complaint, revision: 2 })).toMatchObject({
      kind: 'invalid',
      problems: [
        { path: 'revision', message: expect.stringContaining('a new event is a new item') },
      ],
    });
  });

  it("lets a job carry its district's own notice, never another district's", () => {
    const job = { decisionId: 'meeting-evt-1', version: 1, districtId: 'example-usd' };
    const notice = (districtId: string) =>
      ({
        documentId: 'doc_x',
        districtId,
        decisionId: 'safeguards-sample-2026',
        version: 1,
        type: 'procedural-safeguards',
      }) as DocumentRecord;
    expect(() => checkJobRecords(job, 'example-usd', [notice('example-usd')])).not.toThrow();
    expect(() => checkJobRecords(job, 'example-usd', [notice('other-usd')])).toThrow(
      /doc_x: other district/,
    );
    // A rendered document of another decision is still refused.
    const iep = { ...notice('example-usd'), type: 'iep' } as DocumentRecord;
    expect(() => checkJobRecords(job, 'example-usd', [iep])).toThrow(/other decision/);
  });

  it('is delivered with a message that says what it carries, in the family language', () => {
    const locales = loadLocales();
    const district = loadDistrictDirectory().get('example-usd') as DistrictProfile;
    expect(contentOfDocuments(['procedural-safeguards'])).toBe('procedural-safeguards');
    // With other documents it still rides along unnamed.
    expect(contentOfDocuments(['procedural-safeguards', 'notice-of-meeting'])).toBe(
      'notice-of-meeting',
    );
    const es = locales.get('es');
    if (!es) throw new Error('no es locale');
    expect(deliverySubject('email', es, district, false, 'procedural-safeguards')).toBe(
      `Aviso de garantías procesales — ${district.name}`,
    );
  });
});

describe('an exit that requires no document (300.102(a)(3), 300.305(e)(2))', () => {
  it('is a version in force that closes the calendar, with its reason', () => {
    expect(
      versionInForce([
        { version: 1, outcome: 'documents-ready' },
        { version: 2, outcome: 'calendar-closed' },
      ]),
    ).toBe(2);
    expect(calendarClosedReason({ reason: 'moved', date: '2027-10-01' })).toMatch(
      /^exit \(moved\) on 2027-10-01: the calendar ends.*300\.305\(e\)\(2\)/,
    );
  });
});

describe('the meetings table items published JSON Schemas', () => {
  const committed = (name: string) =>
    JSON.parse(readFileSync(new URL(`../../schema/${name}.schema.json`, import.meta.url), 'utf8'));
  const compile = (name: string) => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    return ajv.compile(committed(name));
  };
  const SAMPLES: Record<PublishedItem, string[]> = {
    'meeting-item.v1': ['meetings/meeting-annual-en.json', 'meetings/meeting-transition-es.json'],
    'safeguards-event-item.v1': [
      'safeguards/state-complaint-1-es.json',
      'safeguards/state-complaint-2-es.json',
      'safeguards/removal-en.json',
    ],
  };

  it.each(Object.keys(publishedItemSchemas) as PublishedItem[])(
    '%s is the one generated from the schema (run `npm run schema` after changing it), and accepts the samples',
    (name) => {
      expect(committed(name)).toEqual(itemJsonSchema(name));
      const validate = compile(name);
      for (const file of SAMPLES[name])
        expect(validate(raw(file)), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(validate({ ...raw(SAMPLES[name][0] as string), revision: 'one' })).toBe(false);
      expect(validate({ ...raw(SAMPLES[name][0] as string), kind: 'decision' })).toBe(false);
    },
  );
});
