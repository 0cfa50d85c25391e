/**
 * What follows a rendered or withdrawn decision version, written once for the Lambda handler and
 * the one-machine runtime: the offer to the parents (delivery job) for the version in force
 * only (the earlier versions' links revoked first), the compliance calendar for every version (the calendar decides by meeting date itself),
 * and on withdrawal the version's links revoked and its calendar entries cancelled.
 */
import type { ReminderReport } from './calendar-ports.ts';
import type { CalendarSchedule } from './calendar-schedule.ts';
import { documentsJob } from './delivery-jobs.ts';
import type { DeliveryQueue } from './ports.ts';
import type { AfterDocumentsReady, AfterWithdrawn } from './render-decision.ts';

/** What the policy acts through. */
export interface AfterRenderParts {
  readonly queue: DeliveryQueue;
  readonly schedule: Pick<CalendarSchedule, 'scheduleCalendar' | 'cancelForWithdrawal'>;
  readonly links: {
    revokeLinks(decisionId: string, version: number): Promise<unknown>;
    revokeSuperseded(decisionId: string, version: number): Promise<unknown>;
  };
  /** Told of reminders the calendar cancelled (a newer decision, a withdrawal); for summaries. */
  readonly onCancelledReminders?: (reminders: readonly ReminderReport[]) => void;
}

/** RenderDecision's two hooks. */
export function afterRender(parts: AfterRenderParts): {
  afterDocumentsReady: AfterDocumentsReady;
  afterWithdrawn: AfterWithdrawn;
} {
  const cancelled = (reminders: readonly ReminderReport[]) => {
    if (reminders.length > 0) parts.onCancelledReminders?.(reminders);
  };
  return {
    afterDocumentsReady: async (decision, documents, outcome) => {
      // A superseded version (a higher one was in force first) keeps its documents on record
      // but is not offered to the parents again.
      // An exit by a move or a death yields no document (`document-set.ts`): nothing to offer.
      if (!outcome.supersededBy && documents.length > 0) {
        // The earlier versions' links close before the new documents are offered.
        await parts.links.revokeSuperseded(decision.decisionId, decision.version);
        await parts.queue.enqueue(documentsJob(outcome, documents, decision.districtId));
      }
      cancelled((await parts.schedule.scheduleCalendar(decision)).cancelledReminders);
    },
    afterWithdrawn: async (decisionId, version) => {
      await parts.links.revokeLinks(decisionId, version);
      cancelled((await parts.schedule.cancelForWithdrawal(decisionId, version)).cancelledReminders);
    },
  };
}
