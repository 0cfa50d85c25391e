/**
 * The procedural safeguards notice with a delivery (34 CFR 300.504(a)): the first delivery a
 * recipient gets in a school year carries the district's notice in their language (English,
 * recorded as needing a translation, where the district has none in it: 300.504(d)), and the
 * giving is recorded once it is sent or stored for mailing.
 *
 * Order, and why: the notice is added to what the recipient is offered before the delivery's
 * claim (the claim records the documents offered), and the giving is recorded after, from the
 * claimed record. A crash between the two leaves a delivery that carried the notice unrecorded;
 * the retry of the job finds the delivery done, sees the notice among its documents and
 * records it then. A giving is keyed by its delivery, so it is never recorded twice.
 */
import { createHash } from 'node:crypto';
import type { CalendarDate } from '../core/dates.ts';
import type { DistrictProfile } from '../core/district.ts';
import { documentId } from '../core/documents.ts';
import type { Recipient } from '../core/recipients.ts';
import {
  givingDue,
  type SafeguardsEvent,
  type SafeguardsGiving,
  safeguardsLanguage,
  schoolYearOf,
} from '../core/safeguards.ts';
import { pdfPageCount } from '../render/signing/index.ts';
import type { DeliveryContext } from './deliver-records.ts';
import type { DeliveryRecord, DeliveryStore } from './delivery-ports.ts';
import type { SafeguardsStore } from './meeting-ports.ts';
import type { DocumentRecord, DocumentRecords, DocumentStore, Log } from './ports.ts';

/** The S3 key of a district's safeguards notice: under the district, by version and language. */
export function safeguardsS3Key(districtId: string, version: string, language: string): string {
  return `districts/${districtId}/safeguards/${version}/procedural-safeguards.${language}.pdf`;
}

/** The document id of a district's safeguards notice in one language and version. */
export function safeguardsDocumentId(
  districtId: string,
  version: string,
  language: string,
): string {
  return documentId({
    districtId,
    decisionId: `safeguards-${version}`,
    version: 1,
    type: 'procedural-safeguards',
    language,
  });
}

/** What the safeguards step needs. */
export interface SafeguardsDeps {
  givings: SafeguardsStore;
  records: DocumentRecords;
  store: DocumentStore;
  /** The student's opaque key (`core/calendar.ts` studentKey with the deployment's secret). */
  studentKeyOf: (districtId: string, studentId: string) => string;
  clock: () => Date;
  log: Log;
}

/** A copy due to one recipient of one delivery. */
export interface SafeguardsDue {
  document: DocumentRecord;
  studentKey: string;
  schoolYear: string;
  event: SafeguardsEvent;
  translationNeeded?: string;
}

/** States in which a delivery has left (or waits in the mailroom): the notice was given. */
const GIVEN_STATES: readonly DeliveryRecord['state'][] = [
  'sent',
  'delivered',
  'pending-mail',
  'mailed',
];

export class SafeguardsGivings {
  constructor(private readonly deps: SafeguardsDeps) {}

  /** The copy this recipient is due with this delivery, if any (none when the profile names none). */
  async due(input: {
    district: DistrictProfile;
    studentId: string;
    recipientId: string;
    preferredLanguage: string;
    today: CalendarDate;
    event?: SafeguardsEvent;
    /** The event's day, whose school year counts (default: today). */
    occurredOn?: CalendarDate;
  }): Promise<SafeguardsDue | undefined> {
    const { district } = input;
    const profile = district.safeguards;
    if (!profile) return undefined;
    const studentKey = this.deps.studentKeyOf(district.districtId, input.studentId);
    const schoolYear = schoolYearOf(input.occurredOn ?? input.today, profile.schoolYearStart);
    const event = input.event ?? 'annual';
    const givings = await this.deps.givings.forStudent(studentKey);
    if (!givingDue(givings, input.recipientId, schoolYear, event)) return undefined;
    const { language, translationNeeded } = safeguardsLanguage(
      input.preferredLanguage,
      Object.keys(profile.files),
    );
    const document = await this.documentIn(district, language).catch((error: unknown) => {
      // The district has not uploaded its notice: the documents still go (a missing upload
      // must not hold back an IEP), nothing is recorded, and the next delivery tries again.
      this.deps.log.error('safeguards notice missing: delivered without it', {
        districtId: district.districtId,
        version: profile.version,
        language,
        reason: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    });
    if (!document) return undefined;
    return {
      document,
      studentKey,
      schoolYear,
      event,
      ...(translationNeeded ? { translationNeeded } : {}),
    };
  }

  /** Records the giving when the delivery carried the copy and has left; true when recorded now. */
  async recordIfGiven(
    due: SafeguardsDue,
    delivery: DeliveryRecord | undefined,
    district: DistrictProfile,
    givenOn: CalendarDate,
  ): Promise<SafeguardsGiving | undefined> {
    if (!delivery || !GIVEN_STATES.includes(delivery.state)) return undefined;
    if (!delivery.documentIds.includes(due.document.documentId)) return undefined;
    const giving: SafeguardsGiving = {
      studentKey: due.studentKey,
      givingKey: `${givenOn}#${delivery.recipientId}#${due.event}#${delivery.deliveryId}`,
      districtId: district.districtId,
      recipientId: delivery.recipientId,
      schoolYear: due.schoolYear,
      event: due.event,
      language: due.document.language,
      ...(due.translationNeeded ? { translationNeeded: due.translationNeeded } : {}),
      version: district.safeguards?.version ?? '',
      channel: delivery.channel,
      givenOn,
      deliveryId: delivery.deliveryId,
      documentId: due.document.documentId,
      decisionId: delivery.decisionId,
    };
    await this.deps.givings.putOnce(giving);
    return giving;
  }

  /** The district's notice in `language` (see {@link districtSafeguardsDocument}). */
  documentIn(district: DistrictProfile, language: string): Promise<DocumentRecord> {
    return districtSafeguardsDocument(this.deps, district, language);
  }
}

/**
 * The record of the district's notice in `language`, current version, in S3 (the district
 * uploads it under the key of {@link safeguardsS3Key}); recorded on first use, as a document
 * every delivery can offer. Throws when the district has not uploaded it.
 */
export async function districtSafeguardsDocument(
  deps: { records: DocumentRecords; store: DocumentStore; clock: () => Date },
  district: DistrictProfile,
  language: string,
): Promise<DocumentRecord> {
  const version = district.safeguards?.version;
  if (version === undefined)
    throw new Error(`district ${district.districtId} names no safeguards notice`);
  const id = safeguardsDocumentId(district.districtId, version, language);
  const found = await deps.records.get(id);
  if (found) return found;
  const s3Key = safeguardsS3Key(district.districtId, version, language);
  let bytes: Uint8Array;
  try {
    bytes = await deps.store.get(s3Key);
  } catch (error) {
    throw new Error(`the district's safeguards notice is missing at ${s3Key}`, { cause: error });
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const record: DocumentRecord = {
    documentId: id,
    districtId: district.districtId,
    decisionId: `safeguards-${version}`,
    version: 1,
    type: 'procedural-safeguards',
    language,
    rendition: 1,
    s3Key,
    sha256,
    htmlSha256: sha256,
    bytes: bytes.byteLength,
    pages: pdfPageCount(bytes),
    signed: false,
    signer: `${district.name} (district-provided)`,
    createdAt: deps.clock().toISOString(),
  };
  await deps.records.putOnce(record);
  return (await deps.records.get(id)) ?? record;
}

/** What {@link safeguardsFor} reads of the deliver use case. */
interface SafeguardsContextDeps {
  safeguards?: SafeguardsGivings;
  deliveries: Pick<DeliveryStore, 'get' | 'transition'>;
  log: Log;
}

/**
 * One recipient's delivery with the safeguards notice where one is due: the notice is offered
 * beside the job's documents, and its giving recorded once the delivery has left. A
 * `safeguards-notice` job (an event of 300.504(a)(1)-(4)) carries the notice itself: it is
 * delivered when the event requires a copy for this recipient (a second state complaint of
 * the same school year does not: 300.504(a)(2)), and undefined is returned when it does not.
 */
export async function safeguardsFor<T extends { deliveryId: string }>(
  deps: SafeguardsContextDeps,
  ctx: DeliveryContext,
  recipient: Recipient,
  studentId: string,
  today: CalendarDate,
  deliver: (ctx: DeliveryContext) => Promise<T>,
): Promise<(T & { safeguards?: SafeguardsGiving }) | undefined> {
  const event = ctx.job.kind === 'safeguards-notice' ? ctx.job.safeguardsEvent : undefined;
  if (ctx.job.kind === 'safeguards-notice' && !event)
    throw new Error(`safeguards-notice job ${ctx.job.jobId} names no event`);
  if (event && !deps.safeguards)
    throw new Error('a safeguards-notice job needs the safeguards table');
  if (!deps.safeguards || !recipient.channel) return deliver(ctx);
  const due = await deps.safeguards.due({
    district: ctx.district,
    studentId,
    recipientId: recipient.recipientId,
    preferredLanguage: recipient.preferredLanguage,
    today,
    ...(event ? { event: event.event, occurredOn: event.occurredOn } : {}),
  });
  if (!due) {
    if (!event) return deliver(ctx);
    deps.log.info('safeguards already given for this event this school year', {
      decisionId: ctx.job.decisionId,
      recipientId: recipient.recipientId,
      event: event.event,
    });
    return undefined;
  }
  const documents = ctx.documents.some((d) => d.documentId === due.document.documentId)
    ? ctx.documents
    : [...ctx.documents, due.document];
  const result = await deliver({ ...ctx, documents });
  const record = await deps.deliveries.get(result.deliveryId);
  const giving = await deps.safeguards.recordIfGiven(due, record, ctx.district, today);
  if (giving && record && !record.safeguards)
    await deps.deliveries.transition(giving.deliveryId, [record.state], {
      safeguards: {
        event: giving.event,
        schoolYear: giving.schoolYear,
        language: giving.language,
        version: giving.version,
        ...(giving.translationNeeded ? { translationNeeded: giving.translationNeeded } : {}),
      },
    });
  if (giving)
    deps.log.info('procedural safeguards given', {
      deliveryId: giving.deliveryId,
      recipientId: giving.recipientId,
      schoolYear: giving.schoolYear,
      language: giving.language,
      event: giving.event,
    });
  return giving ? { ...result, safeguards: giving } : result;
}
