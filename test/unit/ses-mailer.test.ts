/**
 * The SES adapter: a non-ASCII district name is sent as RFC 2047 encoded words, and a refusal
 * surfaces as SES's code only. The refusal comes from a local HTTP server speaking SES v2's
 * error protocol to the real SDK client (the SES emulator never refuses).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailbox, SesMailer, SesSendFailed } from '../../functions/adapters/ses-mailer.ts';

/** Decodes the encoded words of a mailbox back to its display name. */
function displayName(header: string): string {
  const words = [...header.matchAll(/=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=/g)];
  return words.map((m) => Buffer.from(m[1] as string, 'base64').toString('utf8')).join('');
}

describe('the From mailbox', () => {
  it('quotes a printable ASCII display name as before', () => {
    expect(mailbox('Example USD', 'no-reply@example-usd.org')).toBe(
      '"Example USD" <no-reply@example-usd.org>',
    );
  });

  it('encodes a non-ASCII name (RFC 2047), in words of at most 75 characters', () => {
    // Prepare
    const name =
      'Distrito Escolar Independiente de Peñasco — Oficina de Educación Especial 特殊教育';

    // Act
    const header = mailbox(name, 'no-reply@penasco.k12.nm.us');

    // Assess
    expect(header).toMatch(/^[\x20-\x7e]+$/);
    expect(header.endsWith(' <no-reply@penasco.k12.nm.us>')).toBe(true);
    for (const word of header.split(' ').slice(0, -1)) expect(word.length).toBeLessThanOrEqual(75);
    expect(displayName(header)).toBe(name);
  });
});

describe('a refused send', () => {
  let server: Server;
  let endpoint: string;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      response.writeHead(400, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'MessageRejected',
      });
      response.end(
        JSON.stringify({
          message: 'Email address is not verified: guardian.lopez@example.com',
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => server.close());

  it('reports SES’s code and status, never its text (which may quote an address)', async () => {
    // Prepare
    const ses = new SESv2Client({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    const mailer = new SesMailer(ses);

    // Act
    const error = await mailer
      .send({
        from: { name: 'Peñasco', email: 'no-reply@penasco.k12.nm.us' },
        to: 'guardian.lopez@example.com',
        subject: 'Documents',
        html: '<p>x</p>',
        text: 'x',
        tags: {},
      })
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SesSendFailed);
    expect((error as SesSendFailed).message).toBe(
      'SES did not send the email: MessageRejected (HTTP 400)',
    );
    expect((error as SesSendFailed).$metadata.httpStatusCode).toBe(400);
    expect(JSON.stringify(error)).not.toContain('example.com');
    expect(String((error as Error).cause ?? '')).not.toContain('example.com');
  });
});
