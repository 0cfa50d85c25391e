/** The download endpoint's parts over a platform (its Lambda handler and the local server). */
import { deliveryStores } from '../delivery-wiring.ts';
import type { Platform } from '../platform.ts';
import { deliveryParts } from './delivery-parts.ts';

/** The download endpoint's stores and texts. */
export function buildDownload(platform: Platform) {
  return deliveryStores(deliveryParts(platform));
}
