/**
 * How the response page is put together (issue #19), for the download function and the
 * one-machine runtime: the responses and codes tables, the service, the page and the emails.
 * The answer's PDF, copy and notice follow from the responses stream (use-cases/response-follow-up.ts).
 */
import type { AwsClients } from '../adapters/aws-clients.ts';
import { DynamoCodeStore, DynamoResponseStore } from '../adapters/dynamo-responses.ts';
import type { DistrictDirectory } from '../core/district.ts';
import type { DecisionReader, LinkStore, Mailer } from '../pipeline/delivery-ports.ts';
import type { VersionStatus } from '../pipeline/link-standing.ts';
import type { Log } from '../pipeline/ports.ts';
import { PrintedCodeDoor } from '../pipeline/printed-codes.ts';
import { responseMail } from '../pipeline/response-mail.ts';
import { loadResponseTexts, ResponsePage } from '../pipeline/response-page.ts';
import { ResponseService } from '../pipeline/responses.ts';
import type { Locale } from '../render/locales.ts';
import type { Platform } from './platform.ts';
import type { buildDownload } from './use-cases/download.ts';

export interface ResponseParts {
  clients: AwsClients;
  tables: { responses: string; responseCodes: string };
  links: Pick<LinkStore, 'get' | 'put' | 'recipientRevocation'>;
  versions: (decisionId: string) => Promise<VersionStatus[]>;
  decisions: DecisionReader;
  districts: DistrictDirectory;
  locales: ReadonlyMap<string, Locale>;
  mailer: Mailer;
  clock: () => Date;
  log: Log;
}

/** The response routes' dependencies, and the responses table for reports. */
export function responseDeps(parts: ResponseParts) {
  const db = parts.clients.documents;
  const responses = new DynamoResponseStore(db, parts.tables.responses);
  const page = new ResponsePage(loadResponseTexts(), parts.locales);
  const service = new ResponseService({
    links: parts.links,
    versions: parts.versions,
    decisions: parts.decisions,
    districts: parts.districts,
    codes: new DynamoCodeStore(db, parts.tables.responseCodes),
    responses,
    notices: responseMail({ mailer: parts.mailer, page }),
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
 * The response routes over a platform and the download use case's stores, as the download
 * function and the one-machine runtime both build them.
 */
export function platformResponseDeps(platform: Platform, stores: ReturnType<typeof buildDownload>) {
  return responseDeps({
    clients: platform.clients,
    tables: {
      responses: platform.table('responses'),
      responseCodes: platform.table('responseCodes'),
    },
    links: stores.linkStore,
    versions: (decisionId) => stores.decisions.versions(decisionId),
    decisions: stores.decisions,
    districts: platform.districts,
    locales: stores.locales,
    mailer: platform.mailer(),
    clock: platform.clock,
    log: platform.log,
  });
}
