/**
 * Scheduling the compliance calendar: a finalized decision's entries and reminders are
 * recorded once its documents are ready (superseding the student's older ones), and a
 * withdrawn version's entries are cancelled.
 *
 * Crash-safe by convergence rather than by order: after the entry changes are written, the
 * reminders are reconciled with the entries as stored (every pending reminder of a cancelled
 * entry is cancelled, every reminder of this version's pending entries exists, reinstated
 * entries get their cancelled reminders back). A retry after a crash at any step finds the
 * entries already there (`already-applied`) and completes the reminders; nothing is planned
 * twice (reminders are written with attribute_not_exists).
 */
import {
  type CalendarEntry,
  type CalendarOptions,
  calendarEntryKinds,
  entryIdOf,
  studentKey,
} from '../core/calendar.ts';
import { type SupersedeResult, supersede } from '../core/calendar-supersede.ts';
import { replanForConsent } from '../core/consent-in-force.ts';
import type { Decision } from '../core/decision.ts';
import type { DistrictDirectory } from '../core/district.ts';
import {
  DEFAULT_REMINDER_OFFSETS,
  planReminders,
  type Reminder,
  type ReminderOffsets,
} from '../core/reminders.ts';
import type { CalendarStore, ReminderReport, StoredReminder } from './calendar-ports.ts';
import { reportOf } from './calendar-ports.ts';
import type { Log } from './ports.ts';

/** What scheduling needs. */
export interface CalendarScheduleDeps {
  store: CalendarStore;
  clock: () => Date;
  log: Log;
  /** The deployment's studentKey secret (see `core/calendar.ts`). */
  options?: CalendarOptions;
  /** The district profiles: each decision's calendar follows its district's state rules. */
  districts: Pick<DistrictDirectory, 'get'>;
  offsets?: ReminderOffsets;
}

/** What one call changed (ids and dates only: safe to log and to print). */
export interface ScheduleResult {
  outcome: SupersedeResult['outcome'];
  added: CalendarEntry[];
  cancelled: CalendarEntry[];
  reinstated: CalendarEntry[];
  /** Reminders newly recorded pending. */
  planned: Reminder[];
  /** Reminders this call cancelled, as the run summary shows them. */
  cancelledReminders: ReminderReport[];
}

export class CalendarSchedule {
  constructor(private readonly deps: CalendarScheduleDeps) {}

  /**
   * Records a finalized decision's calendar (call it from `afterDocumentsReady`; idempotent).
   * A draft or withdrawn decision passed here changes nothing but is reported as such.
   */
  async scheduleCalendar(decision: Decision): Promise<ScheduleResult> {
    return this.#plan(decision, supersede);
  }

  /**
   * Re-plans a decision's calendar after the consent in force changed (an online answer;
   * `decision` carries the consent, core/consent-in-force.ts). Idempotent.
   */
  async replanForConsent(decision: Decision): Promise<ScheduleResult> {
    return this.#plan(decision, replanForConsent);
  }

  async #plan(decision: Decision, plan: typeof supersede): Promise<ScheduleResult> {
    const { state } = this.deps.districts.get(decision.districtId);
    const options = { ...this.deps.options, state };
    const key = studentKey(decision.districtId, decision.student.studentId, options);
    const stored = await this.deps.store.forStudent(key);
    const entries = await this.withEarlierVersions(stored.entries, decision);
    const result = plan(entries, decision, options);
    const own = result.entries.filter(
      (e) => e.decisionId === decision.decisionId && e.version === decision.version,
    );
    const planned =
      decision.status === 'finalized'
        ? planReminders(
            decision,
            own.filter((e) => e.status === 'pending'),
            this.deps.offsets ?? DEFAULT_REMINDER_OFFSETS,
            state,
          )
        : [];
    return this.apply(result, stored.reminders, planned, {
      decisionId: decision.decisionId,
      version: decision.version,
    });
  }

  /**
   * Cancels a withdrawn version's entries (and those of its earlier versions) and reinstates
   * the entries they had superseded (call it from `afterWithdrawn`; idempotent). Only ids
   * are given: the student is found through the entries of the decision itself.
   */
  async cancelForWithdrawal(decisionId: string, version: number): Promise<ScheduleResult> {
    const found = await this.findEntryOf(decisionId, version);
    if (!found) {
      return {
        outcome: 'withdrawn',
        added: [],
        cancelled: [],
        reinstated: [],
        planned: [],
        cancelledReminders: [],
      };
    }
    const stored = await this.deps.store.forStudent(found.studentKey);
    const result = withdrawEntries(stored.entries, found, decisionId, version, this.deps.options);
    return this.apply(result, stored.reminders, [], { decisionId, version });
  }

  /**
   * The student's entries (read from an index, which lags writes slightly) completed with
   * consistent reads of the decision's own earlier versions: a correction that follows its
   * version within a second still supersedes it.
   */
  private async withEarlierVersions(
    entries: CalendarEntry[],
    decision: Decision,
  ): Promise<CalendarEntry[]> {
    const byId = new Map(entries.map((e) => [e.entryId, e]));
    for (let v = 1; v < decision.version; v++) {
      for (const kind of calendarEntryKinds) {
        const entry = await this.deps.store.getEntry(entryIdOf(decision.decisionId, v, kind));
        if (entry) byId.set(entry.entryId, entry);
      }
    }
    return [...byId.values()];
  }

  /** Any entry of the decision at or before `version` (newest version first). */
  private async findEntryOf(
    decisionId: string,
    version: number,
  ): Promise<CalendarEntry | undefined> {
    for (let v = version; v >= 1; v--) {
      for (const kind of calendarEntryKinds) {
        const entry = await this.deps.store.getEntry(entryIdOf(decisionId, v, kind));
        if (entry) return entry;
      }
    }
    return undefined;
  }

  private async apply(
    result: SupersedeResult,
    reminders: StoredReminder[],
    planned: Reminder[],
    ref: { decisionId: string; version: number },
  ): Promise<ScheduleResult> {
    const { store, log } = this.deps;
    const at = this.deps.clock().toISOString();
    for (const entry of [...result.cancel, ...result.reinstate, ...result.add])
      await store.putEntry(entry);

    const cancelledIds = new Set(
      result.entries.filter((e) => e.status === 'cancelled').map((e) => e.entryId),
    );
    const cancelledReminders: ReminderReport[] = [];
    for (const r of reminders) {
      if (r.state !== 'pending' || !cancelledIds.has(r.entryId)) continue;
      if (await store.settleReminder(r, 'pending', 'cancelled', at))
        cancelledReminders.push(reportOf(r, 'cancelled'));
    }

    // The previous IEP is back in effect: its reminders cancelled by the superseding run resume.
    const reinstatedIds = new Set(result.reinstate.map((e) => e.entryId));
    const reopened: Reminder[] = [];
    for (const r of reminders) {
      if (r.state === 'cancelled' && reinstatedIds.has(r.entryId)) {
        if (await store.settleReminder(r, 'cancelled', 'pending', at)) reopened.push(r);
      }
    }

    const newlyPlanned: Reminder[] = [];
    for (const r of planned) if (await store.putReminder(r, at)) newlyPlanned.push(r);

    // The sweep starts from the oldest pending date: a reminder planned in the past (a late
    // decision, a reinstated IEP) must be seen by the next run, which sends or skips it.
    const dates = [...newlyPlanned, ...reopened].map((r) => r.sendOn).sort();
    const oldest = dates[0];
    const districtId = [...newlyPlanned, ...reopened][0]?.districtId;
    if (oldest && districtId) await store.lowerOldestPending(districtId, oldest);

    log.info('calendar scheduled', {
      decisionId: ref.decisionId,
      version: ref.version,
      outcome: result.outcome,
      added: result.add.length,
      cancelled: result.cancel.length,
      reinstated: result.reinstate.length,
      remindersPlanned: newlyPlanned.length,
      remindersCancelled: cancelledReminders.length,
    });
    return {
      outcome: result.outcome,
      added: result.add,
      cancelled: result.cancel,
      reinstated: result.reinstate,
      planned: newlyPlanned,
      cancelledReminders,
    };
  }
}

/**
 * `supersede` for a withdrawal known by ids only. `supersede` finds the student's entries by
 * hashing the decision's student id, which the hook does not have; the entries are the
 * student's already (found by studentKey), so they are given a stand-in key for the call and
 * their own key back afterwards. The withdrawn branch reads nothing else of the decision.
 */
function withdrawEntries(
  entries: readonly CalendarEntry[],
  anyEntry: CalendarEntry,
  decisionId: string,
  version: number,
  options: CalendarOptions = {},
): SupersedeResult {
  const standInId = 'withdrawn-decision';
  const standInKey = studentKey(anyEntry.districtId, standInId, options);
  const rekeyed = entries.map((e) => ({ ...e, studentKey: standInKey }));
  const standIn = {
    status: 'withdrawn',
    decisionId,
    version,
    districtId: anyEntry.districtId,
    timeZone: anyEntry.timeZone,
    student: { studentId: standInId },
    meeting: { date: anyEntry.meetingDate, type: anyEntry.meetingType },
  } as unknown as Decision;
  const result = supersede(rekeyed, standIn, options);
  const back = (e: CalendarEntry): CalendarEntry => ({ ...e, studentKey: anyEntry.studentKey });
  return {
    outcome: result.outcome,
    add: result.add.map(back),
    cancel: result.cancel.map(back),
    reinstate: result.reinstate.map(back),
    entries: result.entries.map(back),
  };
}
