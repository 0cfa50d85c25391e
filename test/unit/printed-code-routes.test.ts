/** The short address `/r` (functions/handlers/printed-code.ts) and a printed-code answerer's copy. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { DOWNLOAD_API_LIMITS } from '../../functions/contract/download-api.ts';
import {
  isPrintedCodePath,
  makePrintedCodeHandler,
} from '../../functions/handlers/printed-code.ts';
import type { OutgoingEmail } from '../../functions/pipeline/delivery-ports.ts';
import { responseMail } from '../../functions/pipeline/response-mail.ts';
import { loadResponseTexts, ResponsePage } from '../../functions/pipeline/response-page.ts';
import type { ResponseRecord } from '../../functions/pipeline/response-ports.ts';
import type { Standing } from '../../functions/pipeline/responses.ts';
import { loadLocales } from '../../functions/render/locales.ts';
import { clientRateLimiter } from '../../infra/local/download-server.ts';
import { sampleDecision } from '../fixtures/decisions.ts';

const page = new ResponsePage(loadResponseTexts(), loadLocales());
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function event(method: string, init: { body?: string; headers?: Record<string, string> } = {}) {
  return {
    rawPath: '/r',
    headers: init.headers ?? {},
    ...(init.body ? { body: init.body } : {}),
    isBase64Encoded: false,
    requestContext: { http: { method } },
  } as unknown as APIGatewayProxyEventV2;
}

describe('the /r routes', () => {
  it('recognizes /r with or without a stage prefix, nothing else', () => {
    expect(isPrintedCodePath('/r')).toBe(true);
    expect(isPrintedCodePath('/links/r')).toBe(true);
    expect(isPrintedCodePath('/r/')).toBe(true);
    expect(isPrintedCodePath('/d/abc/r')).toBe(false);
    expect(isPrintedCodePath('/verify')).toBe(false);
    expect(isPrintedCodePath('/rr')).toBe(false);
  });

  it('sets a Secure __Host- cookie over HTTPS, and checks it against the posted token', async () => {
    const opened: (string | undefined)[] = [];
    const handler = makePrintedCodeHandler({
      door: {
        async open(code) {
          opened.push(code);
          return 'T'.repeat(43);
        },
      },
      page,
      log: quiet,
    });
    const form = await handler(event('GET', { headers: { 'x-forwarded-proto': 'https' } }));
    const cookie = String(form.headers?.['set-cookie']);
    expect(cookie).toMatch(
      /^__Host-iep-r=[A-Za-z0-9_-]{43}; Path=\/; .*HttpOnly; SameSite=Strict; Secure$/,
    );
    const csrf = /name="csrf" value="([^"]+)"/.exec(String(form.body))?.[1] as string;
    expect(cookie).toContain(csrf);

    const forged = await handler(
      event('POST', {
        headers: { 'x-forwarded-proto': 'https', cookie: '__Host-iep-r=other' },
        body: new URLSearchParams({ csrf, code: 'ABCD' }).toString(),
      }),
    );
    expect(forged.statusCode).toBe(403);
    expect(opened).toEqual([]);

    const posted = await handler(
      event('POST', {
        headers: { 'x-forwarded-proto': 'https', cookie: cookie.split(';')[0] as string },
        body: new URLSearchParams({ csrf, code: 'ABCD-EFGH' }).toString(),
      }),
    );
    expect(posted.statusCode).toBe(303);
    expect(posted.headers?.location).toBe(`d/${'T'.repeat(43)}/respond`);
    expect(opened).toEqual(['ABCD-EFGH']);
  });

  it('limits /r per client by its path ending, not every path containing "/r"', () => {
    const allow = clientRateLimiter([DOWNLOAD_API_LIMITS.printedCodePerClient], () => 0);
    for (let i = 0; i < 100; i++)
      expect(allow('1.2.3.4', `/d/${'A'.repeat(43)}/respond`)).toBe(true);
    for (let i = 0; i < 20; i++) expect(allow('1.2.3.4', '/links/r')).toBe(true);
    expect(allow('1.2.3.4', '/r')).toBe(false);
    expect(allow('5.6.7.8', '/r')).toBe(true);
  });
});

describe("a printed-code answerer's copy", () => {
  it('goes by post, never by email, and the case manager is still emailed', async () => {
    const sent: OutgoingEmail[] = [];
    const posted: ResponseRecord[] = [];
    const notices = responseMail({
      mailer: {
        async send(email) {
          sent.push(email);
          return { messageId: 'm' };
        },
      },
      page,
      postalCopy: async (record) => {
        posted.push(record);
      },
    });
    const decision = sampleDecision();
    const standing = {
      link: { linkId: 'lnk_1', decisionId: decision.decisionId, language: 'en' },
      decision,
      district: {
        name: 'D',
        phone: '1',
        email: 'd@example.org',
        sender: { name: 'D', email: 'd@example.org' },
      },
      proof: 'letter',
    } as unknown as Standing;
    const record = {
      decisionId: decision.decisionId,
      version: 1,
      response: 'agree',
      signedAt: '2026-12-05T10:00:00Z',
    } as ResponseRecord;

    await notices.recorded(standing, record, false);

    expect(posted).toEqual([record]);
    expect(sent.map((e) => e.to)).toEqual([decision.caseManager.email]);
  });
});
