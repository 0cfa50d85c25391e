/**
 * What a due reminder sends, once the sweep holds its claim (calendar-sweep.ts): the case
 * manager's email through the StaffNotifier, or the parents' (or adult student's) notice,
 * rendered and signed in the recipient's language and English, stored once, and handed to
 * delivery as a job whose id derives from the reminder's dedupe key, so a repeated send
 * enqueues the same job and delivers nothing twice. One `ReminderSender` serves one sweep run
 * and reads each decision version once.
 */
import { createHash } from 'node:crypto';
import { nextIepTransfer } from '../core/calendar.ts';
import type { CalendarDate } from '../core/dates.ts';
import type { Decision } from '../core/decision.ts';
import type { DistrictDirectory } from '../core/district.ts';
import type { NoticeDocumentType } from '../core/documents.ts';
import { matchLocale } from '../core/languages.ts';
import type { Reminder } from '../core/reminders.ts';
import { stateLaw } from '../core/state-law.ts';
import { checkDecision } from '../core/validate.ts';
import type { RenderedDocument } from '../render/engine.ts';
import { noticeDocumentId } from '../render/notice.ts';
import type { DecisionSource, StaffNotifier } from './calendar-ports.ts';
import type {
  DeliveryJob,
  DeliveryQueue,
  DocumentRecord,
  DocumentRecords,
  DocumentStore,
} from './ports.ts';
import { storeDocumentOnce } from './store-document.ts';

/** Renders a signed notice (`render/notice.ts` NoticeRenderer fits). */
export interface NoticeMaker {
  readonly languages: string[];
  render(input: {
    decision: Decision;
    district: ReturnType<DistrictDirectory['get']>;
    type: NoticeDocumentType;
    dueDate: CalendarDate;
    language: string;
  }): Promise<RenderedDocument>;
}

/** The deterministic id of the delivery job of a notice (one per notice, whatever retries). */
export function noticeJobId(reminder: Pick<Reminder, 'dedupeKey'>): string {
  return `job_${createHash('sha256').update(`reminder-notice\u0000${reminder.dedupeKey}`).digest('hex').slice(0, 24)}`;
}

const NOTICE_TYPE: Partial<Record<Reminder['entry'], NoticeDocumentType>> = {
  'annual-review': 'annual-review-notice',
  majority: 'majority-notice',
};

/** What sending a reminder needs (a part of the sweep's deps). */
export interface ReminderSenderDeps {
  decisions: DecisionSource;
  districts: DistrictDirectory;
  notices: NoticeMaker;
  records: DocumentRecords;
  documents: DocumentStore;
  queue: DeliveryQueue;
  staff: StaffNotifier;
  /** The signing certificate's subject, recorded with each notice. */
  signerName: string;
  clock: () => Date;
}

/** Sends due reminders for one sweep run (the caller holds each reminder's claim). */
export class ReminderSender {
  private readonly decisions = new Map<string, Promise<Decision>>();

  constructor(private readonly deps: ReminderSenderDeps) {}

  /** Sends `r`: the case manager's email, or the notice's delivery job. Throws when it fails. */
  async send(r: Reminder): Promise<void> {
    if (r.audience === 'case-manager') await this.notifyCaseManager(r);
    else await this.enqueueNotice(r);
  }

  /** The case manager's email (the StaffNotifier), with the transfer-of-rights flag. */
  private async notifyCaseManager(r: Reminder): Promise<void> {
    const decision = await this.decision(r);
    const law = stateLaw(this.deps.districts.get(r.districtId).state);
    await this.deps.staff.notifyCaseManager({
      ...(r.entry === 'annual-review' && nextIepTransfer(decision, law)
        ? { transferOfRightsInNextIep: true }
        : {}),
      noticeId: r.dedupeKey,
      districtId: r.districtId,
      decisionId: r.decisionId,
      version: r.version,
      entry: r.entry,
      dueDate: r.dueDate,
      kind: r.kind,
      offsetDays: r.offsetDays,
      to: { name: decision.caseManager.name, email: decision.caseManager.email },
    });
  }

  /** The signed notice in the recipient's language and English, then its delivery job. */
  private async enqueueNotice(r: Reminder): Promise<void> {
    const type = NOTICE_TYPE[r.entry];
    if (!type)
      throw new Error(
        `no notice to parents or student for ${r.entry} reminders: configure case-manager offsets only`,
      );
    const decision = await this.decision(r);
    const district = this.deps.districts.get(r.districtId);
    const records: DocumentRecord[] = [];
    for (const language of this.languagesFor(decision, r.recipientId))
      records.push(await this.ensureNotice(decision, district, type, r.dueDate, language));
    const job: DeliveryJob = {
      jobId: noticeJobId(r),
      kind: 'reminder-notice',
      districtId: r.districtId,
      decisionId: r.decisionId,
      version: r.version,
      documentIds: records.map((d) => d.documentId),
      recipientIds: [r.recipientId],
    };
    await this.deps.queue.enqueue(job);
  }

  /** The recipient's locale first (when there is one), then English. */
  private languagesFor(decision: Decision, recipientId: string): string[] {
    const guardian = decision.guardians.find((g) => g.guardianId === recipientId);
    const tag = guardian
      ? guardian.preferredLanguage
      : (decision.student.contact?.preferredLanguage ?? decision.student.homeLanguage);
    const own = matchLocale(tag, this.deps.notices.languages);
    return own && own !== 'en' ? [own, 'en'] : ['en'];
  }

  /** A notice stored once: a retry finds the record (or the object) a crashed run left. */
  private async ensureNotice(
    decision: Decision,
    district: ReturnType<DistrictDirectory['get']>,
    type: NoticeDocumentType,
    dueDate: CalendarDate,
    language: string,
  ): Promise<DocumentRecord> {
    const { records, documents } = this.deps;
    const documentId = noticeDocumentId(decision, type, language);
    const known = await records.get(documentId);
    if (known) return known;
    const doc = await this.deps.notices.render({ decision, district, type, dueDate, language });
    const now = () => this.deps.clock().toISOString();
    const { signerName } = this.deps;
    return (await storeDocumentOnce({ records, store: documents, signerName, now }, decision, doc))
      .record;
  }

  /** The reminder's decision version, read and validated once per sweep. */
  private decision(r: Reminder): Promise<Decision> {
    const cache = this.decisions;
    const key = `${r.decisionId}#${r.version}`;
    let found = cache.get(key);
    if (!found) {
      found = (async () => {
        const item = await this.deps.decisions.get(r.decisionId, r.version);
        if (item === undefined) throw new Error(`decision ${r.decisionId} v${r.version} not found`);
        const checked = checkDecision(item);
        if (checked.kind !== 'checked')
          throw new Error(`decision ${r.decisionId} v${r.version} does not validate`);
        return checked.decision;
      })();
      cache.set(key, found);
    }
    return found;
  }
}
