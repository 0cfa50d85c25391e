/**
 * How the pipeline's parts are put together, in one place, for both places it runs:
 * the Lambda handlers (AWS clients, KMS signer) and the one-machine runtime (emulators,
 * local signer). Built once per container or process.
 */
import { X509Certificate } from 'node:crypto';
import type { AwsClients } from '../adapters/aws-clients.ts';
import { DynamoDocumentRecords } from '../adapters/dynamo-document-records.ts';
import { DynamoOutcomeStore } from '../adapters/dynamo-outcomes.ts';
import { S3DocumentStore } from '../adapters/s3-document-store.ts';
import type { Log } from '../pipeline/ports.ts';
import {
  type AfterDocumentsReady,
  type AfterWithdrawn,
  type DecisionRenderer,
  RenderDecision,
  type TranslationReader,
} from '../pipeline/render-decision.ts';
import type { Signer } from '../render/ports.ts';

/** The subject of the signer's certificate, as recorded with each document. */
export async function signerSubject(signer: Signer): Promise<string> {
  const [own] = await signer.certificates();
  if (!own) throw new Error('the signer has no certificate');
  return new X509Certificate(own).subject.replace(/\n/g, ', ');
}

export interface PipelineParts {
  clients: AwsClients;
  tables: { outcomes: string; documents: string };
  bucket: string;
  renderer: DecisionRenderer;
  signer: Signer;
  log: Log;
  clock: () => Date;
  afterDocumentsReady?: AfterDocumentsReady;
  afterWithdrawn?: AfterWithdrawn;
  /** The translations table (translations written apart from the decision). */
  translations?: TranslationReader;
}

/** The render-documents use case with its stores. */
export async function renderDecisionService(parts: PipelineParts) {
  const outcomes = new DynamoOutcomeStore(parts.clients.documents, parts.tables.outcomes);
  const records = new DynamoDocumentRecords(parts.clients.documents, parts.tables.documents);
  const store = new S3DocumentStore(parts.clients.s3, parts.bucket);
  const service = new RenderDecision({
    renderer: parts.renderer,
    outcomes,
    records,
    store,
    signerName: await signerSubject(parts.signer),
    clock: parts.clock,
    log: parts.log,
    afterDocumentsReady: parts.afterDocumentsReady,
    afterWithdrawn: parts.afterWithdrawn,
    ...(parts.translations ? { translations: parts.translations } : {}),
  });
  return { service, outcomes, records, store };
}
