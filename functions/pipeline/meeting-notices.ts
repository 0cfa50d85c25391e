/**
 * The meeting-notices use case: a meeting item (scheduled, rescheduled or cancelled) becomes a
 * signed "Notice of IEP Team Meeting" (or of its cancellation) in English and each recipient's language, stored once, and a
 * delivery job to every guardian (and the student once rights have transferred). The outcome
 * is recorded once per (meeting, revision), in the outcomes table under the meeting's record
 * id, so a redelivered stream record renders and sends nothing again.
 */
import { type CalendarDate, calendarDateIn, daysBetween } from '../core/dates.ts';
import type { DistrictDirectory, DistrictProfile } from '../core/district.ts';
import type { MeetingNoticeFacts } from '../core/late-notices.ts';
import { type MeetingItem, meetingRecordId, readMeetingItem } from '../core/meeting.ts';
import { checkMeeting, type MeetingCheck } from '../core/meeting-rules.ts';
import { languagesFor } from '../core/recipients.ts';
import { isSafeguardsEventItem } from '../core/safeguards-event.ts';
import type { MeetingNoticeRenderer } from '../render/meeting-notice.ts';
import type { MeetingReader } from './meeting-ports.ts';
import type { DecisionOutcome, DeliveryQueue, DocumentRecord, Log, OutcomeStore } from './ports.ts';
import type { SafeguardsEvents } from './safeguards-events.ts';
import { type StoreDocumentDeps, storeDocumentOnce } from './store-document.ts';

export interface MeetingNoticesDeps extends StoreDocumentDeps {
  meetings: MeetingReader;
  districts: DistrictDirectory;
  renderer: Pick<MeetingNoticeRenderer, 'render' | 'languages'>;
  outcomes: OutcomeStore;
  queue: DeliveryQueue;
  clock: () => Date;
  log: Log;
  /** The safeguards-event items of the same table (`"kind": "safeguards-event"`). */
  events?: Pick<SafeguardsEvents, 'process'>;
}

/** A meeting item as the stream gives it: its key even when the item does not validate. */
export interface MeetingRef {
  meetingId: string;
  revision: number;
  item: unknown;
}

/** What became of one meeting revision. */
export interface MeetingResult {
  outcome: DecisionOutcome;
  documents: DocumentRecord[];
  alreadyProcessed: boolean;
}

export class MeetingNotices {
  constructor(private readonly deps: MeetingNoticesDeps) {}

  /**
   * One item, in order: read, check, render, enqueue, record.
   * Long because: split further, its parts would only hand the same item, check and district
   * to each other.
   */
  async process(ref: MeetingRef): Promise<MeetingResult> {
    if (isSafeguardsEventItem(ref.item)) {
      if (!this.deps.events) throw new Error('safeguards-event items need the safeguards events');
      return this.deps.events.process(ref);
    }
    const recordId = meetingRecordId(ref.meetingId);
    const existing = await this.deps.outcomes.get(recordId, ref.revision);
    if (existing) return { outcome: existing, documents: [], alreadyProcessed: true };
    const read = readMeetingItem(ref.item);
    if (read.kind !== 'meeting')
      return this.finish(this.rejected(ref, undefined, read.problems), []);
    const { meeting } = read;
    if (!this.deps.districts.has(meeting.districtId))
      return this.finish(
        this.rejected(ref, meeting.districtId, [
          {
            path: 'districtId',
            message: `no district profile for ${meeting.districtId} in this deployment`,
          },
        ]),
        [],
      );
    const district = this.deps.districts.get(meeting.districtId);
    const previousItem =
      meeting.revision > 1
        ? await this.deps.meetings.get(meeting.meetingId, meeting.revision - 1)
        : undefined;
    const previous = previousItem === undefined ? undefined : readMeetingItem(previousItem);
    const issuedOn = calendarDateIn(this.deps.clock(), district.timeZone);
    const check = checkMeeting(meeting, {
      issuedOn,
      minimumNoticeDays: district.meetings.minimumNoticeDays,
      state: district.state,
      ...(previous?.kind === 'meeting' ? { previous: previous.meeting } : {}),
    });
    if (check.problems.length > 0)
      return this.finish(this.rejected(ref, meeting.districtId, check.problems, check.flags), []);

    const { languages, translationNeeded } = this.plan(meeting);
    const documents = await this.renderEach(meeting, check, district, languages);
    const outcome: DecisionOutcome = {
      decisionId: recordId,
      version: meeting.revision,
      districtId: meeting.districtId,
      outcome: 'documents-ready',
      documentIds: documents.map((d) => d.documentId),
      ...(translationNeeded.length > 0 ? { translationNeeded } : {}),
      ...(check.flags.length > 0 ? { flags: check.flags } : {}),
      meetingNotice: timingOf(meeting, check, issuedOn, district.meetings.minimumNoticeDays),
      processedAt: this.deps.clock().toISOString(),
    };
    // The job before the outcome: a crash between them re-renders (found stored) and re-enqueues
    // the same job id, which the queue and the deliveries' claims make harmless.
    await this.deps.queue.enqueue({
      jobId: `${recordId}#r${meeting.revision}#notice`,
      kind: 'meeting-notice',
      districtId: meeting.districtId,
      decisionId: recordId,
      version: meeting.revision,
      documentIds: outcome.documentIds ?? [],
    });
    for (const flag of check.flags)
      this.deps.log.warn('meeting notice flagged', {
        meetingId: meeting.meetingId,
        revision: meeting.revision,
        rule: flag.rule,
      });
    return this.finish(outcome, documents);
  }

  /** The notice in each language, signed and stored once (a retry finds it stored). */
  private async renderEach(
    meeting: MeetingItem,
    check: MeetingCheck,
    district: DistrictProfile,
    languages: readonly string[],
  ): Promise<DocumentRecord[]> {
    const owner = {
      districtId: meeting.districtId,
      decisionId: meetingRecordId(meeting.meetingId),
      version: meeting.revision,
    };
    const documents: DocumentRecord[] = [];
    for (const language of languages) {
      const rendered = await this.deps.renderer.render({ meeting, check, district, language });
      documents.push((await storeDocumentOnce(this.deps, owner, rendered)).record);
    }
    return documents;
  }

  /** English and each recipient's language the notice has texts in (300.503(c), 300.322(e)). */
  private plan(meeting: MeetingItem): { languages: string[]; translationNeeded: string[] } {
    const available = this.deps.renderer.languages;
    const tags = meeting.guardians.map((g) => g.preferredLanguage);
    if (meeting.student.contact?.preferredLanguage)
      tags.push(meeting.student.contact.preferredLanguage);
    const languages = ['en'];
    const translationNeeded: string[] = [];
    for (const tag of tags) {
      const found = languagesFor(tag, available);
      if (found.translationNeeded) {
        if (!translationNeeded.includes(tag)) translationNeeded.push(tag);
      } else if (!languages.includes(found.messageLanguage)) languages.push(found.messageLanguage);
    }
    return { languages, translationNeeded };
  }

  private rejected(
    ref: MeetingRef,
    districtId: string | undefined,
    problems: DecisionOutcome['problems'],
    flags: DecisionOutcome['flags'] = [],
  ): DecisionOutcome {
    this.deps.log.warn('meeting notice rejected', {
      meetingId: ref.meetingId,
      revision: ref.revision,
      problems: problems?.length ?? 0,
    });
    return {
      decisionId: meetingRecordId(ref.meetingId),
      version: ref.revision,
      ...(districtId ? { districtId } : {}),
      outcome: 'rejected',
      problems: problems ?? [],
      ...(flags.length > 0 ? { flags } : {}),
      processedAt: this.deps.clock().toISOString(),
    };
  }

  private async finish(
    outcome: DecisionOutcome,
    documents: DocumentRecord[],
  ): Promise<MeetingResult> {
    if (await this.deps.outcomes.recordOnce(outcome))
      return { outcome, documents, alreadyProcessed: false };
    const winner = await this.deps.outcomes.get(outcome.decisionId, outcome.version);
    return { outcome: winner ?? outcome, documents, alreadyProcessed: true };
  }
}

/** A notice's timing, kept on its outcome for the overdue report's late notices. */
function timingOf(
  meeting: MeetingItem,
  check: MeetingCheck,
  issuedOn: CalendarDate,
  minimumDays: number,
): MeetingNoticeFacts {
  return {
    meetingId: meeting.meetingId,
    revision: meeting.revision,
    meetingDate: check.meetingDate,
    issuedOn,
    leadDays: daysBetween(issuedOn, check.meetingDate),
    minimumDays,
    ...(check.cancelled ? { cancelled: true } : {}),
  };
}
