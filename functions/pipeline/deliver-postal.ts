/**
 * One recipient's postal packet: claim, print the cover letter in their language, join it with
 * the documents into one tagged packet signed by the district, store it write-once under
 * `districts/<districtId>/decisions/<decisionId>/v<version>/postal/<deliveryId>.pdf`, mark it
 * `pending-mail` and tell the mailroom (when the deployment has a postal queue). Building a
 * packet has no outside effect until it is printed, so a crashed claim is simply built again.
 */
import { calendarDateIn } from '../core/dates.ts';
import { type PostalAddress, type Recipient, STUDENT_RECIPIENT } from '../core/recipients.ts';
import { type Locale, languageName } from '../render/locales.ts';
import { trustedSigning } from '../render/trusted-signing.ts';
import type { DeliverDeps } from './deliver.ts';
import { type AnswerOnline, issuePrintedCode, settlePrintedCode } from './deliver-postal-code.ts';
import {
  baseRecord,
  type DeliveryContext,
  type DeliveryResult,
  deliveryIdFor,
  documentsOffered,
  localeFor,
  postalKeyFor,
  result,
} from './deliver-records.ts';
import type { DeliveryRecord } from './delivery-ports.ts';
import { assemblePacket } from './delivery-postal.ts';
import { composeCoverLetter, deliverySubject, documentName } from './delivery-templates.ts';
import type { DocumentRecord } from './ports.ts';
import { translationPendingFor } from './translation-pending.ts';

/** Builds, signs and stores a recipient's packet; `replaces` names the bounced email, if any. */
export async function deliverPostal(
  deps: DeliverDeps,
  ctx: DeliveryContext,
  recipient: Recipient,
  replaces?: string,
): Promise<DeliveryResult> {
  const { deliveries } = deps;
  const { job, district } = ctx;
  const deliveryId = deliveryIdFor(job, recipient.recipientId, 'postal');
  const locale = localeFor(deps.locales, recipient.messageLanguage);
  const offered = documentsOffered(recipient, ctx.documents);
  const adultStudent = recipient.recipientId === STUDENT_RECIPIENT;
  const postalKey = postalKeyFor(job, deliveryId);
  const subject = deliverySubject('postal', locale, district, adultStudent, ctx.content);
  const claim: DeliveryRecord = {
    ...baseRecord(ctx, recipient, deliveryId, 'postal', subject, offered),
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
  const printed = await issuePrintedCode(deps, ctx, recipient, record, offered);
  const packet = await printPacket(deps, ctx, recipient, {
    deliveryId,
    claimedAt: record.claimedAt,
    locale,
    address,
    offered,
    ...(printed ? { answerOnline: printed.letter } : {}),
  });
  const stored = await storePacket(deps, job, deliveryId, postalKey, packet);
  if (printed) await settlePrintedCode(deps, printed, stored.created);
  await markPendingMail(deps, job, recipient.recipientId, { deliveryId, postalKey, packet });
  return {
    ...result({ ...record, state: 'pending-mail' }, record === claim),
    // As an email's link: the raw code exists only in the letter and in this result.
    ...(printed && stored.created ? { printedCode: printed.letter.code } : {}),
  };
}

/** What one packet is made for: the claimed delivery, the letter's language and address. */
interface PacketLetter {
  deliveryId: string;
  claimedAt: string;
  locale: Locale;
  address: NonNullable<PostalAddress>;
  offered: readonly DocumentRecord[];
  /** The printed response code's paragraph (#19), when the recipient may answer. */
  answerOnline?: AnswerOnline;
}

/** Prints the cover letter, joins it with the documents and signs the packet as the district. */
async function printPacket(
  deps: DeliverDeps,
  ctx: DeliveryContext,
  recipient: Recipient,
  letter: PacketLetter,
): Promise<{ pdf: Uint8Array; pages: number; sha256: string }> {
  const { job, district } = ctx;
  const { deliveryId, locale, offered } = letter;
  const cover = composeCoverLetter(deps.templates, {
    locale,
    district,
    content: ctx.content,
    adultStudent: recipient.recipientId === STUDENT_RECIPIENT,
    recipientName: recipient.name,
    address: letter.address,
    date: calendarDateIn(new Date(letter.claimedAt), district.timeZone),
    documents: offered.map((d) => ({ type: d.type, language: d.language })),
    translationNeeded: recipient.translationNeeded !== undefined,
    translationPending: translationPendingFor(ctx.job, recipient),
    ...(letter.answerOnline ? { answerOnline: letter.answerOnline } : {}),
  });
  const coverPdf = await deps.printer.print(cover.job);
  const documents = await Promise.all(offered.map((d) => deps.store.get(d.s3Key)));
  return assemblePacket(
    [
      { pdf: coverPdf, title: cover.subject },
      ...offered.map((d, i) => ({
        pdf: documents[i] as Uint8Array,
        title: `${documentName(d.type, locale)} (${languageName(d.language, locale)})`,
      })),
    ],
    {
      signer: deps.signer,
      reason: district.signing.reason,
      location: district.signing.location,
      signerName: district.name,
      signingTime: deps.clock(),
      // B-T/B-LT like the documents when the platform has trust services.
      ...(await trustedSigning(deps.trust, district)),
      // No student data: the packet's title is the letter's subject.
      metadata: {
        title: cover.subject,
        author: district.name,
        subject: cover.subject,
        language: locale.locale,
        keywords: [deliveryId, job.decisionId, `v${job.version}`],
      },
    },
  );
}

/** Stores the packet write-once under its postal key (ids only in its metadata). */
function storePacket(
  deps: DeliverDeps,
  job: DeliveryContext['job'],
  deliveryId: string,
  postalKey: string,
  packet: { pdf: Uint8Array; sha256: string },
) {
  return deps.store.putOnce(postalKey, packet.pdf, {
    contentType: 'application/pdf',
    sha256Hex: packet.sha256,
    metadata: {
      'delivery-id': deliveryId,
      'decision-id': job.decisionId,
      version: String(job.version),
    },
  });
}

/** Tells the mailroom the packet is ready, then moves the delivery to `pending-mail`. */
async function markPendingMail(
  deps: DeliverDeps,
  job: DeliveryContext['job'],
  recipientId: string,
  ready: { deliveryId: string; postalKey: string; packet: { pages: number } },
): Promise<void> {
  const { deliveryId, postalKey, packet } = ready;
  // The mailroom is told before the record moves on: a retry tells it again (at least once).
  await deps.postalNotifier?.packetReady({
    deliveryId,
    districtId: job.districtId,
    decisionId: job.decisionId,
    version: job.version,
    key: postalKey,
    pages: packet.pages,
  });
  const at = deps.clock().toISOString();
  await deps.deliveries.transition(deliveryId, ['sending'], {
    state: 'pending-mail',
    updatedAt: at,
  });
  deps.log.info('postal packet pending mail', {
    deliveryId,
    decisionId: job.decisionId,
    version: job.version,
    recipientId,
    pages: packet.pages,
  });
}
