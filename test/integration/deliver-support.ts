/**
 * Delivery on the emulators for tests: fresh tables, a decision written as a district would,
 * small stand-in PDFs stored as its document records (these tests are about delivery, not
 * rendering), and the local delivery runtime around them.
 */
import { createHash } from 'node:crypto';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll } from 'vitest';
import { DynamoDocumentRecords } from '../../functions/adapters/dynamo-document-records.ts';
import { S3DocumentStore } from '../../functions/adapters/s3-document-store.ts';
import type { Decision } from '../../functions/core/decision.ts';
import type { DistrictDirectory } from '../../functions/core/district.ts';
import {
  type DocumentType,
  documentId,
  documentS3Key,
  type NoticeDocumentType,
} from '../../functions/core/documents.ts';
import type { DeliveryJob, DocumentRecord, Log } from '../../functions/pipeline/ports.ts';
import { launchPrinter } from '../../functions/render/chromium.ts';
import { type Locale, loadLocales } from '../../functions/render/locales.ts';
import type { PdfPrinter } from '../../functions/render/ports.ts';
import {
  documentsJob,
  type LocalDelivery,
  startLocalDelivery,
} from '../../infra/local/delivery.ts';
import { rawSample } from '../fixtures/decisions.ts';
import { testSigner } from '../fixtures/engine.ts';
import { type TestEnvironment, testEnvironment } from '../support/environment.ts';

export const quiet: Log = { debug() {}, info() {}, warn() {}, error() {} };

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A one-page PDF saying what it stands for. */
export async function standInPdf(label: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  pdf.addPage([612, 792]).drawText(label, { x: 72, y: 700, size: 14, font });
  return pdf.save();
}

const shipped = loadLocales();
const english = shipped.get('en') as Locale;

/**
 * Locales for a test, independent of which locale files exist in the tree: English, and
 * stand-ins for other tags (English texts under their tag), so "their language first" is testable.
 */
export function testLocales(tags: string[]): Map<string, Locale> {
  return new Map(tags.map((tag) => [tag, tag === 'en' ? english : { ...english, locale: tag }]));
}

/** The shipped locale files of these tags, for tests about what a message says in a language. */
export function shippedLocales(tags: string[]): Map<string, Locale> {
  return new Map(tags.map((tag) => [tag, shipped.get(tag) as Locale]));
}

/** Real time, which a test can move forward (to expire links or claims). */
export function testClock() {
  let offset = 0;
  return {
    clock: () => new Date(Date.now() + offset),
    advance(ms: number) {
      offset += ms;
    },
  };
}

/**
 * A sample decision with recipient emails unique to this test (the SES emulator's store is
 * shared by the whole run), written to the decisions table.
 */
export function uniqueDecision(
  env: TestEnvironment,
  name: string,
  change?: (raw: Record<string, any>) => void,
): Record<string, any> {
  const raw = rawSample(name);
  raw.decisionId = `${raw.decisionId}-${env.prefix}`;
  for (const g of raw.guardians)
    if (g.email) g.email = `${g.guardianId.toLowerCase()}.${env.prefix}@example.com`;
  change?.(raw);
  return raw;
}

export interface DeliveryFixture {
  env: TestEnvironment;
  delivery: LocalDelivery;
  clock: ReturnType<typeof testClock>;
  store: S3DocumentStore;
  records: DynamoDocumentRecords;
  /** Writes the decision and its stand-in documents; returns the job RenderDecision would enqueue. */
  ready(
    raw: Record<string, any>,
    languages?: string[],
  ): Promise<{ documents: DocumentRecord[]; job: ReturnType<typeof documentsJob> }>;
  /**
   * Writes the decision and a stand-in calendar notice in each language; returns the
   * reminder job the calendar sweep would enqueue for these recipients.
   */
  readyNotice(
    raw: Record<string, any>,
    type: NoticeDocumentType,
    languages: string[],
    recipientIds: string[],
  ): Promise<{ documents: DocumentRecord[]; job: DeliveryJob }>;
}

/** Fresh tables, the local delivery runtime on them. */
export async function deliveryFixture(
  printer: PdfPrinter,
  options: {
    visibilityTimeoutMs?: number;
    locales?: string[];
    /** Use the shipped locale files of `locales` instead of English stand-ins. */
    shippedLocales?: boolean;
    districts?: DistrictDirectory;
  } = {},
): Promise<DeliveryFixture> {
  const env = await testEnvironment();
  const clock = testClock();
  const delivery = await startLocalDelivery({
    clients: env.clients,
    names: env.names,
    printer,
    signer: await testSigner(),
    queueTable: `${env.prefix}-queue`,
    mailboxUrl: env.endpoints.sesViewerUrl,
    log: quiet,
    clock: clock.clock,
    visibilityTimeoutMs: options.visibilityTimeoutMs ?? 50,
    locales: (options.shippedLocales ? shippedLocales : testLocales)(options.locales ?? ['en']),
    ...(options.districts ? { districts: options.districts } : {}),
  });
  const store = new S3DocumentStore(env.clients.s3, env.names.buckets.documents);
  const records = new DynamoDocumentRecords(env.clients.documents, env.names.tables.documents);
  /** A stand-in PDF and its record for each language and type, stored as the pipeline would. */
  const storeStandIns = async (
    raw: Record<string, any>,
    types: DocumentType[],
    languages: string[],
  ): Promise<DocumentRecord[]> => {
    const documents: DocumentRecord[] = [];
    for (const language of languages) {
      for (const type of types) {
        const key = {
          districtId: raw.districtId,
          decisionId: raw.decisionId,
          version: raw.version,
          type,
          language,
        };
        const pdf = await standInPdf(`${type} ${language}`);
        const s3Key = documentS3Key(key);
        await store.putOnce(s3Key, pdf, {
          contentType: 'application/pdf',
          sha256Hex: sha256(pdf),
        });
        const record: DocumentRecord = {
          documentId: documentId(key),
          districtId: raw.districtId,
          decisionId: raw.decisionId,
          version: raw.version,
          type,
          language,
          rendition: 1,
          s3Key,
          sha256: sha256(pdf),
          htmlSha256: sha256(new TextEncoder().encode(`${type}${language}`)),
          bytes: pdf.byteLength,
          pages: 1,
          signed: false,
          signer: 'test',
          createdAt: clock.clock().toISOString(),
        };
        await records.putOnce(record);
        documents.push(record);
      }
    }
    return documents;
  };
  return {
    env,
    delivery,
    clock,
    store,
    records,
    async ready(raw, languages = ['en']) {
      await env.clients.documents.put({ TableName: env.names.tables.decisions, Item: raw });
      const documents = await storeStandIns(raw, ['iep', 'prior-written-notice'], languages);
      return { documents, job: documentsJob(raw as Decision, documents, raw.districtId) };
    },
    async readyNotice(raw, type, languages, recipientIds) {
      await env.clients.documents.put({ TableName: env.names.tables.decisions, Item: raw });
      const documents = await storeStandIns(raw, [type], languages);
      const job: DeliveryJob = {
        jobId: `job_${type}_${raw.decisionId}`,
        kind: 'reminder-notice',
        districtId: raw.districtId,
        decisionId: raw.decisionId,
        version: raw.version,
        documentIds: documents.map((d) => d.documentId),
        recipientIds,
      };
      return { documents, job };
    },
  };
}

/**
 * For one test file: a warm Chromium (it prints the postal cover letters) and the delivery
 * fixtures the file makes, all stopped when the file ends.
 */
export function deliveryFixturesForFile() {
  let printer: PdfPrinter | undefined;
  const fixtures: DeliveryFixture[] = [];
  beforeAll(async () => {
    printer = await launchPrinter();
  });
  afterAll(async () => {
    for (const f of fixtures) {
      await f.delivery.stop();
      f.env.clients.destroy();
    }
    await printer?.close();
  });
  const warmPrinter = (): PdfPrinter => {
    if (!printer) throw new Error('the printer starts in beforeAll');
    return printer;
  };
  return {
    printer: warmPrinter,
    /** A fixture on fresh tables, stopped after the file. */
    async fixture(options?: Parameters<typeof deliveryFixture>[1], withPrinter?: PdfPrinter) {
      const f = await deliveryFixture(withPrinter ?? warmPrinter(), options);
      fixtures.push(f);
      return f;
    },
  };
}
