/**
 * Delivery status from SES events (delivered, bounced, complained). The deliveryId travels
 * with each email as an SES tag, so no lookup by message id is needed. Transitions are
 * guarded by the current state, so a late or repeated event never undoes a later one.
 * A permanent bounce turns the recipient into a pending postal packet: the job is enqueued
 * again for that recipient, and deliver builds the packet once.
 */
import type { DeliveryState, DeliveryStore } from './delivery-ports.ts';
import type { DeliveryQueue, Log } from './ports.ts';

/** An SES event, reduced to what delivery status needs. */
export interface SesDeliveryEvent {
  type: 'Delivery' | 'Bounce' | 'Complaint' | 'Other';
  /** The SES event type as received (e.g. "Send", "Reject"), for the log. */
  rawType: string;
  messageId?: string;
  deliveryId?: string;
  /** Permanent, Transient or Undetermined (bounces only). */
  bounceType?: string;
  timestamp?: string;
}

/** Reads an SES event (event publishing `eventType`, or an identity notification `notificationType`). */
export function parseSesEvent(body: unknown): SesDeliveryEvent | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const event = body as {
    eventType?: string;
    notificationType?: string;
    mail?: { messageId?: string; timestamp?: string; tags?: Record<string, string[] | undefined> };
    bounce?: { bounceType?: string; timestamp?: string };
    delivery?: { timestamp?: string };
    complaint?: { timestamp?: string };
  };
  const rawType = event.eventType ?? event.notificationType;
  if (!rawType || !event.mail) return undefined;
  const type =
    rawType === 'Delivery' || rawType === 'Bounce' || rawType === 'Complaint' ? rawType : 'Other';
  const deliveryId = event.mail.tags?.['delivery-id']?.[0];
  return {
    type,
    rawType,
    ...(event.mail.messageId ? { messageId: event.mail.messageId } : {}),
    ...(deliveryId ? { deliveryId } : {}),
    ...(event.bounce?.bounceType ? { bounceType: event.bounce.bounceType } : {}),
    timestamp:
      event.bounce?.timestamp ??
      event.delivery?.timestamp ??
      event.complaint?.timestamp ??
      event.mail.timestamp,
  };
}

export interface DeliveryStatusDeps {
  deliveries: DeliveryStore;
  queue: DeliveryQueue;
  clock: () => Date;
  log: Log;
}

/** What an event did to its delivery. */
export type StatusUpdate = 'delivered' | 'bounced' | 'complained' | 'ignored';

export class DeliveryStatus {
  constructor(private readonly deps: DeliveryStatusDeps) {}

  /** Applies one SES event; idempotent. */
  async apply(event: SesDeliveryEvent): Promise<StatusUpdate> {
    const { deliveries, log } = this.deps;
    if (!event.deliveryId) {
      log.warn('SES event without a delivery id ignored', {
        type: event.rawType,
        messageId: event.messageId,
      });
      return 'ignored';
    }
    const record = await deliveries.get(event.deliveryId);
    if (record?.channel !== 'email') {
      log.warn('SES event for an unknown delivery ignored', {
        type: event.rawType,
        deliveryId: event.deliveryId,
      });
      return 'ignored';
    }
    const at = this.deps.clock().toISOString();
    const move = (from: DeliveryState[], state: DeliveryState, reason?: string) =>
      deliveries.transition(record.deliveryId, from, {
        state,
        updatedAt: at,
        ...(reason ? { reason } : {}),
      });

    switch (event.type) {
      case 'Delivery':
        await move(['sending', 'sent', 'needs-review'], 'delivered');
        return 'delivered';
      case 'Complaint':
        await move(
          ['sending', 'sent', 'delivered', 'needs-review'],
          'complained',
          'the recipient marked the email as spam',
        );
        return 'complained';
      case 'Bounce': {
        if (event.bounceType === 'Transient') {
          // SES keeps retrying a soft bounce; only its final (permanent) failure changes the channel.
          log.info('transient bounce', { deliveryId: record.deliveryId });
          return 'ignored';
        }
        await move(
          ['sending', 'sent', 'delivered', 'needs-review'],
          'bounced',
          `email bounced (${event.bounceType ?? 'unknown'})`,
        );
        return this.packetAfterBounce(record.deliveryId);
      }
      default:
        return 'ignored';
    }
  }

  /** After a permanent bounce: the recipient's postal packet, as a job of its own. */
  private async packetAfterBounce(deliveryId: string): Promise<StatusUpdate> {
    const { deliveries, log } = this.deps;
    const record = await deliveries.get(deliveryId);
    // Enqueued whenever the record is bounced (also on a repeated event, in case a crash
    // came between the transition and the enqueue): deliver makes the packet only once.
    if (record?.state === 'bounced') {
      await this.deps.queue.enqueue({
        jobId: `${record.decisionId}#v${record.version}#documents#bounce#${record.recipientId}`,
        kind: record.kind,
        districtId: record.districtId,
        decisionId: record.decisionId,
        version: record.version,
        documentIds: record.documentSetIds,
        recipientIds: [record.recipientId],
      });
      log.info('email bounced: postal packet requested', {
        deliveryId: record.deliveryId,
        decisionId: record.decisionId,
      });
      return 'bounced';
    }
    return 'ignored';
  }
}
