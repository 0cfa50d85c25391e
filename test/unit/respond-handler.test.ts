/** The response routes' parsing and CSRF tokens (functions/handlers/respond.ts). */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  csrfToken,
  csrfValid,
  parseForm,
  parseRespondPath,
} from '../../functions/handlers/respond.ts';

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
