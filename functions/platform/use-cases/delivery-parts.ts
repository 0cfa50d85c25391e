/** What deliver and download read from a platform (see delivery-wiring.ts). */
import type { DeliveryParts } from '../delivery-wiring.ts';
import type { Platform } from '../platform.ts';

/** The delivery capability's tables, bucket, profiles, log, clock and download address. */
export function deliveryParts(platform: Platform): DeliveryParts {
  return {
    clients: platform.clients,
    tables: {
      decisions: platform.table('decisions'),
      documents: platform.table('documents'),
      deliveries: platform.table('deliveries'),
      links: platform.table('links'),
      accessLog: platform.table('accessLog'),
      meetings: platform.table('meetings'),
      safeguards: platform.table('safeguards'),
    },
    bucket: platform.bucket,
    districts: platform.districts,
    log: platform.log,
    clock: platform.clock,
    downloadBaseUrl: platform.downloadBaseUrl(),
    ...(platform.locales ? { locales: platform.locales } : {}),
  };
}
