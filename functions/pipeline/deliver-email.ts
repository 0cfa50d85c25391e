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
import type { DeliveryRecord, LinkRecord } from './delivery-ports.ts';
import { composeEmail } from './delivery-templates.ts';
import { DEFAULT_LINK_VALIDITY_DAYS, linkUrl } from './links.ts';
import type { DocumentRecord } from './ports.ts';
import { RecipientLinksRevoked } from './recipient-revocation.ts';
import { translationPendingFor } from './translation-pending.ts';

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
  const email = composeFor(deps, ctx, recipient, deliveryId);
  // 1. Claim: recorded before anything leaves; a concurrent or repeated job loses here.
  if (!(await deps.deliveries.claim(email.claim))) {
    const winner = await deps.deliveries.get(deliveryId);
    if (!winner) throw new Error(`delivery ${deliveryId} vanished after its claim failed`);
    return resume(winner);
  }
  let attachments: Attachment[] | undefined;
  try {
    attachments = await stage(deps, email);
  } catch (error) {
    if (!(error instanceof RecipientLinksRevoked)) throw error;
    return withheld(deps, ctx, email.claim);
  }
  // 2. Send once.
  const messageId = await sendOnce(deps, ctx, recipient, email, attachments);
  // 3. Mark sent.
  const sentAt = deps.clock().toISOString();
  const marked = await deps.deliveries.transition(deliveryId, ['sending', 'needs-review'], {
    state: 'sent',
    messageId,
    sentAt,
    updatedAt: sentAt,
  });
  if (!marked) deps.log.warn('delivery sent but its record moved on', { deliveryId });
  deps.log.info('delivery emailed', {
    deliveryId,
    decisionId: ctx.job.decisionId,
    version: ctx.job.version,
    recipientId: recipient.recipientId,
    messageId,
  });
  return { ...result({ ...email.claim, state: 'sent' }, true), link: email.url };
}

/**
 * The district revoked this recipient's links (`iep-docs links revoke`) while the job was on
 * its way: no link was saved and nothing is sent; the delivery waits for the district's review
 * (a corrected address comes as a new version).
 */
async function withheld(
  deps: DeliverDeps,
  ctx: DeliveryContext,
  claim: DeliveryRecord,
): Promise<DeliveryResult> {
  const at = deps.clock().toISOString();
  const reason = 'recipient-links-revoked';
  await deps.deliveries.transition(claim.deliveryId, ['sending'], {
    state: 'needs-review',
    reason,
    updatedAt: at,
  });
  deps.log.warn('delivery withheld: the recipient’s links were revoked', {
    deliveryId: claim.deliveryId,
    decisionId: ctx.job.decisionId,
    version: ctx.job.version,
    recipientId: claim.recipientId,
  });
  return result({ ...claim, state: 'needs-review', reason }, false);
}

/** One email, composed before its claim: the link (token and record), the message, the claim. */
interface ComposedEmail {
  url: string;
  link: LinkRecord;
  message: ReturnType<typeof composeEmail>;
  claim: DeliveryRecord;
  offered: DocumentRecord[];
  attach: boolean;
}

function composeFor(
  deps: DeliverDeps,
  ctx: DeliveryContext,
  recipient: Recipient,
  deliveryId: string,
): ComposedEmail {
  const { district } = ctx;
  const offered = documentsOffered(recipient, ctx.documents);
  const { token, record: link } = deps.links.newLink(
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
    district.delivery.linkValidityDays ?? DEFAULT_LINK_VALIDITY_DAYS,
  );
  const url = linkUrl(deps.downloadBaseUrl, token);
  const attach = district.delivery.attachDocuments;
  const message = composeEmail(deps.templates, {
    locale: localeFor(deps.locales, recipient.messageLanguage),
    district,
    content: ctx.content,
    adultStudent: recipient.recipientId === STUDENT_RECIPIENT,
    link: url,
    linkValidUntil: calendarDateIn(new Date(link.expiresAt * 1000), district.timeZone),
    languages: recipient.languages,
    translationNeeded: recipient.translationNeeded !== undefined,
    translationPending: translationPendingFor(ctx.job, recipient),
    attachments: attach,
  });
  const claim: DeliveryRecord = {
    ...baseRecord(ctx, recipient, deliveryId, 'email', message.subject, offered),
    linkId: link.linkId,
    tokenHash: link.tokenHash,
    linkExpiresAt: new Date(link.expiresAt * 1000).toISOString(),
  };
  return { url, link, message, claim, offered, attach };
}

type Attachment = { fileName: string; contentType: string; content: Uint8Array };

/** Saves the link and reads the attachments; on failure nothing has left: the claim is released. */
async function stage(deps: DeliverDeps, email: ComposedEmail): Promise<Attachment[] | undefined> {
  try {
    await deps.links.save(email.link);
    if (!email.attach) return undefined;
    return await Promise.all(
      email.offered.map(async (d) => ({
        fileName: `${d.type}.${d.language}.pdf`,
        contentType: 'application/pdf',
        content: await deps.store.get(d.s3Key),
      })),
    );
  } catch (error) {
    // The district revoked this recipient: nothing was written, the caller records why.
    if (error instanceof RecipientLinksRevoked) throw error;
    // Release the claim, so the retry starts afresh instead of asking for review.
    await deps.links.revoke(email.link.tokenHash).catch(() => undefined);
    await deps.deliveries.release(email.claim.deliveryId, email.claim.claimedAt);
    throw error;
  }
}

/** Sends the email once; an answered refusal releases the claim, a lost answer keeps it. */
async function sendOnce(
  deps: DeliverDeps,
  ctx: DeliveryContext,
  recipient: Recipient,
  email: ComposedEmail,
  attachments: Attachment[] | undefined,
): Promise<string> {
  const { district } = ctx;
  try {
    const { messageId } = await deps.mailer.send({
      from: district.sender,
      replyTo: district.email,
      to: recipient.email as string,
      subject: email.message.subject,
      html: email.message.html,
      text: email.message.text,
      ...(attachments ? { attachments } : {}),
      tags: { 'delivery-id': email.claim.deliveryId, 'district-id': district.districtId },
    });
    return messageId;
  } catch (error) {
    if (sesAnswered(error)) {
      // SES refused it: nothing went out, so the claim is released and the retry sends afresh.
      await deps.links.revoke(email.link.tokenHash);
      await deps.deliveries.release(email.claim.deliveryId, email.claim.claimedAt);
    }
    // Otherwise the answer was lost: the claim stays, and a retry flags it for review.
    throw error;
  }
}

/** True when SES answered with an error (the email was not accepted), false when the answer was lost. */
function sesAnswered(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata
    ?.httpStatusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}
