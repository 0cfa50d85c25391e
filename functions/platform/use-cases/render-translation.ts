/** The render-translations use case over a platform (its Lambda handler and the local runtime). */
import { DynamoDecisionReader } from '../../adapters/dynamo-decision-reader.ts';
import { DynamoDocumentRecords } from '../../adapters/dynamo-document-records.ts';
import { DynamoOutcomeStore } from '../../adapters/dynamo-outcomes.ts';
import { S3DocumentStore } from '../../adapters/s3-document-store.ts';
import { RenderTranslation } from '../../pipeline/render-translation.ts';
import type { Platform } from '../platform.ts';
import { signerSubject } from '../wiring.ts';
import { platformEngine } from './engine.ts';

/** render-translations: a later translations item → that language's documents and their delivery. */
export async function buildRenderTranslation(platform: Platform) {
  const { clients, log, clock } = platform;
  const db = clients.documents;
  const renderer = await platformEngine(platform);
  return {
    service: new RenderTranslation({
      decisions: new DynamoDecisionReader(db, platform.table('decisions')),
      outcomes: new DynamoOutcomeStore(db, platform.table('outcomes')),
      records: new DynamoDocumentRecords(db, platform.table('documents')),
      store: new S3DocumentStore(clients.s3, platform.bucket),
      renderer,
      queue: platform.deliveryQueue(),
      districts: platform.districts,
      locales: renderer.languages,
      signerName: await signerSubject(renderer.signer),
      clock,
      log,
    }),
  };
}
