import { describe, expect, it } from 'vitest';
import { formBoundary, parseMultipartForm } from '../../functions/handlers/multipart-form.ts';
import { asHttpApiEvent } from '../../functions/handlers/rest-event.ts';
import { parseVerifyPath } from '../../functions/handlers/verify-copy.ts';
import { normalizeDocumentCode, standingOf } from '../../functions/pipeline/genuine-copy.ts';
import { clientRateLimiter } from '../../infra/local/download-server.ts';

describe('standing of a version (34 CFR 300.324(a)(4)-(6))', () => {
  const finalized = (version: number, finalizedAt?: string) => ({
    version,
    status: 'finalized',
    ...(finalizedAt ? { finalizedAt } : {}),
  });

  it('is in force while no later version is finalized; a later draft changes nothing', () => {
    expect(standingOf(1, [finalized(1), { version: 2, status: 'draft' }])).toEqual({
      state: 'in-force',
    });
  });

  it('is superseded by the first later finalized version, on its finalization date', () => {
    const versions = [finalized(1), finalized(3, '2027-01-02T10:00:00Z'), finalized(2)];

    expect(standingOf(1, versions)).toEqual({ state: 'superseded', byVersion: 2, on: null });
    expect(standingOf(2, versions)).toEqual({
      state: 'superseded',
      byVersion: 3,
      on: '2027-01-02T10:00:00Z',
    });
  });

  it('is withdrawn, or not in force for a draft or an unlisted version', () => {
    expect(standingOf(1, [{ version: 1, status: 'withdrawn' }])).toEqual({ state: 'withdrawn' });
    expect(standingOf(1, [{ version: 1, status: 'draft' }])).toEqual({ state: 'not-in-force' });
    expect(standingOf(4, [finalized(1)])).toEqual({ state: 'not-in-force' });
  });
});

describe('document codes and verification paths', () => {
  it('accepts a typed code in capitals and with spaces, and nothing that is not one', () => {
    expect(normalizeDocumentCode(' DOC_0123456789ABCDEF01234567 ')).toBe(
      'doc_0123456789abcdef01234567',
    );
    expect(normalizeDocumentCode('doc_0123456789abcdef0123456')).toBeUndefined();
    expect(normalizeDocumentCode('doc_0123456789abcdef0123456g')).toBeUndefined();
    expect(normalizeDocumentCode('../etc/passwd')).toBeUndefined();
  });

  it('reads /verify and /verify/<code>, with a stage prefix, and no other path', () => {
    expect(parseVerifyPath('/verify')).toBe('');
    expect(parseVerifyPath('/links/verify/doc_1')).toBe('doc_1');
    expect(parseVerifyPath('/verify/%ff')).toBe('%ff');
    expect(parseVerifyPath('/d/token')).toBeUndefined();
    expect(parseVerifyPath('/verify/a/b')).toBeUndefined();
  });
});

describe('multipart/form-data (RFC 7578)', () => {
  const boundary = '----form7MA4YWxkTrZu0gW';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="code"\r\n\r\ndoc_1\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="iep.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    ),
    Buffer.from([0x25, 0x50, 0x44, 0x46, 0x0d, 0x0a, 0x00, 0xff]),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);

  it('reads the boundary and each field, binary bytes intact', () => {
    const found = formBoundary(`multipart/form-data; boundary=${boundary}`);
    const parts = parseMultipartForm(body, found as string);

    expect(found).toBe(boundary);
    expect(parts?.map((p) => [p.name, p.fileName])).toEqual([
      ['code', undefined],
      ['file', 'iep.pdf'],
    ]);
    expect(parts?.[0]?.data.toString()).toBe('doc_1');
    expect([...(parts?.[1]?.data ?? [])]).toEqual([0x25, 0x50, 0x44, 0x46, 0x0d, 0x0a, 0x00, 0xff]);
  });

  it('refuses what is not a form: another type, a truncated body, a part without a name', () => {
    expect(formBoundary('application/json')).toBeUndefined();
    expect(parseMultipartForm(body.subarray(0, body.length - 30), boundary)).toBeUndefined();
    const nameless = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--${boundary}--\r\n`,
    );
    expect(parseMultipartForm(nameless, boundary)).toBeUndefined();
  });
});

describe('REST API events', () => {
  it('are read in the HTTP API shape: method, path, query, body and client', () => {
    const event = asHttpApiEvent({
      resource: '/verify',
      path: '/verify',
      httpMethod: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=x' },
      multiValueHeaders: {},
      queryStringParameters: { code: 'a b' },
      multiValueQueryStringParameters: { code: ['a b'] },
      pathParameters: null,
      stageVariables: null,
      body: 'AAEC',
      isBase64Encoded: true,
      requestContext: {
        accountId: '1',
        apiId: 'api',
        protocol: 'HTTP/1.1',
        httpMethod: 'POST',
        identity: { sourceIp: '203.0.113.1', userAgent: 'ua' },
        requestId: 'r',
        requestTimeEpoch: 0,
        stage: 'links',
      },
    } as never);

    expect(event.requestContext.http).toMatchObject({
      method: 'POST',
      path: '/verify',
      sourceIp: '203.0.113.1',
      userAgent: 'ua',
    });
    expect(event.headers['content-type']).toBe('multipart/form-data; boundary=x');
    expect(new URLSearchParams(event.rawQueryString).get('code')).toBe('a b');
    expect([event.body, event.isBase64Encoded]).toEqual(['AAEC', true]);
  });
});

describe('per-client rate limits of the local download server', () => {
  it('refuses a client above its limit, counts only the paths a limit names, and forgets after the window', () => {
    let now = 0;
    const allow = clientRateLimiter(
      [
        { requests: 3, windowSeconds: 60 },
        { requests: 1, windowSeconds: 60, pathPrefix: '/verify' },
      ],
      () => now,
    );

    expect([allow('a', '/d/x'), allow('a', '/verify'), allow('a', '/verify')]).toEqual([
      true,
      true,
      false,
    ]);
    expect(allow('b', '/verify')).toBe(true);
    expect(allow('a', '/d/x')).toBe(false);
    now = 60_000;
    expect(allow('a', '/d/x')).toBe(true);
  });
});
