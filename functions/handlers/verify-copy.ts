/**
 * The public "Is this copy genuine?" page, served by the download function on the same API:
 *   GET  /verify                → the form (a code, or a PDF to upload)
 *   GET  /verify?code=<code>    → the answer about that code
 *   GET  /verify/<code>         → the same answer, at an address a letter or email can print
 *   POST /verify                → an uploaded PDF (multipart/form-data), compared by hash and signature
 * An unknown, malformed or other district's code gets one and the same 404 page. The page
 * speaks the language of `?lang=` or else of Accept-Language, among the locales'.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type GenuineCopies, MAX_UPLOAD_BYTES } from '../pipeline/genuine-copy.ts';
import type { Log } from '../pipeline/ports.ts';
import { pageLanguage, type VerifyPage, type VerifyView } from '../pipeline/verify-page.ts';
import { formBoundary, parseMultipartForm } from './multipart-form.ts';
import { htmlHeaders } from './security-headers.ts';

export interface VerifyCopyDeps {
  copies: Pick<GenuineCopies, 'byCode' | 'byUpload'>;
  page: VerifyPage;
  log: Log;
}

/** The code of `/verify/<code>`, `''` for `/verify`; undefined for any other path (a stage prefix is allowed). */
export function parseVerifyPath(path: string): string | undefined {
  const match = /\/verify(?:\/([^/]*))?\/?$/.exec(path);
  if (!match) return undefined;
  if (!match[1]) return '';
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1]; // not a code either: answered as one that is unknown
  }
}

function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const found = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === name);
  return found?.[1];
}

/** Builds the page's handler (called by the download handler for `/verify` paths). */
export function makeVerifyCopyHandler(deps: VerifyCopyDeps) {
  const reply =
    (language: string) =>
    (statusCode: number, view: VerifyView): APIGatewayProxyStructuredResultV2 => ({
      statusCode,
      headers: { ...htmlHeaders('self'), 'content-language': language, vary: 'Accept-Language' },
      body: deps.page.render(view, language),
    });

  const upload = async (event: APIGatewayProxyEventV2, respond: ReturnType<typeof reply>) => {
    const raw = event.body ?? '';
    const body = Buffer.from(raw, event.isBase64Encoded ? 'base64' : 'latin1');
    if (body.length > MAX_UPLOAD_BYTES + 64 * 1024) return respond(413, { kind: 'too-large' });
    const boundary = formBoundary(header(event, 'content-type'));
    const parts = boundary ? parseMultipartForm(body, boundary) : undefined;
    const file = parts?.find((p) => p.name === 'file' && p.data.length > 0);
    if (!file) return respond(400, { kind: 'form' });
    if (file.data.length > MAX_UPLOAD_BYTES) return respond(413, { kind: 'too-large' });
    const code = parts?.find((p) => p.name === 'code')?.data.toString('utf8');
    const { facts, upload } = await deps.copies.byUpload(new Uint8Array(file.data), code);
    deps.log.info('copy checked', {
      found: Boolean(facts),
      sameFile: upload.sameFile,
      signature: upload.signature,
    });
    return respond(facts ? 200 : 404, { kind: 'upload', facts, upload });
  };

  return async (
    event: APIGatewayProxyEventV2,
    pathCode: string,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const method = event.requestContext?.http?.method ?? 'GET';
    const query = new URLSearchParams(event.rawQueryString ?? '');
    const respond = reply(
      pageLanguage(deps.page.languages, query.get('lang'), header(event, 'accept-language')),
    );
    if (method === 'POST' && pathCode === '') return upload(event, respond);
    if (method !== 'GET' && method !== 'HEAD') return respond(404, { kind: 'not-found' });
    const code = pathCode || query.get('code') || '';
    if (!code) return respond(200, { kind: 'form' });
    const facts = await deps.copies.byCode(code.slice(0, 200));
    deps.log.info('copy checked', { found: Boolean(facts) });
    return facts ? respond(200, { kind: 'facts', facts }) : respond(404, { kind: 'not-found' });
  };
}
