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
import { createHash } from 'node:crypto';
import { calendarDateIn } from '../core/dates.ts';
import type { Decision } from '../core/decision.ts';
import type { DistrictDirectory, DistrictProfile } from '../core/district.ts';
import { documentTypes, noticeDocumentTypes } from '../core/documents.ts';
import {
  type Channel,
  type Recipient,
  recipientsOf,
  STUDENT_RECIPIENT,
} from '../core/recipients.ts';
import { checkDecision } from '../core/validate.ts';
import type { Locale } from '../render/locales.ts';
import type { PdfPrinter } from '../render/ports.ts';
import type {
  DecisionReader,
  DeliveryRecord,
  DeliveryState,
  DeliveryStore,
  Mailer,
} from './delivery-ports.ts';
import { assemblePacket } from './delivery-postal.ts';
import {
  composeCoverLetter,
  composeEmail,
  type DeliveryContent,
  type DeliveryTemplates,
  deliveryContent,
  deliverySubject,
  hasDeliveryTexts,
} from './delivery-templates.ts';
import { DEFAULT_LINK_VALIDITY_DAYS, type LinkService, linkUrl } from './links.ts';
import type { DeliveryJob, DocumentRecord, DocumentRecords, DocumentStore, Log } from './ports.ts';

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
  templates: DeliveryTemplates;
  locales: ReadonlyMap<string, Locale>;
  /** Public base URL of the download endpoint, no trailing slash. */
  downloadBaseUrl: string;
  clock: () => Date;
  log: Log;
  sendLeaseMs?: number;
}

/** What happened to one recipient's delivery in this call. */
export interface DeliveryResult {
  deliveryId: string;
  recipientId: string;
  channel: Channel;
  language: string;
  subject: string;
  state: DeliveryState;
  /** True when this call sent the email or stored the packet; false when it had been done. */
  created: boolean;
  /**
   * The link's URL with its raw token, only when this call sent it: the token is stored
   * nowhere (only its hash), so this is the one moment it exists outside the email.
   */
  link?: string;
}

/** A claimed email is still being sent by someone else: retry later. */
export class DeliveryInProgress extends Error {
  override readonly name = 'DeliveryInProgress';
}

/** The decision or its documents cannot be read (yet): retry, then dead-letter. */
export class DeliveryInputMissing extends Error {
  override readonly name = 'DeliveryInputMissing';
}

/** The document set's key: the same job always names the same set. */
export function documentSetKey(
  job: Pick<DeliveryJob, 'decisionId' | 'version' | 'kind' | 'documentIds'>,
): string {
  return [job.decisionId, `v${job.version}`, job.kind, [...job.documentIds].sort().join(',')].join(
    '#',
  );
}

/** The deterministic id of one recipient's delivery of a document set by one channel. */
export function deliveryIdFor(
  job: Pick<DeliveryJob, 'decisionId' | 'version' | 'kind' | 'documentIds'>,
  recipientId: string,
  channel: Channel,
): string {
  const material = [documentSetKey(job), recipientId, channel].join('\u0000');
  return `dlv_${createHash('sha256').update(material).digest('hex').slice(0, 24)}`;
}

/** The deliveryKey sort key: `v<version>#<kind>#<recipientId>#<channel>`. */
export function deliveryKeyFor(
  version: number,
  kind: DeliveryJob['kind'],
  recipientId: string,
  channel: Channel,
): string {
  return `v${String(version).padStart(7, '0')}#${kind}#${recipientId}#${channel}`;
}

/** The S3 key of a postal packet (ids only). */
export function postalKeyFor(
  job: Pick<DeliveryJob, 'districtId' | 'decisionId' | 'version'>,
  deliveryId: string,
): string {
  return `districts/${job.districtId}/decisions/${job.decisionId}/v${job.version}/postal/${deliveryId}.pdf`;
}

/** Every kind of document a job can carry, in the order a recipient is offered them. */
const offeredTypes = [...documentTypes, ...noticeDocumentTypes];

/** What a recipient is offered: their language's documents first, then English's. */
export function documentsOffered(
  recipient: Recipient,
  documents: readonly DocumentRecord[],
): DocumentRecord[] {
  return recipient.languages.flatMap((language) =>
    offeredTypes.flatMap((type) =>
      documents.filter((d) => d.language === language && d.type === type),
    ),
  );
}

interface Context {
  job: DeliveryJob;
  /** What the job carries: the message says so. */
  content: DeliveryContent;
  decision: Decision;
  district: DistrictProfile;
  documents: DocumentRecord[];
  now: Date;
}

export class Deliver {
  constructor(private readonly deps: DeliverDeps) {}

  /**
   * Delivers a job to each of its recipients. Recipients are independent: one failing does
   * not stop the others; the job then throws (to be retried), and the retry skips what was done.
   */
  async deliver(job: DeliveryJob): Promise<DeliveryResult[]> {
    const { log } = this.deps;
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
      log.warn('delivery skipped: the version is not finalized', {
        decisionId: job.decisionId,
        version: job.version,
        status: decision.status,
      });
      return [];
    }
    const district = this.deps.districts.get(job.districtId);
    const documents = await this.documentsOf(job);
    const now = this.deps.clock();
    const today = calendarDateIn(now, district.timeZone);
    const content = deliveryContent(
      job.kind,
      documents.map((d) => d.type),
    );
    const all = recipientsOf(decision, today, [...this.deps.locales.keys()], {
      state: district.state,
      ...(content === 'meeting-documents' ? {} : { notice: content }),
    });
    const recipients = job.recipientIds
      ? job.recipientIds.map(
          (id) => all.find((r) => r.recipientId === id) ?? notARecipient(id, today),
        )
      : all;
    const ctx: Context = { job, content, decision, district, documents, now };

    const results: DeliveryResult[] = [];
    const failures: unknown[] = [];
    for (const recipient of recipients) {
      try {
        results.push(await this.deliverTo(ctx, recipient));
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

  private async documentsOf(job: DeliveryJob): Promise<DocumentRecord[]> {
    const records = await Promise.all(job.documentIds.map((id) => this.deps.records.get(id)));
    const missing = job.documentIds.filter((_, i) => !records[i]);
    if (missing.length > 0)
      throw new DeliveryInputMissing(`document records missing: ${missing.join(', ')}`);
    return records as DocumentRecord[];
  }

  private async deliverTo(ctx: Context, found: Recipient): Promise<DeliveryResult> {
    const recipient = this.withMessageTexts(found);
    if (!recipient.channel) return this.recordProblem(ctx, recipient);
    if (recipient.channel === 'postal') return this.postal(ctx, recipient);

    const emailId = deliveryIdFor(ctx.job, recipient.recipientId, 'email');
    const existing = await this.deps.deliveries.get(emailId);
    if (existing?.state === 'bounced') {
      // The email bounced: the recipient gets paper instead (their postal address is on the decision).
      if (!recipient.postalAddress) return result(existing, false);
      return this.postal(ctx, recipient, emailId);
    }
    if (existing) return this.resume(ctx, recipient, existing);
    return this.email(ctx, recipient, emailId);
  }

  /** A delivery found already claimed: report it, finish a postal one, flag a stale email claim. */
  private async resume(
    ctx: Context,
    recipient: Recipient,
    existing: DeliveryRecord,
  ): Promise<DeliveryResult> {
    if (existing.state !== 'sending') return result(existing, false);
    if (existing.channel === 'postal') return this.postal(ctx, recipient, existing.replaces);
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

  private base(
    ctx: Context,
    recipient: Recipient,
    deliveryId: string,
    channel: Channel,
    subject: string,
    offered: DocumentRecord[],
  ): DeliveryRecord {
    const { job, now } = ctx;
    return {
      deliveryId,
      deliveryKey: deliveryKeyFor(job.version, job.kind, recipient.recipientId, channel),
      districtId: job.districtId,
      decisionId: job.decisionId,
      version: job.version,
      kind: job.kind,
      recipientId: recipient.recipientId,
      channel,
      language: recipient.messageLanguage,
      ...(recipient.translationNeeded
        ? {
            translationNeeded: recipient.translationNeeded,
            notes: [`translation needed: ${recipient.translationNeeded}`],
          }
        : {}),
      documentSetIds: [...job.documentIds],
      documentIds: offered.map((d) => d.documentId),
      subject,
      state: 'sending',
      claimedAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
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

  private locale(language: string): Locale {
    const locale = this.deps.locales.get(language) ?? this.deps.locales.get('en');
    if (!locale) throw new Error('no English locale');
    return locale;
  }

  private async email(
    ctx: Context,
    recipient: Recipient,
    deliveryId: string,
  ): Promise<DeliveryResult> {
    const { deliveries, links, mailer, log } = this.deps;
    const { district } = ctx;
    const locale = this.locale(recipient.messageLanguage);
    const offered = documentsOffered(recipient, ctx.documents);
    const validityDays = district.delivery.linkValidityDays ?? DEFAULT_LINK_VALIDITY_DAYS;
    const { token, record: link } = links.newLink(
      {
        linkId: `lnk_${deliveryId.slice(4)}`,
        deliveryId,
        districtId: district.districtId,
        decisionId: ctx.job.decisionId,
        version: ctx.job.version,
        recipientId: recipient.recipientId,
        language: recipient.messageLanguage,
        documentIds: offered.map((d) => d.documentId),
      },
      validityDays,
    );
    const url = linkUrl(this.deps.downloadBaseUrl, token);
    const attach = district.delivery.attachDocuments;
    const message = composeEmail(this.deps.templates, {
      locale,
      district,
      content: ctx.content,
      adultStudent: recipient.recipientId === STUDENT_RECIPIENT,
      link: url,
      linkValidUntil: calendarDateIn(new Date(link.expiresAt * 1000), district.timeZone),
      languages: recipient.languages,
      translationNeeded: recipient.translationNeeded !== undefined,
      attachments: attach,
    });
    const claim: DeliveryRecord = {
      ...this.base(ctx, recipient, deliveryId, 'email', message.subject, offered),
      linkId: link.linkId,
      tokenHash: link.tokenHash,
      linkExpiresAt: new Date(link.expiresAt * 1000).toISOString(),
    };
    // 1. Claim: recorded before anything leaves; a concurrent or repeated job loses here.
    if (!(await deliveries.claim(claim))) {
      const winner = await deliveries.get(deliveryId);
      if (!winner) throw new Error(`delivery ${deliveryId} vanished after its claim failed`);
      return this.resume(ctx, recipient, winner);
    }
    let attachments: { fileName: string; contentType: string; content: Uint8Array }[] | undefined;
    try {
      await links.save(link);
      attachments = attach
        ? await Promise.all(
            offered.map(async (d) => ({
              fileName: `${d.type}.${d.language}.pdf`,
              contentType: 'application/pdf',
              content: await this.deps.store.get(d.s3Key),
            })),
          )
        : undefined;
    } catch (error) {
      // Nothing has left yet: release the claim, so the retry starts afresh instead of asking for review.
      await links.revoke(link.tokenHash).catch(() => undefined);
      await deliveries.release(deliveryId, claim.claimedAt);
      throw error;
    }
    // 2. Send once.
    let messageId: string;
    try {
      ({ messageId } = await mailer.send({
        from: district.sender,
        replyTo: district.email,
        to: recipient.email as string,
        subject: message.subject,
        html: message.html,
        text: message.text,
        ...(attachments ? { attachments } : {}),
        tags: { 'delivery-id': deliveryId, 'district-id': district.districtId },
      }));
    } catch (error) {
      if (sesAnswered(error)) {
        // SES refused it: nothing went out, so the claim is released and the retry sends afresh.
        await links.revoke(link.tokenHash);
        await deliveries.release(deliveryId, claim.claimedAt);
      }
      // Otherwise the answer was lost: the claim stays, and a retry flags it for review.
      throw error;
    }
    // 3. Mark sent.
    const sentAt = this.deps.clock().toISOString();
    const marked = await deliveries.transition(deliveryId, ['sending', 'needs-review'], {
      state: 'sent',
      messageId,
      sentAt,
      updatedAt: sentAt,
    });
    if (!marked) log.warn('delivery sent but its record moved on', { deliveryId });
    log.info('delivery emailed', {
      deliveryId,
      decisionId: ctx.job.decisionId,
      version: ctx.job.version,
      recipientId: recipient.recipientId,
      messageId,
    });
    return { ...result({ ...claim, state: 'sent' }, true), link: url };
  }

  private async postal(
    ctx: Context,
    recipient: Recipient,
    replaces?: string,
  ): Promise<DeliveryResult> {
    const { deliveries, log } = this.deps;
    const { job, district } = ctx;
    const deliveryId = deliveryIdFor(job, recipient.recipientId, 'postal');
    const locale = this.locale(recipient.messageLanguage);
    const offered = documentsOffered(recipient, ctx.documents);
    const adultStudent = recipient.recipientId === STUDENT_RECIPIENT;
    const postalKey = postalKeyFor(job, deliveryId);
    const claim: DeliveryRecord = {
      ...this.base(
        ctx,
        recipient,
        deliveryId,
        'postal',
        deliverySubject('postal', locale, district, adultStudent, ctx.content),
        offered,
      ),
      postalKey,
      ...(replaces ? { replaces } : {}),
    };
    let record = claim;
    if (!(await deliveries.claim(claim))) {
      const existing = await deliveries.get(deliveryId);
      if (!existing) throw new Error(`delivery ${deliveryId} vanished after its claim failed`);
      if (existing.state !== 'sending') return result(existing, false);
      record = existing; // a crashed packet: building it again is harmless
    }
    const address = recipient.postalAddress;
    if (!address) throw new Error(`recipient ${recipient.recipientId} has no postal address`);
    const cover = composeCoverLetter(this.deps.templates, {
      locale,
      district,
      content: ctx.content,
      adultStudent,
      recipientName: recipient.name,
      address,
      date: calendarDateIn(new Date(record.claimedAt), district.timeZone),
      documents: offered.map((d) => ({ type: d.type, language: d.language })),
      translationNeeded: recipient.translationNeeded !== undefined,
    });
    const coverPdf = await this.deps.printer.print(cover.job);
    const documents = await Promise.all(offered.map((d) => this.deps.store.get(d.s3Key)));
    const packet = await assemblePacket([coverPdf, ...documents], cover.subject);
    await this.deps.store.putOnce(postalKey, packet.pdf, {
      contentType: 'application/pdf',
      sha256Hex: packet.sha256,
      metadata: {
        'delivery-id': deliveryId,
        'decision-id': job.decisionId,
        version: String(job.version),
      },
    });
    const at = this.deps.clock().toISOString();
    await deliveries.transition(deliveryId, ['sending'], { state: 'pending-mail', updatedAt: at });
    log.info('postal packet pending mail', {
      deliveryId,
      decisionId: job.decisionId,
      version: job.version,
      recipientId: recipient.recipientId,
      pages: packet.pages,
    });
    return result({ ...record, state: 'pending-mail' }, record === claim);
  }

  private async recordProblem(ctx: Context, recipient: Recipient): Promise<DeliveryResult> {
    const deliveryId = deliveryIdFor(ctx.job, recipient.recipientId, 'postal');
    const locale = this.locale(recipient.messageLanguage);
    const subject = deliverySubject(
      'postal',
      locale,
      ctx.district,
      recipient.recipientId === STUDENT_RECIPIENT,
      ctx.content,
    );
    const record: DeliveryRecord = {
      ...this.base(
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

/**
 * A recipient a job names who is not among the decision's recipients today (a guardian no
 * longer on it; the student before rights transfer, for anything but the majority notice):
 * recorded as a delivery problem, so the notice shows up as undelivered instead of vanishing.
 */
function notARecipient(recipientId: string, today: string): Recipient {
  const why =
    recipientId === STUDENT_RECIPIENT
      ? 'the student receives this only once rights have transferred (300.520)'
      : 'no guardian with this id on the decision';
  return {
    recipientId,
    name: '',
    preferredLanguage: 'en',
    languages: ['en'],
    messageLanguage: 'en',
    problem: `not a recipient of this decision on ${today}: ${why}`,
  };
}

function result(record: DeliveryRecord, created: boolean): DeliveryResult {
  return {
    deliveryId: record.deliveryId,
    recipientId: record.recipientId,
    channel: record.channel,
    language: record.language,
    subject: record.subject,
    state: record.state,
    created,
  };
}

/** True when SES answered with an error (the email was not accepted), false when the answer was lost. */
function sesAnswered(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata
    ?.httpStatusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}
