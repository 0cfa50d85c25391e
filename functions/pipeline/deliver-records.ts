/**
 * A delivery's identity and record: deterministic ids and keys (the same job always names the
 * same deliveries), what a recipient is offered, and the record a claim writes.
 */
import { createHash } from 'node:crypto';
import type { Decision } from '../core/decision.ts';
import type { DistrictProfile } from '../core/district.ts';
import { districtDocumentTypes, documentTypes, noticeDocumentTypes } from '../core/documents.ts';
import type { Channel, Recipient } from '../core/recipients.ts';
import type { Locale } from '../render/locales.ts';
import type { DeliveryRecord, DeliveryState } from './delivery-ports.ts';
import type { DeliveryContent } from './delivery-templates.ts';
import type { DeliveryJob, DocumentRecord } from './ports.ts';
import { pendingFields } from './translation-pending.ts';

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
  /** The response code printed in the letter this call stored (issue #19), as `link` for an email. */
  printedCode?: string;
  /** Where the postal packet was stored (its S3 key), when this is a postal delivery. */
  postalKey?: string;
}

/** One job's delivery, as each recipient's step sees it. */
export interface DeliveryContext {
  job: DeliveryJob;
  /** What the job carries: the message says so. */
  content: DeliveryContent;
  /** The decision, for a decision's documents and its calendar notices (absent for a meeting notice). */
  decision?: Decision;
  district: DistrictProfile;
  documents: DocumentRecord[];
  now: Date;
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
const offeredTypes = [...documentTypes, ...noticeDocumentTypes, ...districtDocumentTypes];

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

/** The record a claim writes: state `sending`, ids only. */
export function baseRecord(
  ctx: DeliveryContext,
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
    ...pendingFields(job, recipient),
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

/** The locale of a message, English when the language has none. */
export function localeFor(locales: ReadonlyMap<string, Locale>, language: string): Locale {
  const locale = locales.get(language) ?? locales.get('en');
  if (!locale) throw new Error('no English locale');
  return locale;
}

/** What a call reports of a delivery record. */
export function result(record: DeliveryRecord, created: boolean): DeliveryResult {
  return {
    deliveryId: record.deliveryId,
    recipientId: record.recipientId,
    channel: record.channel,
    language: record.language,
    subject: record.subject,
    state: record.state,
    created,
    ...(record.postalKey ? { postalKey: record.postalKey } : {}),
  };
}
