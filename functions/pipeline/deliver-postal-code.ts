/**
 * The printed response code of a postal letter (issue #19; printed-codes.ts): a recipient who
 * may answer the offer (a holder of educational rights, or the adult student after the
 * transfer of rights, 34 CFR 300.520(a)) receiving a meeting's documents on paper gets, in
 * their letter's language, a code and the short address `<download base URL>/r`.
 *
 * A crashed packet is built again (deliver-postal.ts), so a code is made per attempt. Each
 * attempt records its code's hash on the delivery before saving the code's link (a revocation
 * listing the deliveries finds it), and once the packet is stored keeps the code it carries:
 * its own when it stored the packet (the earlier attempt's code was never printed: revoked),
 * the earlier attempt's when that one had stored it (its own is revoked).
 */
import { calendarDateIn } from '../core/dates.ts';
import { matchLocale } from '../core/languages.ts';
import { rightsHaveTransferred } from '../core/milestones.ts';
import { answeringRight } from '../core/parent-response.ts';
import { type Recipient, STUDENT_RECIPIENT } from '../core/recipients.ts';
import { stateLaw } from '../core/state-law.ts';
import type { DeliverDeps } from './deliver.ts';
import type { DeliveryContext } from './deliver-records.ts';
import type { DeliveryRecord, LinkRecord } from './delivery-ports.ts';
import { DEFAULT_LINK_VALIDITY_DAYS } from './links.ts';
import type { DocumentRecord } from './ports.ts';
import { newPrintedCode } from './printed-codes.ts';
import { RecipientLinksRevoked } from './recipient-revocation.ts';
import type { ResponseTexts } from './response-page.ts';

/** What the cover letter prints about answering online (texts in the letter's language). */
export interface AnswerOnline {
  texts: ResponseTexts['letter'];
  /** `<download base URL>/r`. */
  address: string;
  /** The printed code, `XXXX-XXXX-XXXX-XXXX`. */
  code: string;
  /** The last day the code works (calendar date in the district's zone). */
  validUntil: string;
}

/** A code issued for one attempt at a packet. */
export interface IssuedCode {
  letter: AnswerOnline;
  link: LinkRecord;
  /** The code recorded on the delivery before this attempt (a crashed attempt's), if any. */
  previousHash?: string;
}

/** Whether the recipient may answer this delivery's offer online. */
function mayAnswer(ctx: DeliveryContext, recipient: Recipient): boolean {
  const { decision, district } = ctx;
  if (!decision || ctx.content !== 'meeting-documents') return false;
  const today = calendarDateIn(ctx.now, district.timeZone);
  const transferred = rightsHaveTransferred(decision, stateLaw(district.state), today);
  const isStudent = recipient.recipientId === STUDENT_RECIPIENT;
  const guardian = decision.guardians.find((g) => g.guardianId === recipient.recipientId);
  return answeringRight(
    {
      recipientId: recipient.recipientId,
      isStudent,
      educationalRightsHolder: guardian?.educationalRightsHolder === true,
    },
    transferred,
  ).may;
}

/** Issues and saves the letter's code, or undefined when the letter carries none. */
export async function issuePrintedCode(
  deps: DeliverDeps,
  ctx: DeliveryContext,
  recipient: Recipient,
  record: DeliveryRecord,
  offered: readonly DocumentRecord[],
): Promise<IssuedCode | undefined> {
  const texts = deps.responseTexts;
  if (!texts || !mayAnswer(ctx, recipient)) return undefined;
  const tag = matchLocale(recipient.messageLanguage, [...texts.keys()]) ?? 'en';
  const letterTexts = (texts.get(tag) ?? texts.get('en'))?.letter;
  if (!letterTexts) return undefined;
  const { code, codeHash } = newPrintedCode();
  const now = deps.clock();
  const days = ctx.district.delivery.linkValidityDays ?? DEFAULT_LINK_VALIDITY_DAYS;
  const link: LinkRecord = {
    tokenHash: codeHash,
    kind: 'postal',
    linkId: `lnk_${record.deliveryId.slice(4)}`,
    deliveryId: record.deliveryId,
    districtId: ctx.district.districtId,
    decisionId: ctx.job.decisionId,
    version: ctx.job.version,
    recipientId: recipient.recipientId,
    language: recipient.messageLanguage,
    documentIds: offered.map((d) => d.documentId),
    createdAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + days * 86_400,
  };
  const expires = new Date(link.expiresAt * 1000);
  await deps.deliveries.transition(record.deliveryId, ['sending'], {
    linkId: link.linkId,
    tokenHash: codeHash,
    linkExpiresAt: expires.toISOString(),
    updatedAt: now.toISOString(),
  });
  try {
    await deps.links.save(link);
  } catch (error) {
    // The district revoked this recipient's links: the letter goes without a code.
    if (error instanceof RecipientLinksRevoked) return undefined;
    throw error;
  }
  return {
    letter: {
      texts: letterTexts,
      address: `${deps.downloadBaseUrl.replace(/\/+$/, '')}/r`,
      code,
      // The code works through this day (it expires in the course of it).
      validUntil: calendarDateIn(expires, ctx.district.timeZone),
    },
    link,
    ...(record.tokenHash && record.tokenHash !== codeHash
      ? { previousHash: record.tokenHash }
      : {}),
  };
}

/**
 * Keeps the code the stored packet carries (`created`: this attempt stored it) and revokes the
 * one that was never printed.
 */
export async function settlePrintedCode(
  deps: DeliverDeps,
  issued: IssuedCode,
  created: boolean,
): Promise<void> {
  if (created) {
    if (issued.previousHash) await deps.links.revoke(issued.previousHash);
    return;
  }
  await deps.links.revoke(issued.link.tokenHash);
  if (issued.previousHash)
    await deps.deliveries.transition(issued.link.deliveryId, ['sending'], {
      tokenHash: issued.previousHash,
      updatedAt: deps.clock().toISOString(),
    });
}
