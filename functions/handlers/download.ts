/**
 * Lambda entry point of the download API (REST API proxy events, read in the 2.0 shape: see
 * rest-event.ts): the download endpoint.
 *   GET /d/<token>               → a page in the recipient's language listing the documents
 *   GET /d/<token>/<documentId>  → logs the access, then 302 to a presigned S3 URL (minutes)
 *   /verify…                     → the "Is this copy genuine?" page (verify-copy.ts)
 * Unknown, expired and revoked tokens, and anything else, get one and the same 404 page.
 */
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { calendarDateIn } from '../core/dates.ts';
import type { DistrictDirectory, DistrictProfile } from '../core/district.ts';
import { documentFileName } from '../core/documents.ts';
import type { LinkRecord } from '../pipeline/delivery-ports.ts';
import {
  contentOfDocuments,
  type DeliveryTemplates,
  downloadPage,
  hasDeliveryTexts,
  invalidLinkPage,
} from '../pipeline/delivery-templates.ts';
import type { LinkService } from '../pipeline/links.ts';
import type { DocumentRecord, DocumentRecords, Log } from '../pipeline/ports.ts';
import { awsHandler } from '../platform/aws-observability.ts';
import type { Locale } from '../render/locales.ts';
import { isPrintedCodePath, makePrintedCodeHandler, type PrintedCodeDeps } from './printed-code.ts';
import { makeRespondHandler, parseRespondPath, type RespondDeps } from './respond.ts';
import { asHttpApiEvent } from './rest-event.ts';
import { htmlHeaders, securityHeaders } from './security-headers.ts';
import { makeVerifyCopyHandler, parseVerifyPath } from './verify-copy.ts';

/** Default minutes a presigned S3 URL stays valid. */
export const DEFAULT_PRESIGNED_URL_MINUTES = 5;

export interface DownloadDeps {
  links: Pick<LinkService, 'resolve' | 'recordAccess'>;
  records: Pick<DocumentRecords, 'get'>;
  /** A short GET URL of the document's recorded version, `no-store`, as an attachment. */
  presign: (
    s3Key: string,
    seconds: number,
    options: { versionId?: string; fileName: string },
  ) => Promise<string>;
  districts: DistrictDirectory;
  templates: DeliveryTemplates;
  locales: ReadonlyMap<string, Locale>;
  log: Log;
  presignedUrlMinutes?: number;
  /** The verification page (`/verify` paths); absent, they get the invalid page. */
  verify?: ReturnType<typeof makeVerifyCopyHandler>;
  /** The response page (`/d/<token>/respond` paths, issue #19); absent, they get the invalid page. */
  respond?: RespondDeps;
  /** The short address of postal letters (`/r`, a printed response code); absent, the invalid page. */
  printedCode?: PrintedCodeDeps;
}

function html(statusCode: number, body: string): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: htmlHeaders(), body };
}

/** The path's token and document id: `/d/<token>` or `/d/<token>/<documentId>` (a stage prefix is allowed). */
export function parseDownloadPath(
  path: string,
): { token: string; documentId?: string } | undefined {
  const match = /\/d\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (!match?.[1]) return undefined;
  return { token: match[1], ...(match[2] ? { documentId: match[2] } : {}) };
}

/** Builds the handler around its dependencies (built once per container). */
export function makeDownloadHandler(deps: DownloadDeps) {
  const english = deps.locales.get('en');
  if (!english) throw new Error('no English locale');
  const ids = deps.districts.ids;
  // The invalid page depends on the deployment only, never on the token (see invalidLinkPage).
  const sole: DistrictProfile | undefined =
    ids.length === 1 ? deps.districts.get(ids[0] as string) : undefined;
  const invalid = html(404, invalidLinkPage(deps.templates, english, sole));
  const respond = deps.respond ? makeRespondHandler(deps.respond, invalid) : undefined;
  const printedCode = deps.printedCode ? makePrintedCodeHandler(deps.printedCode) : undefined;
  const seconds = Math.round((deps.presignedUrlMinutes ?? DEFAULT_PRESIGNED_URL_MINUTES) * 60);

  return async (
    received: APIGatewayProxyEventV2 | APIGatewayProxyEvent,
    _context?: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const event = asHttpApiEvent(received);
    const method = event.requestContext?.http?.method ?? 'GET';
    const verifyCode = parseVerifyPath(event.rawPath ?? '');
    if (verifyCode !== undefined && deps.verify) return deps.verify(event, verifyCode);
    if (isPrintedCodePath(event.rawPath ?? '')) return printedCode ? printedCode(event) : invalid;
    const respondPath = parseRespondPath(event.rawPath ?? '');
    if (respondPath) return respond ? respond(event, respondPath) : invalid;
    const path = parseDownloadPath(event.rawPath ?? '');
    if ((method !== 'GET' && method !== 'HEAD') || !path) return invalid;
    const link = await deps.links.resolve(path.token);
    if (!link || !deps.districts.has(link.districtId)) return invalid;
    if (!path.documentId) return listPage(deps, english, link, path.token);
    if (!link.documentIds.includes(path.documentId)) return invalid;
    const record = await deps.records.get(path.documentId);
    if (!record) return invalid;
    return redirectToDocument(deps, event, link, record, seconds);
  };
}

/** The page listing the link's documents, in the recipient's language when it has the texts. */
async function listPage(
  deps: DownloadDeps,
  english: Locale,
  link: LinkRecord,
  token: string,
): Promise<APIGatewayProxyStructuredResultV2> {
  const district = deps.districts.get(link.districtId);
  const own = deps.locales.get(link.language);
  const locale = own && hasDeliveryTexts(own) ? own : english;
  const records = await Promise.all(link.documentIds.map((id) => deps.records.get(id)));
  const documents = records.flatMap((r) =>
    r
      ? [
          {
            href: `${encodeURIComponent(token)}/${encodeURIComponent(r.documentId)}`,
            type: r.type,
            language: r.language,
            pages: r.pages,
          },
        ]
      : [],
  );
  const validUntil = calendarDateIn(new Date(link.expiresAt * 1000), district.timeZone);
  const content = contentOfDocuments(documents.map((d) => d.type));
  const respond =
    deps.respond && content === 'meeting-documents'
      ? {
          href: `${encodeURIComponent(token)}/respond`,
          text: deps.respond.page.textsFor(link.language).texts.answerLink,
        }
      : undefined;
  return html(
    200,
    downloadPage(deps.templates, {
      locale,
      district,
      content,
      validUntil,
      documents,
      ...(respond ? { respond } : {}),
    }),
  );
}

/** Logs the access to one document of the link, then redirects to a short presigned URL. */
async function redirectToDocument(
  deps: DownloadDeps,
  event: APIGatewayProxyEventV2,
  link: LinkRecord,
  record: DocumentRecord,
  seconds: number,
): Promise<APIGatewayProxyStructuredResultV2> {
  const http = event.requestContext?.http;
  // Logged before the URL is handed out: no access without its record (300.614).
  await deps.links.recordAccess(link, record.documentId, {
    ...(http?.sourceIp ? { sourceIp: http.sourceIp } : {}),
    ...(http?.userAgent ? { userAgent: http.userAgent } : {}),
  });
  deps.log.info('document accessed', {
    linkId: link.linkId,
    documentId: record.documentId,
    decisionId: link.decisionId,
  });
  const location = await deps.presign(record.s3Key, seconds, {
    ...(record.s3VersionId ? { versionId: record.s3VersionId } : {}),
    fileName: documentFileName(record.type, record.language),
  });
  return { statusCode: 302, headers: { ...securityHeaders(), location }, body: '' };
}

/** The handler over the AWS platform (the bundled district profiles, no signer or Chromium). */
async function fromEnvironment() {
  const { awsPlatform } = await import('../platform/aws.ts');
  const { loadDistrictDirectory } = await import('../adapters/district-files.ts');
  const { ENV } = await import('../contract/environment.ts');
  const { buildDownload } = await import('../platform/use-cases/download.ts');
  const { verifyCopyParts } = await import('../platform/verify-wiring.ts');
  const { loadTrustAnchors } = await import('../adapters/trust-anchors.ts');
  const platform = awsPlatform({ districts: loadDistrictDirectory });
  const minutes = Number(process.env[ENV.presignedUrlMinutes] ?? DEFAULT_PRESIGNED_URL_MINUTES);
  const stores = buildDownload(platform);
  const districtsDir = process.env[ENV.districtsDir] ?? '';
  const verify = verifyCopyParts({
    records: stores.records,
    decisions: stores.decisions,
    districts: platform.districts,
    // No development CA in AWS: a profile naming it trusts nothing more here.
    anchors: () =>
      loadTrustAnchors({ districts: platform.districts, districtsDir, stateDir: '/nonexistent' }),
    locales: stores.locales,
    baseUrl: process.env[ENV.downloadBaseUrl] ?? '',
    clock: platform.clock,
  });
  const { platformResponseDeps } = await import('../platform/response-wiring.ts');
  // No Chromium in this function: answers are recorded and mailed; their PDF is made only
  // where a printer is at hand (the one-machine runtime). See docs/parent-response.md.
  const respond = platformResponseDeps(platform, stores);
  return makeDownloadHandler({
    verify: makeVerifyCopyHandler({ ...verify, log: platform.log }),
    respond,
    printedCode: respond,
    links: stores.links,
    records: stores.records,
    presign: (key, seconds, options) => stores.store.presignGet(key, seconds, options),
    districts: platform.districts,
    templates: stores.templates,
    locales: stores.locales,
    log: platform.log,
    presignedUrlMinutes:
      Number.isFinite(minutes) && minutes > 0 ? minutes : DEFAULT_PRESIGNED_URL_MINUTES,
  });
}

/** The Lambda handler (API Gateway REST API proxy; 2.0 events are read as well). */
export const handler = awsHandler(fromEnvironment);
