/**
 * The safeguards-events use case: a safeguards-event item (an event of 34 CFR 300.504(a)(1)-(4):
 * an initial referral or request for evaluation, a state or due-process complaint, a
 * disciplinary removal that changes the placement, a parent's request) becomes a delivery job
 * of the district's procedural safeguards notice, in English and each recipient's language the
 * district has it in (English, recorded as needing a translation, otherwise: 300.504(d)).
 *
 * Whether a recipient is due a copy ("the first complaint in a school year" only once) is
 * decided where the givings are read and recorded: by the deliver use case, per recipient,
 * from the givings table (`deliver-safeguards.ts` safeguardsFor). So this step needs neither
 * the givings table nor the studentKey secret. The outcome is recorded once per item, under
 * the item's record id in the outcomes table, as a meeting notice's is.
 */
import { calendarDateIn } from '../core/dates.ts';
import type { DistrictDirectory, DistrictProfile } from '../core/district.ts';
import { meetingRecordId } from '../core/meeting.ts';
import type { Problem } from '../core/problems.ts';
import { recipientsOf } from '../core/recipients.ts';
import { safeguardsEventCfr, safeguardsLanguage } from '../core/safeguards.ts';
import { readSafeguardsEventItem, type SafeguardsEventItem } from '../core/safeguards-event.ts';
import { districtSafeguardsDocument } from './deliver-safeguards.ts';
import type { MeetingRef, MeetingResult } from './meeting-notices.ts';
import type {
  DecisionOutcome,
  DeliveryQueue,
  DocumentRecord,
  DocumentRecords,
  DocumentStore,
  Log,
  OutcomeStore,
} from './ports.ts';

export interface SafeguardsEventsDeps {
  districts: DistrictDirectory;
  outcomes: OutcomeStore;
  records: DocumentRecords;
  store: DocumentStore;
  queue: DeliveryQueue;
  clock: () => Date;
  log: Log;
}

export class SafeguardsEvents {
  constructor(private readonly deps: SafeguardsEventsDeps) {}

  /** Processes one item of the meetings table whose kind is `safeguards-event`. */
  async process(ref: MeetingRef): Promise<MeetingResult> {
    const recordId = meetingRecordId(ref.meetingId);
    const existing = await this.deps.outcomes.get(recordId, ref.revision);
    if (existing) return { outcome: existing, documents: [], alreadyProcessed: true };
    const read = readSafeguardsEventItem(ref.item);
    if (read.kind !== 'safeguards-event') return this.finish(this.rejected(ref, read.problems));
    const { item } = read;
    if (!this.deps.districts.has(item.districtId))
      return this.finish(
        this.rejected(ref, [
          { path: 'districtId', message: `no district profile for ${item.districtId}` },
        ]),
      );
    const district = this.deps.districts.get(item.districtId);
    if (!district.safeguards)
      return this.finish(
        this.rejected(ref, [
          {
            path: 'districtId',
            message: `the profile of ${item.districtId} names no procedural safeguards notice to give (safeguards.files)`,
            cfr: '300.504(a)',
          },
        ]),
      );
    const today = calendarDateIn(this.deps.clock(), district.timeZone);
    const { languages, translationNeeded } = this.languagesOf(item, district, today);
    const documents: DocumentRecord[] = [];
    for (const language of languages)
      documents.push(await districtSafeguardsDocument(this.deps, district, language));
    const flags = this.flagsOf(item, today);
    const outcome: DecisionOutcome = {
      decisionId: recordId,
      version: ref.revision,
      districtId: item.districtId,
      outcome: 'documents-ready',
      reason: `procedural safeguards notice on ${item.event} of ${item.occurredOn} (${safeguardsEventCfr[item.event]})`,
      documentIds: documents.map((d) => d.documentId),
      ...(translationNeeded.length > 0 ? { translationNeeded } : {}),
      ...(flags.length > 0 ? { flags } : {}),
      processedAt: this.deps.clock().toISOString(),
    };
    // The job before the outcome: a crash between them enqueues the same job id again, which
    // the queue and the deliveries' claims make harmless.
    await this.deps.queue.enqueue({
      jobId: `${recordId}#r${ref.revision}#safeguards`,
      kind: 'safeguards-notice',
      districtId: item.districtId,
      decisionId: recordId,
      version: ref.revision,
      documentIds: outcome.documentIds ?? [],
      safeguardsEvent: { event: item.event, occurredOn: item.occurredOn },
    });
    return this.finish(outcome, documents);
  }

  /** English and each recipient's language the district has its notice in (300.504(d)). */
  private languagesOf(
    item: SafeguardsEventItem,
    district: DistrictProfile,
    today: string,
  ): { languages: string[]; translationNeeded: string[] } {
    const available = Object.keys(district.safeguards?.files ?? {});
    const languages = available.includes('en') ? ['en'] : [];
    const translationNeeded: string[] = [];
    for (const r of recipientsOf(item, today, available, { state: district.state })) {
      const found = safeguardsLanguage(r.preferredLanguage, available);
      if (found.translationNeeded && !translationNeeded.includes(found.translationNeeded))
        translationNeeded.push(found.translationNeeded);
      if (!languages.includes(found.language)) languages.push(found.language);
    }
    return { languages, translationNeeded };
  }

  /**
   * A removal that changes the placement is notified, with the notice, on the day it is
   * decided (300.530(h)); a later issue goes out and is flagged for the district.
   */
  private flagsOf(item: SafeguardsEventItem, today: string): Problem[] {
    if (item.event !== 'disciplinary-removal' || today <= item.occurredOn) return [];
    return [
      {
        path: 'occurredOn',
        message: `the removal was decided on ${item.occurredOn}; the notice is given on ${today} (300.530(h): on the date of the decision)`,
        cfr: '300.530(h)',
        rule: 'safeguards-removal-same-day',
      },
    ];
  }

  private rejected(ref: MeetingRef, problems: Problem[]): DecisionOutcome {
    const districtId = (ref.item as { districtId?: unknown } | undefined)?.districtId;
    this.deps.log.warn('safeguards event rejected', {
      meetingId: ref.meetingId,
      problems: problems.length,
    });
    return {
      decisionId: meetingRecordId(ref.meetingId),
      version: ref.revision,
      ...(typeof districtId === 'string' ? { districtId } : {}),
      outcome: 'rejected',
      problems,
      processedAt: this.deps.clock().toISOString(),
    };
  }

  private async finish(
    outcome: DecisionOutcome,
    documents: DocumentRecord[] = [],
  ): Promise<MeetingResult> {
    if (await this.deps.outcomes.recordOnce(outcome))
      return { outcome, documents, alreadyProcessed: false };
    const winner = await this.deps.outcomes.get(outcome.decisionId, outcome.version);
    return { outcome: winner ?? outcome, documents, alreadyProcessed: true };
  }
}
