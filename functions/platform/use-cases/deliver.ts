/** The deliver use case over a platform (its Lambda handler and the local runtime). */
import { deliverService, lazyPrinter } from '../deliver-wiring.ts';
import type { Platform } from '../platform.ts';
import { deliveryParts } from './delivery-parts.ts';

/** deliver: Chromium starts lazily, on the first postal packet (most jobs are emails). */
export async function buildDeliver(platform: Platform) {
  const postalNotifier = platform.postalNotifier();
  return deliverService({
    ...deliveryParts(platform),
    // The safeguards givings are kept by the student's key, as the calendar's entries are.
    calendarOptions: await platform.calendarOptions(),
    // Postal packets are signed by the district's identity, as its documents are.
    signer: await platform.signer(),
    ...(platform.trust ? { trust: platform.trust } : {}),
    ...(postalNotifier ? { postalNotifier } : {}),
    printer: lazyPrinter(() => platform.printer()),
  });
}
