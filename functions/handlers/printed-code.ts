/**
 * The short address printed in postal letters (issue #19), on the download API:
 *   GET  /r  → a form asking for the letter's response code (label, hint, CSRF token)
 *   POST /r  → a code that opens the recipient's response page: 303 to a session's path
 * The code travels in the POST body only, never in a URL or a log. Every code that opens
 * nothing (malformed, unknown, expired, revoked, superseded) gets the same page and status;
 * guessing is limited per client address by the API's WAF rule (DOWNLOAD_API_LIMITS).
 *
 * CSRF: there is no link token yet to key an HMAC with, so the form carries a random token also
 * set as a SameSite=Strict, HttpOnly cookie (double submit); a cross-site page can neither read
 * the cookie nor make the browser send it with its post.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Log } from '../pipeline/ports.ts';
import type { PrintedCodeDoor } from '../pipeline/printed-codes.ts';
import type { ResponsePage } from '../pipeline/response-page.ts';
import { pageLanguage } from '../pipeline/verify-page.ts';
import { parseForm } from './respond.ts';
import { htmlHeaders, securityHeaders } from './security-headers.ts';

/** Whether a path is the short address `/r` (a stage prefix is allowed). */
export function isPrintedCodePath(path: string): boolean {
  return /^(?:\/[^/]+)?\/r\/?$/.test(path);
}

export interface PrintedCodeDeps {
  door: Pick<PrintedCodeDoor, 'open'>;
  page: ResponsePage;
  log: Log;
}

function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  return Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];
}

/** Over HTTPS (API Gateway says so) the cookie is `Secure` and `__Host-` bound to the host. */
function cookieName(event: APIGatewayProxyEventV2): { name: string; secure: boolean } {
  const secure = (header(event, 'x-forwarded-proto') ?? '').toLowerCase() === 'https';
  return { name: secure ? '__Host-iep-r' : 'iep-r', secure };
}

function cookieValue(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const all = [...(event.cookies ?? []), ...(header(event, 'cookie') ?? '').split(';')];
  for (const pair of all) {
    const [key, ...value] = pair.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function same(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** Builds the `/r` handler (called by the download handler). */
export function makePrintedCodeHandler(deps: PrintedCodeDeps) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const method = event.requestContext?.http?.method ?? 'GET';
    const language = pageLanguage(
      deps.page.languages,
      new URLSearchParams(event.rawQueryString ?? '').get('lang'),
      header(event, 'accept-language'),
    );
    const cookie = cookieName(event);
    const form = (statusCode: number, alert?: 'invalid' | 'expired') => {
      const csrf = randomBytes(32).toString('base64url');
      const attributes = `Path=/; Max-Age=3600; HttpOnly; SameSite=Strict${cookie.secure ? '; Secure' : ''}`;
      return {
        statusCode,
        headers: {
          ...htmlHeaders('self'),
          'content-language': language,
          vary: 'Accept-Language',
          'set-cookie': `${cookie.name}=${csrf}; ${attributes}`,
        },
        body: deps.page.codeEntry(language, { csrf, ...(alert ? { alert } : {}) }),
      };
    };
    if (method === 'GET' || method === 'HEAD') return form(200);
    if (method !== 'POST') return form(405);
    const fields = parseForm(event);
    const posted = fields?.get('csrf')?.[0];
    if (!fields || !same(posted, cookieValue(event, cookie.name))) {
      deps.log.warn('printed code form refused: bad CSRF token or body', {});
      return form(403, 'expired');
    }
    const token = await deps.door.open(fields.get('code')?.[0]);
    if (!token) {
      deps.log.info('printed code opened nothing', {});
      return form(404, 'invalid');
    }
    return {
      statusCode: 303,
      headers: {
        ...securityHeaders(),
        // Relative: a stage prefix or a custom domain's base path is kept.
        location: `d/${token}/respond`,
        'set-cookie': `${cookie.name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict${cookie.secure ? '; Secure' : ''}`,
      },
      body: '',
    };
  };
}
