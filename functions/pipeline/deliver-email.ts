/**
 * One recipient's email: claim, send once, mark sent (the at-most-once protocol is described
 * in deliver.ts). The link is made here; its raw token leaves only in the email and the result.
 */
import { calendarDateIn } from '../core/dates.ts';
import { type Recipient, STUDENT_RECIPIENT } from '../core/recipients.ts';
import type { DeliverDeps } from './deliver.ts';
import {
  baseRecord,
  type DeliveryContext,
  type DeliveryResult,
  documentsOffered,
  localeFor,
  result,
} from './deliver-records.ts';
import type { DeliveryRecord } from './delivery-ports.ts';
import { composeEmail } from './delivery-templates.ts';
import { DEFAULT_LINK_VALIDITY_DAYS, linkUrl } from './links.ts';

/** Reports (or flags) a delivery another call claimed first. */
export type Resume = (existing: DeliveryRecord) => Promise<DeliveryResult>;

/** Emails a recipient their link (and the documents, where the district attaches them). */
export async function sendEmail(
  deps: DeliverDeps,
  ctx: DeliveryContext,
  recipient: Recipient,
  deliveryId: string,
  resume: Resume,
): Promise<DeliveryResult> {
  const { deliveries, links, mailer, log } = deps;
  const { district } = ctx;
  const locale = localeFor(deps.locales, recipient.messageLanguage);
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
  const url = linkUrl(deps.downloadBaseUrl, token);
  const attach = district.delivery.attachDocuments;
  const message = composeEmail(deps.templates, {
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
    ...baseRecord(ctx, recipient, deliveryId, 'email', message.subject, offered),
    linkId: link.linkId,
    tokenHash: link.tokenHash,
    linkExpiresAt: new Date(link.expiresAt * 1000).toISOString(),
  };
  // 1. Claim: recorded before anything leaves; a concurrent or repeated job loses here.
  if (!(await deliveries.claim(claim))) {
    const winner = await deliveries.get(deliveryId);
    if (!winner) throw new Error(`delivery ${deliveryId} vanished after its claim failed`);
    return resume(winner);
  }
  let attachments: { fileName: string; contentType: string; content: Uint8Array }[] | undefined;
  try {
    await links.save(link);
    attachments = attach
      ? await Promise.all(
          offered.map(async (d) => ({
            fileName: `${d.type}.${d.language}.pdf`,
            contentType: 'application/pdf',
            content: await deps.store.get(d.s3Key),
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
  const sentAt = deps.clock().toISOString();
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

/** True when SES answered with an error (the email was not accepted), false when the answer was lost. */
function sesAnswered(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata
    ?.httpStatusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}
