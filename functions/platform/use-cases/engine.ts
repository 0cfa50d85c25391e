/** The document engine over a platform (render-documents and regenerate share it). */
import { DocumentEngine } from '../../render/engine.ts';
import type { Platform } from '../platform.ts';

/** The engine: the platform's printer, signer, district profiles, clock and signing trust. */
export async function platformEngine(platform: Platform): Promise<DocumentEngine> {
  return new DocumentEngine({
    printer: await platform.printer(),
    signer: await platform.signer(),
    districts: platform.districts,
    clock: platform.clock,
    ...(platform.trust ? { trust: platform.trust } : {}),
  });
}
