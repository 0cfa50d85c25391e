/** The response routes' parsing and CSRF tokens (functions/handlers/respond.ts). */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  csrfToken,
  csrfValid,
  parseForm,
  parseRespondPath,
} from '../../functions/handlers/respond.ts';
import { clientRateLimiter } from '../../infra/local/download-server.ts';

const TOKEN = 'A'.repeat(43);
const OTHER = 'B'.repeat(43);
const NOW = 1_800_000_000_000;

describe('parseRespondPath', () => {
  it('reads the page and the code request, with or without a stage prefix', () => {
    expect(parseRespondPath(`/d/${TOKEN}/respond`)).toEqual({ token: TOKEN, action: 'page' });
    expect(parseRespondPath(`/links/d/${TOKEN}/respond/code`)).toEqual({
      token: TOKEN,
      action: 'code',
    });
    expect(parseRespondPath(`/d/${TOKEN}`)).toBeUndefined();
    expect(parseRespondPath(`/d/${TOKEN}/doc_1`)).toBeUndefined();
    expect(parseRespondPath(`/d/${TOKEN}/respond/other`)).toBeUndefined();
  });
});

describe('CSRF tokens', () => {
  it('accepts the token of this link within four hours', () => {
    const csrf = csrfToken(TOKEN, NOW);
    expect(csrfValid(TOKEN, csrf, NOW + 4 * 3600_000)).toBe(true);
  });
  it('refuses another link\u2019s token, an old or future one, a tampered or missing one', () => {
    const csrf = csrfToken(TOKEN, NOW);
    expect(csrfValid(OTHER, csrf, NOW)).toBe(false);
    expect(csrfValid(TOKEN, csrf, NOW + 4 * 3600_000 + 1)).toBe(false);
    expect(csrfValid(TOKEN, csrfToken(TOKEN, NOW + 1000), NOW)).toBe(false);
    expect(csrfValid(TOKEN, `${NOW + 1}.${csrf.split('.')[1]}`, NOW + 2)).toBe(false);
    expect(csrfValid(TOKEN, undefined, NOW)).toBe(false);
    expect(csrfValid(TOKEN, 'garbage', NOW)).toBe(false);
  });
});

describe('parseForm', () => {
  const event = (body: string, base64 = false) =>
    ({
      body: base64 ? Buffer.from(body).toString('base64') : body,
      isBase64Encoded: base64,
    }) as APIGatewayProxyEventV2;
  it('collects repeated fields, from a text or base64 body', () => {
    for (const base64 of [false, true]) {
      const form = parseForm(
        event('response=agree-except&except=SV1&except=SV2&signature=Ana+Soto', base64),
      );
      expect(form?.get('except')).toEqual(['SV1', 'SV2']);
      expect(form?.get('signature')).toEqual(['Ana Soto']);
    }
  });
  it('refuses a body over 16 KiB', () => {
    expect(parseForm(event(`message=${'x'.repeat(17 * 1024)}`))).toBeUndefined();
  });
});

describe('the response page\u2019s rate limits on the local download server', () => {
  it('counts one link\u2019s page over every address, and each address over every link', () => {
    const allow = clientRateLimiter(
      [
        { requests: 2, windowSeconds: 60, pathPrefix: '/respond', per: 'path' },
        { requests: 3, windowSeconds: 60, pathPrefix: '/respond' },
      ],
      () => 0,
    );
    const link = `/links/d/${TOKEN}/respond`;
    expect([allow('a', link), allow('b', link), allow('c', link)]).toEqual([true, true, false]);
    expect(allow('a', `/d/${OTHER}/respond`)).toBe(true);
    // 'a' makes its third response request (another link), then a fourth is refused.
    expect(allow('a', `/d/${'C'.repeat(43)}/respond/code`)).toBe(true);
    expect(allow('a', `/d/${'D'.repeat(43)}/respond`)).toBe(false);
    expect(allow('a', `/d/${TOKEN}`)).toBe(true);
  });
});
