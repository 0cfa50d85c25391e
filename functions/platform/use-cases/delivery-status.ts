/** The delivery-status use case over a platform (its Lambda handler and the local runtime). */
import { DynamoDeliveryStore } from '../../adapters/dynamo-deliveries.ts';
import { DeliveryStatus } from '../../pipeline/delivery-status.ts';
import type { Platform } from '../platform.ts';

/** SES events → delivery status (a bounce re-enqueues for a postal packet). */
export function buildDeliveryStatus(platform: Platform): DeliveryStatus {
  return new DeliveryStatus({
    deliveries: new DynamoDeliveryStore(platform.clients.documents, platform.table('deliveries')),
    queue: platform.deliveryQueue(),
    clock: platform.clock,
    log: platform.log,
  });
}
