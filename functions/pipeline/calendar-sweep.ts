/**
 * The daily sweep of one district: every pending reminder due on or before `today` (a
 * calendar date of the district's time zone, passed in) is sent once, or recorded
 * `skipped-stale` when a later offset of the same entry and recipient is due too; then the
 * overdue report is read from the stored entries.
 *
 * Finding the work: the by-send-date index holds pending reminders only (sparse). The sweep
 * queries it day by day from the district's oldest-pending marker to today. Scheduling lowers
 * the marker whenever it records a reminder dated earlier (a decision that arrives late plans
 * reminders in the past), and a run that leaves nothing pending behind raises it to tomorrow.
 * So a run reads the days since the last complete run (one day normally, the whole gap after
 * an outage) and never scans the future reminders of the whole table.
 *
 * Sending each reminder at most once, and never losing one:
 *   1. claim the notice (`dedupeKey`) with a conditional put, state `sending`;
 *   2. send: the parents' notice as a DeliveryJob whose jobId derives from the dedupeKey (the
 *      delivery side keys its deliveries on the job, so enqueuing it again delivers nothing
 *      twice); the case manager's email through the StaffNotifier;
 *   3. mark the claim `sent`, then the reminder `sent`.
 * A crash before 1 leaves the reminder pending: the next run sends it. A crash between 1 and
 * 3 leaves a `sending` claim: a run that finds it older than the lease (the longest a sweep
 * can run) takes it over and sends again; a younger one belongs to a sweep still running and
 * is left alone (two sweeps at the same moment: the conditional put lets one through). A send
 * that fails with an error (rather than a crash) releases its claim at once, so the retry
 * sends it without waiting for the lease.
 * Guarantee: no reminder is lost. Parents' notices are delivered once (the repeated job is
 * idempotent downstream). A case manager's email accepted by SES in the instant before a
 * crash is sent a second time after the lease: staff emails are at least once, by choice,
 * since SES has no idempotency key and a missed deadline costs more than a repeated reminder.
 *
 * This file holds the sweep: finding the work, the claims, the marker and the reports. What a
 * claimed reminder sends (the case manager's email, the parents' notice and its delivery job)
 * is in reminder-send.ts.
 */
import { type OverdueItem, overdueReport } from '../core/calendar.ts';
import { addDays, type CalendarDate, isCalendarDate } from '../core/dates.ts';
import { servedOn } from '../core/exit.ts';
import {
  type LateNotice,
  lateNoticeReport,
  type MeetingNoticeFacts,
} from '../core/late-notices.ts';
import { type Reminder, selectDueReminders } from '../core/reminders.ts';
import {
  type CalendarStore,
  type ReminderReport,
  reportOf,
  type SweepRuns,
} from './calendar-ports.ts';
import type { Log } from './ports.ts';
import { ReminderSender, type ReminderSenderDeps } from './reminder-send.ts';

export type { NoticeMaker } from './reminder-send.ts';
export { noticeJobId } from './reminder-send.ts';

/** What the sweep needs. */
export interface CalendarSweepDeps extends ReminderSenderDeps {
  store: CalendarStore;
  runs: SweepRuns;
  log: Log;
  /** The meeting notices' timing (the outcomes table): late notices join the overdue report. */
  meetingNotices?: { meetingNoticesOf(districtId: string): Promise<MeetingNoticeFacts[]> };
  /**
   * How long a `sending` claim belongs to the sweep that took it (default 15 minutes, the
   * sweep function's timeout): older claims were left by a crash and are taken over.
   */
  leaseMs?: number;
}

/** What one run did. */
export interface SweepResult {
  districtId: string;
  today: CalendarDate;
  /** Every reminder handled today (this run or an earlier run of the same day). */
  reminders: ReminderReport[];
  overdue: OverdueItem[];
  /** Meeting notices issued later than the district's minimum, for meetings still to come. */
  lateNotices: LateNotice[];
  /** Reminders that failed this run: still pending (or claimed), the next run retries them. */
  failed: { reminderId: string; reason: string }[];
}

const DEFAULT_LEASE_MS = 15 * 60 * 1000;

/** The daily sweep of one district's reminders (see the top of this file). */
export class CalendarSweep {
  constructor(private readonly deps: CalendarSweepDeps) {}

  /** Runs the sweep of one district as of `today`. Safe to run twice, or at the same time. */
  async runSweep({
    districtId,
    today,
  }: {
    districtId: string;
    today: CalendarDate;
  }): Promise<SweepResult> {
    if (!isCalendarDate(today)) throw new RangeError(`today is not a calendar date: ${today}`);
    const { store, runs, log } = this.deps;
    this.deps.districts.get(districtId); // an unknown district fails loudly, before any work

    const reported = await this.reportedEarlier(districtId, today);
    const marker = await store.oldestPending(districtId);
    const pending = await this.pendingSince(districtId, marker, today);
    const { send, skipStale } = selectDueReminders(pending, today);
    const record = async (r: Reminder, report: ReminderReport) => {
      reported.set(r.reminderId, report);
      await runs.record(districtId, today, { reminderId: r.reminderId, report });
    };

    for (const r of skipStale) {
      if (await store.settleReminder(r, 'pending', 'skipped-stale', this.now()))
        await record(r, reportOf(r, 'skipped-stale'));
    }
    const { failed, leftPending } = await this.sendDue(send, today, record);

    // Everything due is done unless something failed or is in flight elsewhere: the next run
    // starts from the oldest of those, or tomorrow.
    const next = [...leftPending].sort()[0] ?? addDays(today, 1);
    if (marker !== undefined && next > marker)
      await store.raiseOldestPending(districtId, marker, next);

    const overdue = await this.overdueOn(districtId, today);
    const lateNotices = await this.lateNoticesOn(districtId, today);
    const reminders = [...reported.values()].sort(
      (a, b) =>
        a.sendOn.localeCompare(b.sendOn) ||
        a.decisionId.localeCompare(b.decisionId) ||
        a.entry.localeCompare(b.entry) ||
        a.recipientId.localeCompare(b.recipientId),
    );
    log.info('sweep done', {
      districtId,
      today,
      from: marker,
      sent: reminders.filter((r) => r.state === 'sent').length,
      skippedStale: reminders.filter((r) => r.state === 'skipped-stale').length,
      failed: failed.length,
      overdue: overdue.length,
      lateNotices: lateNotices.length,
    });
    return { districtId, today, reminders, overdue, lateNotices, failed };
  }

  /** What earlier runs of the same day reported, a `sent` now reported `already-sent`. */
  private async reportedEarlier(
    districtId: string,
    today: CalendarDate,
  ): Promise<Map<string, ReminderReport>> {
    const earlier = await this.deps.runs.list(districtId, today);
    return new Map(
      earlier.map((i) => [
        i.reminderId,
        i.report.state === 'sent' ? { ...i.report, state: 'already-sent' } : i.report,
      ]),
    );
  }

  /** The pending reminders dated from the oldest-pending marker to `today`, day by day. */
  private async pendingSince(
    districtId: string,
    marker: CalendarDate | undefined,
    today: CalendarDate,
  ): Promise<Reminder[]> {
    const pending: Reminder[] = [];
    if (marker === undefined) return pending;
    for (let day = marker; day <= today; day = addDays(day, 1))
      pending.push(...(await this.deps.store.pendingOn(districtId, day)));
    return pending;
  }

  /**
   * Sends each due reminder under its claim; a failure is logged and kept for the next run.
   * `leftPending` holds the send dates of what is still pending (failed, or in flight elsewhere).
   */
  private async sendDue(
    due: readonly Reminder[],
    today: CalendarDate,
    record: (r: Reminder, report: ReminderReport) => Promise<void>,
  ): Promise<{ failed: SweepResult['failed']; leftPending: CalendarDate[] }> {
    const sender = new ReminderSender(this.deps);
    const failed: SweepResult['failed'] = [];
    const leftPending: CalendarDate[] = [];
    for (const r of due) {
      try {
        const state = await this.sendOne(r, sender, today);
        if (state === 'in-flight') leftPending.push(r.sendOn);
        else if (state) await record(r, reportOf(r, state));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        failed.push({ reminderId: r.reminderId, reason });
        leftPending.push(r.sendOn);
        this.deps.log.error('reminder not sent, the next run retries it', {
          districtId: r.districtId,
          decisionId: r.decisionId,
          reminderId: r.reminderId,
          entry: r.entry,
          reason,
        });
      }
    }
    return { failed, leftPending };
  }

  /** The late meeting notices of a district as of `today` (300.322(a)(1); `core/late-notices.ts`). */
  async lateNoticesOn(districtId: string, today: CalendarDate): Promise<LateNotice[]> {
    if (!this.deps.meetingNotices) return [];
    return lateNoticeReport(await this.deps.meetingNotices.meetingNoticesOf(districtId), today);
  }

  /** The overdue report of a district as of `today`, from the stored entries (`iep-docs overdue`). */
  async overdueOn(districtId: string, today: CalendarDate): Promise<OverdueItem[]> {
    if (!isCalendarDate(today)) throw new RangeError(`today is not a calendar date: ${today}`);
    return overdueReport(await this.deps.store.entriesOfDistrict(districtId), today);
  }

  /** Sends one reminder under its claim; the state to report, 'in-flight', or undefined. */
  private async sendOne(
    r: Reminder,
    sender: ReminderSender,
    today: CalendarDate,
  ): Promise<ReminderReport['state'] | 'in-flight' | undefined> {
    const { store } = this.deps;
    const entry = await store.getEntry(r.entryId);
    if (entry?.status !== 'pending' || !servedOn(entry.exit, today)) {
      // Cancelled after the index was read (a newer IEP, a withdrawal), or the student has
      // left (300.102(a)(3)): a late reminder is not sent after the exit date.
      return (await store.settleReminder(r, 'pending', 'cancelled', this.now()))
        ? 'cancelled'
        : undefined;
    }
    // Read again, consistently: another sweep may have skipped it since the index was read.
    // (One that read the index after another had sent a later offset of the same group
    // would otherwise take this earlier offset for the latest and send it late.)
    const current = await store.getReminder(r.reminderId);
    if (current?.state !== 'pending') return current?.state === 'sent' ? 'already-sent' : undefined;
    let now = this.now();
    const claim = await store.claim({
      dedupeKey: r.dedupeKey,
      reminderId: r.reminderId,
      state: 'sending',
      claimedAt: now,
    });
    if (!claim.claimed) {
      const { existing } = claim;
      if (existing.state === 'sent') {
        // Sent already: by an earlier run that stopped before recording the reminder, or as
        // the same notice planned by another version of the decision.
        const sentAs = existing.reminderId === r.reminderId ? undefined : existing.reminderId;
        await store.settleReminder(r, 'pending', 'sent', now, sentAs ? { sentAs } : {});
        return 'already-sent';
      }
      const age = this.deps.clock().getTime() - Date.parse(existing.claimedAt);
      if (age < (this.deps.leaseMs ?? DEFAULT_LEASE_MS)) return 'in-flight';
      now = this.now();
      if (!(await store.takeOver(r.dedupeKey, existing.claimedAt, now))) return 'in-flight';
      this.deps.log.warn('taking over a send claim left by a stopped sweep', {
        reminderId: r.reminderId,
        decisionId: r.decisionId,
      });
    }

    try {
      await sender.send(r);
    } catch (error) {
      // A failed send gives its claim back, so the scheduler's retry sends it at once rather
      // than after the lease (see the guarantee above). A crash skips this: the lease applies.
      await store.release(r.dedupeKey, now).catch(() => undefined);
      throw error;
    }

    await store.markClaimSent(r.dedupeKey, this.now());
    await store.settleReminder(r, 'pending', 'sent', this.now());
    return 'sent';
  }

  private now(): string {
    return this.deps.clock().toISOString();
  }
}
