/**
 * Lambda entry point: SES events (delivered, bounced, complained), through SNS or
 * EventBridge → delivery status. A bounce re-enqueues the recipient for a postal packet.
 */
import type { Context, EventBridgeEvent, SNSEvent } from 'aws-lambda';
import {
  type DeliveryStatus,
  parseSesEvent,
  type StatusUpdate,
} from '../pipeline/delivery-status.ts';
import type { Log } from '../pipeline/ports.ts';
import { awsHandler } from '../platform/aws-observability.ts';

/** SNS notifications (one SES event per record) or one EventBridge SES event. */
export type SesStatusEvent = SNSEvent | EventBridgeEvent<string, unknown>;

/** The SES events an invocation carries. */
export function sesEventsOf(event: SesStatusEvent): unknown[] {
  if ('Records' in event) {
    return event.Records.map((record) => {
      try {
        return JSON.parse(record.Sns.Message) as unknown;
      } catch {
        return undefined;
      }
    });
  }
  return [event.detail];
}

export interface DeliveryStatusHandlerDeps {
  status: Pick<DeliveryStatus, 'apply'>;
  log: Log;
}

/** Builds the handler; an event that cannot be applied throws, so SNS/EventBridge retries it. */
export function makeDeliveryStatusHandler(deps: DeliveryStatusHandlerDeps) {
  return async (event: SesStatusEvent, _context?: Context): Promise<StatusUpdate[]> => {
    const updates: StatusUpdate[] = [];
    for (const body of sesEventsOf(event)) {
      const parsed = parseSesEvent(body);
      if (!parsed) {
        deps.log.warn('not an SES event, ignored');
        updates.push('ignored');
        continue;
      }
      updates.push(await deps.status.apply(parsed));
    }
    return updates;
  };
}

/** The Lambda handler. */
export const handler = awsHandler(async () => {
  const { awsPlatform } = await import('../platform/aws.ts');
  const { buildDeliveryStatus } = await import('../platform/use-cases/delivery-status.ts');
  const platform = awsPlatform();
  return makeDeliveryStatusHandler({ status: buildDeliveryStatus(platform), log: platform.log });
});
