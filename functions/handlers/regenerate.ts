/**
 * Lambda entry point of batch regeneration: SQS messages `{ decisionId, version, jobId }` →
 * the regenerate use case. A fan-out queue lets many containers share one job; each message
 * is idempotent through the job's ledger, so a redelivered message does nothing twice. A
 * message that fails is reported as a batch item failure and retried by SQS (then its
 * dead-letter queue); the others of the batch are not re-run.
 */
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { AwsClients } from '../adapters/aws-clients.ts';
import { DynamoDecisionReader } from '../adapters/dynamo-decision-reader.ts';
import { DynamoDocumentRecords } from '../adapters/dynamo-document-records.ts';
import { DynamoRunLedger } from '../adapters/dynamo-runs.ts';
import { S3DocumentStore } from '../adapters/s3-document-store.ts';
import type { DistrictDirectory } from '../core/district.ts';
import type { Log } from '../pipeline/ports.ts';
import { Regenerate, type RegenerateItem, type RunLedger } from '../pipeline/regenerate.ts';
import type { DocumentEngine } from '../render/engine.ts';
import { loadLocales } from '../render/locales.ts';
import { signerSubject } from './wiring.ts';

/** What the regenerate use case is built from (Lambda and local workers alike). */
export interface RegenerateParts {
  clients: AwsClients;
  tables: { decisions: string; documents: string; runs: string };
  bucket: string;
  engine: DocumentEngine;
  districts: DistrictDirectory;
  log: Log;
  clock: () => Date;
  /** Emulators ignore conditional puts: check before each put (AWS needs no such check). */
  checkBeforePut?: boolean;
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
    store: new S3DocumentStore(parts.clients.s3, parts.bucket, {
      checkBeforePut: parts.checkBeforePut ?? false,
    }),
    ledger: parts.ledger ?? new DynamoRunLedger(parts.clients.documents, parts.tables.runs),
    signerName: await signerSubject(parts.engine.signer),
    clock: parts.clock,
    log: parts.log,
  });
}

/** Reads a message body; undefined when it is not a regeneration item. */
export function regenerateItemOf(record: Pick<SQSRecord, 'body'>): RegenerateItem | undefined {
  try {
    const body = JSON.parse(record.body) as Partial<RegenerateItem>;
    if (
      typeof body.decisionId === 'string' &&
      Number.isInteger(body.version) &&
      typeof body.jobId === 'string'
    )
      return { decisionId: body.decisionId, version: body.version as number, jobId: body.jobId };
  } catch {
    // Not JSON: reported below as a malformed message.
  }
  return undefined;
}

/** The SQS handler over a built use case: one message at a time (one warm Chromium). */
export function makeRegenerateHandler(deps: { service: Regenerate; log: Log }) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      const item = regenerateItemOf(record);
      if (!item) {
        // Retrying cannot fix a malformed body: logged (ids only) and dropped.
        deps.log.error('malformed regeneration message', { messageId: record.messageId });
        continue;
      }
      try {
        await deps.service.process(item);
      } catch (error) {
        deps.log.error('regeneration failed', {
          decisionId: item.decisionId,
          version: item.version,
          jobId: item.jobId,
          error: (error as Error).message,
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

/** Builds the AWS dependencies once per container, from validated configuration. */
async function fromEnvironment() {
  const { Logger } = await import('@aws-lambda-powertools/logger');
  const { KMSClient } = await import('@aws-sdk/client-kms');
  const { SSMClient } = await import('@aws-sdk/client-ssm');
  const { createAwsClients } = await import('../adapters/aws-clients.ts');
  const { loadDistrictDirectory } = await import('../adapters/district-files.ts');
  const { KmsSigner, ssmCertificateChain } = await import('../adapters/kms-signer.ts');
  const { launchPrinter } = await import('../render/chromium.ts');
  const { DocumentEngine } = await import('../render/engine.ts');
  const { ENV, requireEnv, tableNames } = await import('./config.ts');
  const { powertoolsLog } = await import('./wiring.ts');

  const config = requireEnv({
    region: 'AWS_REGION',
    bucket: ENV.documentsBucket,
    signingKeyId: ENV.signingKeyId,
    certificateParameter: ENV.signingCertificateParameter,
    districtProfilesDir: ENV.districtProfilesDir,
  });
  const tables = tableNames(['decisions', 'documents', 'runs']);
  const log = powertoolsLog(new Logger());
  const signer = new KmsSigner({
    kms: new KMSClient({ region: config.region }),
    keyId: config.signingKeyId,
    certificateChain: ssmCertificateChain(
      new SSMClient({ region: config.region }),
      config.certificateParameter,
    ),
  });
  const districts = loadDistrictDirectory(config.districtProfilesDir);
  const printer = await launchPrinter();
  const engine = new DocumentEngine({ printer, signer, districts, clock: () => new Date() });
  const service = await regenerateService({
    clients: createAwsClients({ region: config.region }),
    tables,
    bucket: config.bucket,
    engine,
    districts,
    log,
    clock: () => new Date(),
  });
  return makeRegenerateHandler({ service, log });
}

let ready: ReturnType<typeof fromEnvironment> | undefined;

/** The Lambda handler (dependencies built on the first event, then reused). */
export async function handler(event: SQSEvent, _context?: Context): Promise<SQSBatchResponse> {
  ready ??= fromEnvironment().catch((error) => {
    ready = undefined;
    throw error;
  });
  return (await ready)(event);
}
