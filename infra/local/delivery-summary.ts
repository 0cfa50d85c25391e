/**
 * What the one-machine runtime remembers of its deliveries, for the summary it prints: each
 * delivery of a decision version as a `SummaryDelivery` (recipientId order, email before
 * postal), the raw link URLs this process sent (a token is stored nowhere, only its hash, so
 * the URL lives in this process's memory and a later run shows `link: null`), and why each
 * job last failed, shown with its dead letter.
 */
import type { Channel } from '../../functions/core/recipients.ts';
import type { Deliver } from '../../functions/pipeline/deliver.ts';
import type { DeliveryRecord, DeliveryState } from '../../functions/pipeline/delivery-ports.ts';
import type { DeliveryJob } from '../../functions/pipeline/ports.ts';

/** One delivery as the runtime's summary lists it. */
export interface SummaryDelivery {
  /** The offer of a meeting's documents, or a calendar notice (annual review, majority). */
  kind: DeliveryJob['kind'];
  /** The guardianId, or "student". */
  recipientId: string;
  channel: Channel;
  language: string;
  subject: string;
  /** The download link, when this process sent it (email); null otherwise. */
  link: string | null;
  state: DeliveryState;
  /** Postal only: the response code printed in the letter, when this process stored it (#19). */
  printedCode?: string;
  /** Postal only: the packet's S3 key (to print, or to copy under out/). */
  postalKey?: string;
  /** Postal only: `s3://<bucket>/<postalKey>` (set by the runtime's summary). */
  postalUri?: string;
  /** Postal only: the packet's copy under out/<decisionId>/v<version>/postal/. */
  localPath?: string;
  /** The procedural safeguards notice this delivery gave (300.504), when it gave one. */
  safeguards?: DeliveryRecord['safeguards'];
  /** Why the state needs a person (problem, needs-review, bounce), and notes such as "translation needed: es". */
  notes?: string[];
}

/**
 * The deliver use case, keeping the raw link URLs this process sent (for the summary only,
 * see the module comment) and why each job last failed (shown with its dead letter).
 */
export function recordingDeliver(deliver: Pick<Deliver, 'deliver'>) {
  const links = new Map<string, string>();
  const printedCodes = new Map<string, string>();
  const lastErrors = new Map<string, string>();
  return {
    links,
    printedCodes,
    lastError: (job: DeliveryJob) => lastErrors.get(job.jobId),
    async deliver(job: DeliveryJob) {
      try {
        const results = await deliver.deliver(job);
        for (const r of results) if (r.link) links.set(r.deliveryId, r.link);
        for (const r of results) if (r.printedCode) printedCodes.set(r.deliveryId, r.printedCode);
        return results;
      } catch (error) {
        lastErrors.set(job.jobId, describe(error));
        throw error;
      }
    },
  };
}

/** The summary's deliveries: recipientId order, email before postal. */
export function summaryOf(
  records: DeliveryRecord[],
  sentLinks: ReadonlyMap<string, string>,
  printedCodes: ReadonlyMap<string, string> = new Map(),
): SummaryDelivery[] {
  return records
    .sort(
      (a, b) =>
        a.recipientId.localeCompare(b.recipientId) ||
        (a.channel === b.channel ? 0 : a.channel === 'email' ? -1 : 1),
    )
    .map((r) => ({
      kind: r.kind,
      recipientId: r.recipientId,
      channel: r.channel,
      language: r.language,
      subject: r.subject,
      link: sentLinks.get(r.deliveryId) ?? null,
      state: r.state,
      ...(printedCodes.has(r.deliveryId) ? { printedCode: printedCodes.get(r.deliveryId) } : {}),
      ...(r.postalKey ? { postalKey: r.postalKey } : {}),
      ...(r.safeguards ? { safeguards: r.safeguards } : {}),
      ...(r.reason || r.notes
        ? { notes: [...(r.reason ? [r.reason] : []), ...(r.notes ?? [])] }
        : {}),
    }));
}

function describe(error: unknown): string {
  if (error instanceof AggregateError)
    return `${error.message}: ${error.errors.map(describe).join('; ')}`;
  return error instanceof Error ? error.message : String(error);
}
