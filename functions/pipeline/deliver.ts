/**
 * The deliver use case: a document set of a decision reaches each recipient, by email (with a
 * download link) or as a postal packet, exactly once per recipient however often the job is
 * retried or the queue redelivers it.
 *
 * The guarantee, and why. Each (document set, recipient, channel) has a deterministic
 * deliveryId. The delivery is recorded BEFORE anything leaves: a conditional put claims the id
 * in state `sending`; only the claimant goes on. Then:
 *  - Email: SES has no idempotency key, so a send cannot be made safely repeatable. We choose
 *    AT-MOST-ONCE: after the claim we send once, tagged with the deliveryId (it comes back in
 *    SES events and is searchable in SES logs), then mark `sent`. When SES answers with an
 *    error, the email was not accepted: the claim is released and the job retried. When the
 *    process dies, or the answer is lost, between claim and mark, nobody can tell whether the
 *    email went out; a retry finding a claim older than the send lease does NOT send again: it
 *    marks the delivery `needs-review`, which the district sees (and the delivery listing
 *    shows), so a person checks and resends if needed. A duplicate email of education
 *    records to a parent is a lesser harm than none, but a blind resend loop is worse than a
 *    flagged gap: the gap is visible and bounded; duplicates are neither.
 *  - Postal: building a packet has no outside effect until the district prints it, and its S3
 *    key is derived from the deliveryId; so a crashed `sending` postal delivery is simply
 *    built again (effectively once) and marked `pending-mail`.
 * A bounced email (see delivery-status) re-enters here: the recipient then gets a postal
 * packet, under its own deliveryId, once.
 */
import { calendarDateIn } from '../core/dates.ts';
import type { Decision } from '../core/decision.ts';
import type { DistrictDirectory } from '../core/district.ts';
import { type Recipient, STUDENT_RECIPIENT } from '../core/recipients.ts';
import { checkDecision } from '../core/validate.ts';
import type { SigningTrust } from '../render/engine.ts';
import type { Locale } from '../render/locales.ts';
import type { PdfPrinter, Signer } from '../render/ports.ts';
import { sendEmail } from './deliver-email.ts';
import { deliverPostal } from './deliver-postal.ts';
import {
  baseRecord,
  type DeliveryContext,
  type DeliveryResult,
  deliveryIdFor,
  documentsOffered,
  localeFor,
  result,
} from './deliver-records.ts';
import { type SafeguardsGivings, safeguardsFor } from './deliver-safeguards.ts';
import { checkJobRecords } from './delivery-job-check.ts';
import type {
  DecisionReader,
  DeliveryRecord,
  DeliveryStore,
  Mailer,
  PostalNotifier,
} from './delivery-ports.ts';
import {
  type DeliveryTemplates,
  deliveryContent,
  deliverySubject,
  hasDeliveryTexts,
} from './delivery-templates.ts';
import type { LinkService } from './links.ts';
import { type MeetingAudience, meetingAudience } from './meeting-audience.ts';
import type { MeetingReader } from './meeting-ports.ts';
import type { DeliveryJob, DocumentRecord, DocumentRecords, DocumentStore, Log } from './ports.ts';
import type { ResponseTexts } from './response-page.ts';

export {
  type DeliveryContext,
  type DeliveryResult,
  deliveryIdFor,
  deliveryKeyFor,
  documentSetKey,
  documentsOffered,
  postalKeyFor,
} from './deliver-records.ts';

import { jobRecipients } from './job-recipients.ts';

/** How long a claimed email may stay `sending` before a retry judges its sender crashed. */
export const DEFAULT_SEND_LEASE_MS = 5 * 60_000;

export interface DeliverDeps {
  decisions: DecisionReader;
  districts: DistrictDirectory;
  records: DocumentRecords;
  store: DocumentStore;
  deliveries: DeliveryStore;
  links: LinkService;
  mailer: Mailer;
  /** Prints the postal cover letters (the engine's Chromium printer). */
  printer: PdfPrinter;
  /** Signs postal packets: the district's signing identity, as for its documents. */
  signer: Signer;
  /** The packets' time-stamps and validation data (B-T/B-LT), as the documents'; absent: B-B. */
  trust?: SigningTrust;
  /** Told of each postal packet stored (optional: a deployment without a mailroom queue). */
  postalNotifier?: PostalNotifier;
  templates: DeliveryTemplates;
  locales: ReadonlyMap<string, Locale>;
  /** Public base URL of the download endpoint, no trailing slash. */
  downloadBaseUrl: string;
  clock: () => Date;
  log: Log;
  sendLeaseMs?: number;
  /**
   * The response texts: given, the postal letter of a meeting's documents to a recipient who may
   * answer carries a printed response code (deliver-postal-code.ts).
   */
  responseTexts?: ReadonlyMap<string, ResponseTexts>;
  /** Reads meeting items, for the notices of meetings (`meeting-notice` jobs). */
  meetings?: MeetingReader;
  /** The procedural safeguards notice with each recipient's first delivery of a school year. */
  safeguards?: SafeguardsGivings;
}

/** A claimed email is still being sent by someone else: retry later. */
export class DeliveryInProgress extends Error {
  override readonly name = 'DeliveryInProgress';
}

/** The decision or its documents cannot be read (yet): retry, then dead-letter. */
export class DeliveryInputMissing extends Error {
  override readonly name = 'DeliveryInputMissing';
}

export class Deliver {
  constructor(private readonly deps: DeliverDeps) {}

  /**
   * Delivers a job to each of its recipients. Recipients are independent: one failing does
   * not stop the others; the job then throws (to be retried), and the retry skips what was done.
   */
  async deliver(job: DeliveryJob): Promise<DeliveryResult[]> {
    const { log } = this.deps;
    const audience = await this.audienceOf(job);
    if (!audience) return [];
    const { decision } = audience;
    const district = this.deps.districts.get(job.districtId);
    const documents = await this.documentsOf(job);
    checkJobRecords(job, audience.districtId, documents);
    const now = this.deps.clock();
    const today = calendarDateIn(now, district.timeZone);
    const content = deliveryContent(
      job.kind,
      documents.map((d) => d.type),
    );
    const recipients = jobRecipients(job, audience.people, {
      today,
      locales: [...this.deps.locales.keys()],
      state: district.state,
      content,
    });
    const ctx: DeliveryContext = {
      job,
      content,
      ...(decision ? { decision } : {}),
      district,
      documents,
      now,
    };

    const results: DeliveryResult[] = [];
    const failures: unknown[] = [];
    for (const recipient of recipients) {
      try {
        const delivered = await safeguardsFor(
          this.deps,
          ctx,
          recipient,
          audience.people.student.studentId,
          today,
          (c) => this.deliverTo(c, recipient),
        );
        if (delivered) results.push(delivered);
      } catch (error) {
        failures.push(error);
        log.error('delivery failed', {
          decisionId: job.decisionId,
          version: job.version,
          recipientId: recipient.recipientId,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    if (failures.length > 0)
      throw new AggregateError(
        failures,
        `${failures.length} of ${recipients.length} deliveries failed`,
      );
    return results;
  }

  /**
   * Whom a job speaks to: a decision's guardians and student, or a meeting item's. Undefined
   * when a decision version is not finalized (nothing is delivered for it).
   */
  private async audienceOf(
    job: DeliveryJob,
  ): Promise<(MeetingAudience & { decision?: Decision }) | undefined> {
    if (job.kind === 'meeting-notice' || job.kind === 'safeguards-notice') {
      if (!this.deps.meetings) throw new Error('a meeting notice job needs the meetings table');
      return meetingAudience(this.deps.meetings, job);
    }
    const item = await this.deps.decisions.get(job.decisionId, job.version);
    if (item === undefined)
      throw new DeliveryInputMissing(`decision ${job.decisionId} v${job.version} not found`);
    const checked = checkDecision(item);
    if (checked.kind !== 'checked')
      throw new DeliveryInputMissing(
        `decision ${job.decisionId} v${job.version} does not validate`,
      );
    const { decision } = checked;
    if (decision.status !== 'finalized') {
      this.deps.log.warn('delivery skipped: the version is not finalized', {
        decisionId: job.decisionId,
        version: job.version,
        status: decision.status,
      });
      return undefined;
    }
    return { districtId: decision.districtId, people: decision, decision };
  }

  private async documentsOf(job: DeliveryJob): Promise<DocumentRecord[]> {
    const records = await Promise.all(job.documentIds.map((id) => this.deps.records.get(id)));
    const missing = job.documentIds.filter((_, i) => !records[i]);
    if (missing.length > 0)
      throw new DeliveryInputMissing(`document records missing: ${missing.join(', ')}`);
    return records as DocumentRecord[];
  }

  private async deliverTo(ctx: DeliveryContext, found: Recipient): Promise<DeliveryResult> {
    const recipient = this.withMessageTexts(found);
    if (!recipient.channel) return this.recordProblem(ctx, recipient);
    if (recipient.channel === 'postal') return deliverPostal(this.deps, ctx, recipient);

    const emailId = deliveryIdFor(ctx.job, recipient.recipientId, 'email');
    const existing = await this.deps.deliveries.get(emailId);
    if (existing?.state === 'bounced') {
      // The email bounced: the recipient gets paper instead (their postal address is on the decision).
      if (!recipient.postalAddress) return result(existing, false);
      return deliverPostal(this.deps, ctx, recipient, emailId);
    }
    if (existing) return this.resume(ctx, recipient, existing);
    return sendEmail(this.deps, ctx, recipient, emailId, (winner) =>
      this.resume(ctx, recipient, winner),
    );
  }

  /** A delivery found already claimed: report it, finish a postal one, flag a stale email claim. */
  private async resume(
    ctx: DeliveryContext,
    recipient: Recipient,
    existing: DeliveryRecord,
  ): Promise<DeliveryResult> {
    if (existing.state !== 'sending') return result(existing, false);
    if (existing.channel === 'postal')
      return deliverPostal(this.deps, ctx, recipient, existing.replaces);
    const age = ctx.now.getTime() - Date.parse(existing.claimedAt);
    if (age < (this.deps.sendLeaseMs ?? DEFAULT_SEND_LEASE_MS)) {
      throw new DeliveryInProgress(
        `delivery ${existing.deliveryId} is being sent (claimed ${Math.round(age / 1000)} s ago)`,
      );
    }
    // At-most-once: the claimant died between claim and mark; the email may or may not be out.
    const reason =
      'sending was interrupted: the email may or may not have been sent; check SES for the delivery-id tag before resending';
    await this.deps.deliveries.transition(existing.deliveryId, ['sending'], {
      state: 'needs-review',
      reason,
      updatedAt: ctx.now.toISOString(),
    });
    this.deps.log.warn('delivery needs review', {
      deliveryId: existing.deliveryId,
      decisionId: existing.decisionId,
      version: existing.version,
    });
    const reviewed = (await this.deps.deliveries.get(existing.deliveryId)) ?? existing;
    return result(reviewed, false);
  }

  /**
   * A locale whose file does not (yet) carry the delivery texts cannot write the message:
   * it is written in English then, and says so in the record's language, never half-translated.
   */
  private withMessageTexts(recipient: Recipient): Recipient {
    const locale = this.deps.locales.get(recipient.messageLanguage);
    if (locale && hasDeliveryTexts(locale)) return recipient;
    this.deps.log.warn('locale without delivery texts: message in English', {
      language: recipient.messageLanguage,
    });
    return { ...recipient, messageLanguage: 'en' };
  }

  private async recordProblem(ctx: DeliveryContext, recipient: Recipient): Promise<DeliveryResult> {
    const deliveryId = deliveryIdFor(ctx.job, recipient.recipientId, 'postal');
    const locale = localeFor(this.deps.locales, recipient.messageLanguage);
    const subject = deliverySubject(
      'postal',
      locale,
      ctx.district,
      recipient.recipientId === STUDENT_RECIPIENT,
      ctx.content,
    );
    const record: DeliveryRecord = {
      ...baseRecord(
        ctx,
        recipient,
        deliveryId,
        'postal',
        subject,
        documentsOffered(recipient, ctx.documents),
      ),
      state: 'problem',
      reason: recipient.problem ?? 'no channel',
    };
    const created = await this.deps.deliveries.claim(record);
    if (created) {
      this.deps.log.warn('delivery problem: recipient unreachable', {
        deliveryId,
        decisionId: ctx.job.decisionId,
        recipientId: recipient.recipientId,
      });
    }
    return result(
      created ? record : ((await this.deps.deliveries.get(deliveryId)) ?? record),
      created,
    );
  }
}
