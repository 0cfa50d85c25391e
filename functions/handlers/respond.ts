/**
 * The response page, served by the download function on the same API as the link page:
 *   GET  /d/<token>/respond        → the answer form (or read only, locked, not in force)
 *   POST /d/<token>/respond/code   → emails a one-time code to the recipient's own address
 *   POST /d/<token>/respond        → a signed answer (form-urlencoded), checked and recorded
 * Unknown, expired and revoked links get the download endpoint's one 404 page. Changes are
 * POST only, each with a CSRF token bound to the link; nothing of the form is logged.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ResponseForm } from '../core/parent-response.ts';
import type { Log } from '../pipeline/ports.ts';
import type { FormState, ResponsePage } from '../pipeline/response-page.ts';
import type { AnswerResult, ResponseService, Standing } from '../pipeline/responses.ts';
import { htmlHeaders } from './security-headers.ts';

/** The largest form body taken (the message is at most 2,000 characters). */
const MAX_FORM_BYTES = 16 * 1024;
/** How long a page's CSRF token is accepted: a parent may read the documents first. */
const CSRF_VALIDITY_MS = 4 * 3600_000;

/** The token and action of a response path (a stage prefix is allowed). */
export function parseRespondPath(
  path: string,
): { token: string; action: 'page' | 'code' } | undefined {
  const match = /\/d\/([^/]+)\/respond(\/code)?$/.exec(path);
  if (!match?.[1]) return undefined;
  return { token: match[1], action: match[2] ? 'code' : 'page' };
}

/**
 * A CSRF token for a link: the time it was issued and an HMAC keyed by the link's own bearer
 * token, which a cross-site page does not have (the token is never in a Referer: no-referrer).
 */
export function csrfToken(linkToken: string, now: number): string {
  const mac = createHmac('sha256', linkToken).update(`respond:${now}`).digest('base64url');
  return `${now}.${mac}`;
}

/** Whether a posted CSRF token was issued for this link within its validity. */
export function csrfValid(linkToken: string, posted: string | undefined, now: number): boolean {
  const [at, mac] = (posted ?? '').split('.');
  const issued = Number(at);
  if (!mac || !Number.isSafeInteger(issued) || now - issued > CSRF_VALIDITY_MS || issued > now)
    return false;
  const expected = Buffer.from(csrfToken(linkToken, issued).split('.')[1] as string);
  const given = Buffer.from(mac);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The fields of a form-urlencoded body (repeated names collected). */
export function parseForm(event: APIGatewayProxyEventV2): Map<string, string[]> | undefined {
  const raw = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  if (Buffer.byteLength(raw) > MAX_FORM_BYTES) return undefined;
  const fields = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(raw))
    fields.set(name, [...(fields.get(name) ?? []), value]);
  return fields;
}

export interface RespondDeps {
  service: Pick<ResponseService, 'lookup' | 'requestCode' | 'answer'>;
  page: ResponsePage;
  clock: () => Date;
  log: Log;
}

/** Builds the response routes' handler (called by the download handler); `invalid` is its 404. */
export function makeRespondHandler(deps: RespondDeps, invalid: APIGatewayProxyStructuredResultV2) {
  const html = (statusCode: number, body: string): APIGatewayProxyStructuredResultV2 => ({
    statusCode,
    headers: htmlHeaders('self'),
    body,
  });

  return async (
    event: APIGatewayProxyEventV2,
    path: { token: string; action: 'page' | 'code' },
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const method = event.requestContext?.http?.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') return invalid;
    if (path.action === 'code' && method !== 'POST') return invalid;
    const found = await deps.service.lookup(path.token);
    if (found.kind === 'invalid') return invalid;
    if (found.kind === 'not-in-force')
      return html(410, deps.page.notInForce(found.district, found.language));
    const standing: Standing = found;
    const now = deps.clock().getTime();
    const csrf = csrfToken(path.token, now);
    const at = path.action;
    if (method !== 'POST') return html(200, deps.page.standing(standing, { csrf, at }, path.token));

    const form = parseForm(event);
    const one = (name: string) => form?.get(name)?.[0];
    if (!form || !csrfValid(path.token, one('csrf'), now)) {
      deps.log.warn('response form refused: bad CSRF token or body', {
        linkId: standing.link.linkId,
      });
      return html(
        403,
        deps.page.standing(
          standing,
          { csrf, at, status: status(deps, standing, 'pageExpired', {}) },
          path.token,
        ),
      );
    }
    if (path.action === 'code')
      return codeRequested(deps, standing, { csrf, at }, path.token, html);
    const values = formValues(form);
    const http = event.requestContext?.http;
    const result = await deps.service.answer(standing, values, {
      ...(http?.sourceIp ? { sourceIp: http.sourceIp } : {}),
      ...(http?.userAgent ? { userAgent: http.userAgent } : {}),
    });
    return answered(deps, standing, result, { csrf, at, values }, path.token, html);
  };
}

/** The page after a request for a one-time code: sent, refused, or too soon/too many. */
async function codeRequested(
  deps: RespondDeps,
  standing: Standing,
  state: FormState,
  token: string,
  html: (code: number, body: string) => APIGatewayProxyStructuredResultV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  const sent = await deps.service.requestCode(standing);
  if (sent === 'not-allowed') return html(403, deps.page.standing(standing, state, token));
  const key = CODE_MESSAGES[sent as Exclude<typeof sent, 'not-allowed'>];
  const fresh = sent === 'sent' ? await deps.service.lookup(token) : undefined;
  const shown = fresh?.kind === 'open' ? fresh : standing;
  return html(
    sent === 'sent' ? 200 : 429,
    deps.page.standing(
      shown,
      { ...state, status: status(deps, shown, key, {}, sent !== 'sent') },
      token,
    ),
  );
}

/** The answer's fields as posted (absent ones left out; `except` may repeat). */
function formValues(form: Map<string, string[]>): ResponseForm & { code?: string } {
  const one = (name: string) => form.get(name)?.[0];
  return {
    ...(one('response') !== undefined ? { response: one('response') } : {}),
    except: form.get('except') ?? [],
    ...(one('message') !== undefined ? { message: one('message') } : {}),
    ...(one('signature') !== undefined ? { signature: one('signature') } : {}),
    ...(one('esign') !== undefined ? { esign: one('esign') } : {}),
    ...(one('code') !== undefined ? { code: one('code') } : {}),
  };
}

const CODE_MESSAGES = {
  sent: 'codeSent',
  locked: 'codeTooMany',
  'too-soon': 'codeTooSoon',
  'too-many': 'codeTooMany',
  'no-email': 'noEmail',
} as const;

function status(
  deps: RespondDeps,
  s: Standing,
  key: Parameters<ResponsePage['message']>[1],
  vars: Record<string, string | number>,
  alert = true,
) {
  return { text: deps.page.message(s.link.language, key, vars, s.district), alert };
}

/** The page after a posted answer, by its result. */
async function answered(
  deps: RespondDeps,
  standing: Standing,
  result: AnswerResult,
  state: FormState,
  token: string,
  html: (code: number, body: string) => APIGatewayProxyStructuredResultV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  switch (result.kind) {
    case 'recorded':
      return html(200, deps.page.recorded(standing, result.record.signedAt.slice(0, 10), token));
    case 'problems':
      return html(
        422,
        deps.page.standing(
          standing,
          { ...state, problems: result.problems, status: status(deps, standing, 'problems', {}) },
          token,
        ),
      );
    case 'code': {
      const key = {
        wrong: 'codeWrong',
        expired: 'codeExpired',
        none: 'codeNone',
        missing: 'codeMissing',
      } as const;
      const fresh = await deps.service.lookup(token);
      const shown = fresh.kind === 'open' ? fresh : standing;
      return html(
        422,
        deps.page.standing(
          shown,
          {
            ...state,
            status: status(deps, standing, key[result.outcome], { left: result.attemptsLeft ?? 0 }),
          },
          token,
        ),
      );
    }
    case 'locked':
    case 'not-allowed':
    case 'conflict': {
      const fresh = await deps.service.lookup(token);
      const shown = fresh.kind === 'open' ? fresh : standing;
      const extra =
        result.kind === 'conflict' ? { status: status(deps, shown, 'conflict', {}) } : {};
      return html(
        result.kind === 'conflict' ? 409 : 403,
        deps.page.standing(shown, { ...state, ...extra }, token),
      );
    }
  }
}
