/** How the regenerate use case is put together, for the Lambda handler and the local workers. */
import type { AwsClients } from '../adapters/aws-clients.ts';
import { DynamoDecisionReader } from '../adapters/dynamo-decision-reader.ts';
import { DynamoDocumentRecords } from '../adapters/dynamo-document-records.ts';
import { DynamoRunLedger } from '../adapters/dynamo-runs.ts';
import { DynamoTranslations } from '../adapters/dynamo-translations.ts';
import { S3DocumentStore } from '../adapters/s3-document-store.ts';
import type { DistrictDirectory } from '../core/district.ts';
import type { Log } from '../pipeline/ports.ts';
import { Regenerate, type RunLedger } from '../pipeline/regenerate.ts';
import type { DocumentEngine } from '../render/engine.ts';
import { loadLocales } from '../render/locales.ts';
import { signerSubject } from './wiring.ts';

/** What the regenerate use case is built from (Lambda and local workers alike). */
export interface RegenerateParts {
  clients: AwsClients;
  /** `translations`: the translations table, read for translations written after a version. */
  tables: { decisions: string; documents: string; runs: string; translations?: string };
  bucket: string;
  engine: DocumentEngine;
  districts: DistrictDirectory;
  log: Log;
  clock: () => Date;
  /** The job ledger (default: the runs table). */
  ledger?: RunLedger;
}

/** The regenerate use case with its stores. */
export async function regenerateService(parts: RegenerateParts): Promise<Regenerate> {
  return new Regenerate({
    engine: parts.engine,
    districts: parts.districts,
    locales: loadLocales(),
    decisions: new DynamoDecisionReader(parts.clients.documents, parts.tables.decisions),
    records: new DynamoDocumentRecords(parts.clients.documents, parts.tables.documents),
    store: new S3DocumentStore(parts.clients.s3, parts.bucket),
    ledger: parts.ledger ?? new DynamoRunLedger(parts.clients.documents, parts.tables.runs),
    ...(parts.tables.translations
      ? { translations: new DynamoTranslations(parts.clients.documents, parts.tables.translations) }
      : {}),
    signerName: await signerSubject(parts.engine.signer),
    clock: parts.clock,
    log: parts.log,
  });
}
