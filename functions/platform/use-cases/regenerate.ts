/** Batch regeneration of one decision version over a platform. */
import type { Platform } from '../platform.ts';
import { regenerateService } from '../regenerate-wiring.ts';
import { platformEngine } from './engine.ts';

/** The regenerate use case: the platform's engine over the decisions, documents and runs. */
export async function buildRegenerate(platform: Platform) {
  return regenerateService({
    clients: platform.clients,
    tables: {
      decisions: platform.table('decisions'),
      documents: platform.table('documents'),
      runs: platform.table('runs'),
      translations: platform.table('translations'),
    },
    bucket: platform.bucket,
    engine: await platformEngine(platform),
    districts: platform.districts,
    log: platform.log,
    clock: platform.clock,
  });
}
