/**
 * How the response page is put together (issue #19), for the download function and the
 * one-machine runtime: the responses and codes tables, the service, the page and the emails;
 * with a printer and signer, the signed "Parent response" PDF too.
 */
import type { AwsClients } from '../adapters/aws-clients.ts';
import { DynamoCodeStore, DynamoResponseStore } from '../adapters/dynamo-responses.ts';
import type { DistrictDirectory } from '../core/district.ts';
import type {
  DecisionReader,
  LinkStore,
  Mailer,
  PostalNotifier,
} from '../pipeline/delivery-ports.ts';
import type { VersionStatus } from '../pipeline/link-standing.ts';
import type { DocumentRecords, DocumentStore, Log } from '../pipeline/ports.ts';
import { PrintedCodeDoor } from '../pipeline/printed-codes.ts';
import { responseDocuments, responseMail } from '../pipeline/response-mail.ts';
import { loadResponseTexts, ResponsePage } from '../pipeline/response-page.ts';
import type { ResponseRecord } from '../pipeline/response-ports.ts';
import { ResponseService } from '../pipeline/responses.ts';
import type { SigningTrust } from '../render/engine.ts';
import type { Locale } from '../render/locales.ts';
import type { PdfPrinter, Signer } from '../render/ports.ts';
import { ResponseDocumentRenderer } from '../render/response-document.ts';
import type { Platform } from './platform.ts';
import type { buildDownload } from './use-cases/download.ts';

export interface ResponseParts {
  clients: AwsClients;
  tables: { responses: string; responseCodes: string };
  links: Pick<LinkStore, 'get' | 'put' | 'recipientRevocation'>;
  versions: (decisionId: string) => Promise<VersionStatus[]>;
  decisions: DecisionReader;
  records: DocumentRecords;
  store: DocumentStore;
  districts: DistrictDirectory;
  locales: ReadonlyMap<string, Locale>;
  mailer: Mailer;
  /** The mailroom: a printed-code answerer's copy goes by post (absent: no postal queue). */
  postalNotifier?: PostalNotifier;
  clock: () => Date;
  log: Log;
  /** Prints and signs the answer's PDF; absent, answers are recorded and mailed without one. */
  signing?: { printer: PdfPrinter; signer: Signer; signerName: string; trust?: SigningTrust };
}

/** The response routes' dependencies, and the responses table for reports. */
export function responseDeps(parts: ResponseParts) {
  const db = parts.clients.documents;
  const responses = new DynamoResponseStore(db, parts.tables.responses);
  const page = new ResponsePage(loadResponseTexts(), parts.locales);
  const signing = parts.signing;
  const document = signing
    ? responseDocuments({
        renderer: new ResponseDocumentRenderer({
          printer: signing.printer,
          signer: signing.signer,
          ...(signing.trust ? { trust: signing.trust } : {}),
        }),
        page,
        records: parts.records,
        store: parts.store,
        signerName: signing.signerName,
        clock: parts.clock,
      })
    : undefined;
  const service = new ResponseService({
    links: parts.links,
    versions: parts.versions,
    decisions: parts.decisions,
    districts: parts.districts,
    codes: new DynamoCodeStore(db, parts.tables.responseCodes),
    responses,
    notices: responseMail({
      mailer: parts.mailer,
      page,
      pdfOf: async (documentId) => {
        const record = await parts.records.get(documentId);
        return record ? parts.store.get(record.s3Key) : undefined;
      },
      ...(parts.postalNotifier ? { postalCopy: postalCopy(parts, parts.postalNotifier) } : {}),
    }),
    ...(document ? { document } : {}),
    clock: parts.clock,
    log: parts.log,
  });
  // The short address of postal letters: a printed code opens a response session (/r).
  const door = new PrintedCodeDoor({
    links: parts.links,
    versions: parts.versions,
    clock: parts.clock,
    log: parts.log,
  });
  return { service, page, clock: parts.clock, log: parts.log, responses, door };
}

/**
 * A printed-code answerer's copy: the signed "Parent response" PDF, to the mailroom like a
 * packet. Without its PDF (no printer in this function) the copy waits for it, logged.
 */
function postalCopy(parts: ResponseParts, notifier: PostalNotifier) {
  return async (record: ResponseRecord): Promise<void> => {
    const document = record.documentId ? await parts.records.get(record.documentId) : undefined;
    if (!document) {
      parts.log.warn('postal copy of an answer waits for its PDF', {
        decisionId: record.decisionId,
        responseId: record.responseId,
      });
      return;
    }
    await notifier.packetReady({
      deliveryId: record.responseId,
      districtId: record.districtId,
      decisionId: record.decisionId,
      version: record.version,
      key: document.s3Key,
      pages: document.pages,
    });
  };
}

/**
 * The response routes over a platform and the download use case's stores, as the download
 * function and the one-machine runtime both build them; `signing` where a printer is at hand.
 */
export function platformResponseDeps(
  platform: Platform,
  stores: ReturnType<typeof buildDownload>,
  signing?: ResponseParts['signing'],
) {
  return responseDeps({
    clients: platform.clients,
    tables: {
      responses: platform.table('responses'),
      responseCodes: platform.table('responseCodes'),
    },
    links: stores.linkStore,
    versions: (decisionId) => stores.decisions.versions(decisionId),
    decisions: stores.decisions,
    records: stores.records,
    store: stores.store,
    districts: platform.districts,
    locales: stores.locales,
    mailer: platform.mailer(),
    ...(platform.postalNotifier()
      ? { postalNotifier: platform.postalNotifier() as PostalNotifier }
      : {}),
    clock: platform.clock,
    log: platform.log,
    ...(signing ? { signing } : {}),
  });
}
