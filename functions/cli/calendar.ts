/**
 * `iep-docs calendar FILE… [--json]` and `iep-docs overdue [--json]`: the compliance calendar
 * on the command line. `calendar` is offline (no emulators, no clock): each decision's entries
 * and the dates of their reminders, as derived alone (no superseding between files). Invalid
 * files get the same problem lines and exit codes as `validate`. `overdue` only formats: the
 * runtime reads its saved state and passes the report in.
 */
import type { CalendarEntry, CalendarOptions, OverdueItem } from '../core/calendar.ts';
import type { Decision } from '../core/decision.ts';
import type { DistrictDirectory } from '../core/district.ts';
import type { LateNotice } from '../core/late-notices.ts';
import { describeProblem, type Problem } from '../core/problems.ts';
import { calendarFor, type Reminder, type ReminderOffsets } from '../core/reminders.ts';
import { loadDecisionFile } from './load.ts';

/** Where the commands write (the CLI's CliIo fits). */
export interface CalendarIo {
  stdout(line: string): void;
  stderr(line: string): void;
}

/** Exit codes, as the rest of the CLI: 0 success, 2 invalid input, 3 usage or I/O error. */
const EXIT = { ok: 0, invalidInput: 2, usageOrIo: 3 } as const;

/** One reminder date as printed. */
export interface ReminderLine {
  recipientId: string;
  audience: Reminder['audience'];
  sendOn: string;
  offsetDays: number;
  kind: Reminder['kind'];
}

/** One entry as printed. */
export interface EntryLine {
  entry: CalendarEntry['entry'];
  entryId: string;
  dueDate: string;
  noticeDate?: string;
  ageOfMajority?: number;
  /** annual-review: the day rights transfer, when the next IEP must state it (300.320(c)). */
  majorityDate?: string;
  transitionAge?: number;
  transitionPlanInIep?: boolean;
  /** reevaluation: waived by agreement on that day (300.303(b)(2)); the entry is cancelled. */
  waivedOn?: string;
  status: CalendarEntry['status'];
  cfr: string;
  reminders: ReminderLine[];
}

/** One decision's calendar as printed. */
export interface DecisionCalendarLine {
  file: string;
  decisionId: string;
  version: number;
  status: Decision['status'];
  meetingType: Decision['meeting']['type'];
  meetingDate: string;
  entries: EntryLine[];
}

/** The `--json` document. */
export interface CalendarJson {
  decisions: DecisionCalendarLine[];
}

/** Options of `calendarCommand`. */
export interface CalendarCommandOptions {
  json: boolean;
  /** When given, a decision of a district without a profile is a problem (as in `validate`). */
  districts?: DistrictDirectory;
  offsets?: ReminderOffsets;
  calendar?: CalendarOptions;
}

type Loaded =
  | { file: string; kind: 'io-error'; message: string }
  | { file: string; kind: 'problems'; problems: Problem[] }
  | { file: string; kind: 'decision'; decision: Decision };

/** A decision with any problem (schema, completeness, district) gets no calendar. */
async function load(file: string, districts?: DistrictDirectory): Promise<Loaded> {
  const loaded = await loadDecisionFile(file, districts);
  if (loaded.kind === 'io-error') return loaded;
  if (loaded.problems.length > 0) return { file, kind: 'problems', problems: loaded.problems };
  return loaded.kind === 'decision'
    ? { file, kind: 'decision', decision: loaded.decision }
    : { file, kind: 'problems', problems: loaded.problems };
}

/** A decision's calendar in the printed shape (pure). */
export function decisionCalendarLine(
  file: string,
  decision: Decision,
  options: { offsets?: ReminderOffsets; calendar?: CalendarOptions } = {},
): DecisionCalendarLine {
  const { entries, reminders } = calendarFor(decision, {
    ...options.calendar,
    ...(options.offsets ? { offsets: options.offsets } : {}),
  });
  return {
    file,
    decisionId: decision.decisionId,
    version: decision.version,
    status: decision.status,
    meetingType: decision.meeting.type,
    meetingDate: decision.meeting.date,
    entries: entries.map((e) => ({
      entry: e.entry,
      entryId: e.entryId,
      dueDate: e.dueDate,
      ...(e.noticeDate ? { noticeDate: e.noticeDate } : {}),
      ...(e.ageOfMajority !== undefined ? { ageOfMajority: e.ageOfMajority } : {}),
      ...(e.majorityDate ? { majorityDate: e.majorityDate } : {}),
      ...(e.transitionAge !== undefined ? { transitionAge: e.transitionAge } : {}),
      ...(e.waivedOn ? { waivedOn: e.waivedOn } : {}),
      status: e.status,
      ...(e.transitionPlanInIep !== undefined
        ? { transitionPlanInIep: e.transitionPlanInIep }
        : {}),
      cfr: e.cfr,
      reminders: reminders
        .filter((r) => r.entryId === e.entryId)
        .map((r) => ({
          recipientId: r.recipientId,
          audience: r.audience,
          sendOn: r.sendOn,
          offsetDays: r.offsetDays,
          kind: r.kind,
        })),
    })),
  };
}

function when(r: ReminderLine): string {
  if (r.kind === 'overdue') return `overdue alert, ${-r.offsetDays} day(s) after`;
  return r.offsetDays === 0 ? 'on the day' : `${r.offsetDays} days before`;
}

/** The text table of one decision's calendar (pure). */
export function formatDecisionCalendar(c: DecisionCalendarLine): string[] {
  const lines = [
    `${c.file}: ${c.decisionId} v${c.version} (${c.status}, ${c.meetingType} meeting ${c.meetingDate})`,
  ];
  if (c.entries.length === 0) {
    lines.push('  no entries: only a finalized decision schedules the calendar');
    return lines;
  }
  for (const e of c.entries) {
    const extra = [
      e.majorityDate
        ? `the next IEP must state the transfer of rights at ${e.ageOfMajority} on ${e.majorityDate} (in effect from ${e.noticeDate})`
        : '',
      !e.majorityDate && e.noticeDate ? `notice from ${e.noticeDate}` : '',
      !e.majorityDate && e.ageOfMajority !== undefined ? `age ${e.ageOfMajority}` : '',
      e.transitionAge !== undefined ? `age ${e.transitionAge}` : '',
      e.waivedOn
        ? `cancelled: the parent and the district agreed on ${e.waivedOn} that it is unnecessary (300.303(b)(2))`
        : '',
      e.transitionPlanInIep === false ? 'no transition plan in this IEP' : '',
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(
      `  ${e.entry.padEnd(14)} ${e.dueDate}  34 CFR ${e.cfr}${extra ? `  (${extra})` : ''}`,
    );
    for (const r of e.reminders)
      lines.push(
        `      ${r.sendOn}  ${r.recipientId.padEnd(14)} ${r.audience.padEnd(13)} ${when(r)}`,
      );
  }
  return lines;
}

/** The state whose rules apply: the district profile's (none without profiles: the federal rule). */
function stateOf(decision: Decision, districts?: DistrictDirectory): string | undefined {
  return districts?.has(decision.districtId) ? districts.get(decision.districtId).state : undefined;
}

/** `iep-docs calendar FILE… [--json]`; returns the exit code. */
export async function calendarCommand(
  files: string[],
  options: CalendarCommandOptions,
  io: CalendarIo,
): Promise<number> {
  const loaded = await Promise.all(files.map((f) => load(f, options.districts)));
  const calendars: DecisionCalendarLine[] = [];
  let bad = false;
  let ioError = false;
  for (const l of loaded) {
    if (l.kind === 'io-error') {
      ioError = true;
      io.stderr(`${l.file}: ${l.message}`);
    } else if (l.kind === 'problems') {
      bad = true;
      for (const p of l.problems) io.stderr(`${l.file}: ${describeProblem(p)}`);
    } else {
      calendars.push(
        decisionCalendarLine(l.file, l.decision, {
          ...(options.offsets ? { offsets: options.offsets } : {}),
          calendar: { ...options.calendar, state: stateOf(l.decision, options.districts) },
        }),
      );
    }
  }
  if (options.json) {
    const doc: CalendarJson = { decisions: calendars };
    io.stdout(JSON.stringify(doc, null, 2));
  } else {
    for (const c of calendars) for (const line of formatDecisionCalendar(c)) io.stdout(line);
  }
  if (ioError) return EXIT.usageOrIo;
  return bad ? EXIT.invalidInput : EXIT.ok;
}

/**
 * `iep-docs overdue [--json]`: prints an overdue report (read by the caller): the deadlines
 * passed, then the meeting notices issued late (300.322(a)(1)) for meetings still to come; exit 0.
 */
export function overdueCommand(
  report: { today: string; overdue: OverdueItem[]; lateNotices?: LateNotice[] },
  options: { json: boolean },
  io: CalendarIo,
): number {
  const lateNotices = report.lateNotices ?? [];
  if (options.json) {
    io.stdout(
      JSON.stringify({ today: report.today, overdue: report.overdue, lateNotices }, null, 2),
    );
    return EXIT.ok;
  }
  if (report.overdue.length === 0 && lateNotices.length === 0) {
    io.stdout(`nothing overdue on ${report.today}`);
    return EXIT.ok;
  }
  io.stdout(`overdue on ${report.today}:`);
  for (const o of report.overdue)
    io.stdout(`  ${o.dueDate}  ${o.entry.padEnd(14)} ${o.decisionId}`);
  for (const n of lateNotices)
    io.stdout(
      `  ${n.meetingDate}  late notice    meeting ${n.meetingId} r${n.revision}: issued ${n.issuedOn}, ${n.leadDays} day(s) before (minimum ${n.minimumDays}, ${n.cfr})`,
    );
  return EXIT.ok;
}
