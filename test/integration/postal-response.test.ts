/**
 * Postal recipients answer online (issue #19): the letter's printed response code and the short
 * address `/r`, over the local delivery runtime (DynamoDB Local, s3rver, the SES emulator) and
 * in the project's own Chromium with axe-core on each state of `/r` and the response page.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoResponseStore } from '../../functions/adapters/dynamo-responses.ts';
import { normalizePrintedCode } from '../../functions/core/printed-code.ts';
import { securityHeaders } from '../../functions/handlers/security-headers.ts';
import { launchPageBrowser } from '../support/browser-pages.ts';
import { sentEmails } from '../support/ses.ts';
import { type DeliveryFixture, deliveryFixture, uniqueDecision } from './deliver-support.ts';

let pages: Awaited<ReturnType<typeof launchPageBrowser>>;
let browser: Browser;
const fixtures: DeliveryFixture[] = [];

beforeAll(async () => {
  pages = await launchPageBrowser('postal-response');
  browser = pages.browser;
});

afterAll(async () => {
  for (const f of fixtures) {
    await f.delivery.stop();
    f.env.clients.destroy();
  }
  await browser?.close();
});

async function fixture(locales: string[] = ['en']) {
  const f = await deliveryFixture(pages.printer, { shippedLocales: true, locales });
  fixtures.push(f);
  return f;
}

/** G-1 receives paper (no consent to electronic notice, 300.505); G-2 email. */
function paperForFirst(raw: Record<string, any>) {
  delete raw.guardians[0].electronicNoticeConsent;
}

/** Delivers a decision; each recipient's printed code (postal) and link (email). */
async function delivered(
  f: DeliveryFixture,
  change: (raw: Record<string, any>) => void = paperForFirst,
  languages: string[] = ['en'],
) {
  const raw = uniqueDecision(f.env, 'annual-grade4-en', change);
  const { job } = await f.ready(raw, languages);
  await f.delivery.queue.enqueue(job);
  await f.delivery.drain();
  const deliveries = await f.delivery.deliveriesFor(raw.decisionId, raw.version);
  const code = deliveries.find((d) => d.recipientId === 'G-1')?.printedCode;
  if (!code) throw new Error('no printed code for G-1');
  const packet = deliveries.find((d) => d.recipientId === 'G-1')?.postalKey as string;
  const link = deliveries.find((d) => d.recipientId === 'G-2')?.link as string;
  return { raw, code, packet, link };
}

/** The packet's text (pdftotext), or undefined where poppler is not installed. */
async function packetText(f: DeliveryFixture, key: string): Promise<string | undefined> {
  if (spawnSync('pdftotext', ['-v']).error) {
    console.log('pdftotext not installed: the printed code is not read back from the packet');
    return undefined;
  }
  const file = join(mkdtempSync(join(tmpdir(), 'packet-')), 'packet.pdf');
  writeFileSync(file, await f.store.get(key));
  return spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout;
}

async function submitCode(page: Page, code: string) {
  await page.type('input[name="code"]', code);
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.click('button[type="submit"]'),
  ]);
  return response;
}

/** A GET of `/r` then a POST of `code` with the form's CSRF token and cookie. */
async function postCode(base: string, code: string, withCookie = true) {
  const form = await fetch(`${base}/r`);
  const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] as string;
  return fetch(`${base}/r`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(withCookie ? { cookie } : {}),
    },
    body: new URLSearchParams({ csrf, code }),
    redirect: 'manual',
  });
}

/** A page's body without its (random) CSRF token. */
const withoutCsrf = (html: string) => html.replace(/name="csrf" value="[^"]+"/, '');

const responsesOf = (f: DeliveryFixture, decisionId: string) =>
  new DynamoResponseStore(f.env.clients.documents, f.env.names.tables.responses).listDecision(
    decisionId,
  );

describe('a postal recipient answers with the code printed in the letter', () => {
  it('prints the code, opens the page with it at /r, records the answer and emails the parent nothing', async () => {
    const f = await fixture();
    const { raw, code, packet } = await delivered(f);
    const text = await packetText(f, packet);
    if (text !== undefined) {
      expect(text).toContain(code);
      expect(text).toContain(`${f.delivery.downloadBaseUrl}/r`);
    }
    const page = await pages.newPage();
    await page.goto(`${f.delivery.downloadBaseUrl}/r`);
    expect(await page.$eval('label[for="code"]', (l) => l.textContent)).toBe('Response code');
    expect(await page.$('input[type="hidden"][name="csrf"]')).not.toBeNull();
    await pages.audit(page, 'en-r-form');

    const wrong = await submitCode(page, '0000-0000-0000-0000');
    expect(wrong?.status()).toBe(404);
    expect(await page.$eval('[role="alert"]', (e) => e.textContent)).toContain(
      'This code does not open an answer',
    );
    await pages.audit(page, 'en-r-invalid');

    // As a parent may type it: lower case, spaces for dashes.
    await page.$eval('input[name="code"]', (i) => {
      (i as unknown as { value: string }).value = '';
    });
    const opened = await submitCode(page, code.toLowerCase().replace(/-/g, ' '));
    expect(opened?.status()).toBe(200);
    const canonical = normalizePrintedCode(code) as string;
    expect(page.url()).toMatch(/\/d\/[A-Za-z0-9_-]{43}\/respond$/);
    expect(page.url().toUpperCase()).not.toContain(canonical);
    expect(await page.$('input[name="code"]')).toBeNull();
    expect(await page.$('form[action$="code"]')).toBeNull();
    expect(await page.$eval('main', (m) => m.textContent)).toContain('sent to you by post');
    await pages.audit(page, 'en-postal-form');

    await page.click('input[name="response"][value="agree-except"]');
    await page.click('input[name="except"][value="SV2"]');
    await page.click('input[name="esign"]');
    await page.type('input[name="signature"]', 'Sam Carter');
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('Thank you: your answer is recorded');
    expect(await page.$eval('[role="status"]', (e) => e.textContent)).toContain(
      'A signed copy is sent to you by post',
    );
    await pages.audit(page, 'en-postal-recorded');

    // The PDF, the copy and the case manager's notice follow from the responses stream.
    await f.delivery.drain();
    const [record] = await responsesOf(f, raw.decisionId);
    expect(record).toMatchObject({
      recipientId: 'G-1',
      response: 'agree-except',
      except: ['SV2'],
      sequence: 1,
      proof: 'letter',
    });
    expect(record?.documentId).toMatch(/^doc_[0-9a-f]{24}$/);
    // Paper was their choice: nothing goes to their email address.
    expect(await sentEmails({ to: raw.guardians[0].email })).toEqual([]);
    const staff = await sentEmails({ to: raw.caseManager.email });
    expect(staff.some((e) => e.subject === 'A parent answered online: action needed')).toBe(true);
    // The session opens the response page only, never the documents page.
    const session = new URL(page.url()).pathname.replace(/\/respond$/, '');
    expect((await fetch(`${f.delivery.downloadBaseUrl}${session}`)).status).toBe(404);
    await page.close();
  });

  it('shows /r and the response page right to left in Arabic', async () => {
    const f = await fixture(['en', 'ar']);
    const { code } = await delivered(
      f,
      (raw) => {
        paperForFirst(raw);
        raw.guardians[0].preferredLanguage = 'ar';
      },
      ['en', 'ar'],
    );
    const page = await pages.newPage();
    await page.setExtraHTTPHeaders({ 'Accept-Language': 'ar' });
    await page.goto(`${f.delivery.downloadBaseUrl}/r`);
    expect(await page.$eval('html', (h) => [h.lang, h.dir])).toEqual(['ar', 'rtl']);
    expect(await page.$eval('input[name="code"]', (i) => i.getAttribute('dir'))).toBe('ltr');
    await pages.audit(page, 'ar-r-form');
    await submitCode(page, code);
    expect(await page.$eval('html', (h) => [h.lang, h.dir])).toEqual(['ar', 'rtl']);
    expect(await page.$('input[name="response"]')).not.toBeNull();
    await pages.audit(page, 'ar-postal-form');
    await page.close();
  });
});

describe('/r without a browser', () => {
  it('answers unknown, revoked, superseded and expired codes alike, refuses a post without its cookie, and limits each client', async () => {
    const f = await fixture();
    const base = f.delivery.downloadBaseUrl;
    const revoked = await delivered(f);
    const superseded = await delivered(f);
    const expired = await delivered(f);

    const valid = await postCode(base, revoked.code);
    expect(valid.status).toBe(303);
    const location = valid.headers.get('location') as string;
    expect(location).toMatch(/^d\/[A-Za-z0-9_-]{43}\/respond$/);
    expect((await fetch(new URL(location, `${base}/r`))).status).toBe(200);
    // Revoked as a withdrawn version's links are: found through the delivery record's hash.
    await f.delivery.links.revokeLinks(revoked.raw.decisionId, revoked.raw.version);
    // A session opened before the revocation closes with its code.
    expect((await fetch(new URL(location, `${base}/r`))).status).toBe(404);

    await f.env.clients.documents.put({
      TableName: f.env.names.tables.decisions,
      Item: { ...superseded.raw, version: superseded.raw.version + 1 },
    });
    const noCookie = await postCode(base, expired.code, false);
    expect(noCookie.status).toBe(403);
    expect(noCookie.headers.get('location')).toBeNull();

    const unknown = await postCode(base, 'ABCD-EFGH-JKMN-PQRS');
    const malformed = await postCode(base, 'not a code');
    const answers = [unknown, malformed, await postCode(base, revoked.code)];
    answers.push(await postCode(base, superseded.code));
    f.clock.advance(31 * 86_400_000); // past the district's 30-day link validity
    answers.push(await postCode(base, expired.code));
    const bodies = await Promise.all(answers.map(async (r) => withoutCsrf(await r.text())));
    expect(answers.map((r) => r.status)).toEqual([404, 404, 404, 404, 404]);
    expect(new Set(bodies).size).toBe(1);
    expect(await responsesOf(f, expired.raw.decisionId)).toEqual([]);

    // Twenty requests per client per window (GETs of the form included), then WAF's 429.
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await fetch(`${base}/r`)).status);
    expect(statuses).toContain(429);
  });

  it('gives every HTML page of the download API the one set of security headers', async () => {
    const f = await fixture();
    const base = f.delivery.downloadBaseUrl;
    const { link, code } = await delivered(f);
    const opened = await postCode(base, code);
    const session = new URL(opened.headers.get('location') as string, `${base}/r`).href;
    const html = await Promise.all([
      fetch(link),
      fetch(`${link}/respond`),
      fetch(`${base}/d/${'A'.repeat(43)}`),
      fetch(`${base}/r`),
      postCode(base, 'ABCD-EFGH-JKMN-PQRS'),
      fetch(session),
      fetch(`${base}/verify`),
      fetch(`${base}/verify/NOT-A-CODE`),
    ]);
    const expected = securityHeaders();
    const forms = securityHeaders('self')['content-security-policy'];
    for (const response of html) {
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      for (const [name, value] of Object.entries(expected)) {
        const got = response.headers.get(name);
        if (name === 'content-security-policy') expect([value, forms]).toContain(got);
        else expect(got, `${name} of ${response.url}`).toBe(value);
      }
    }
    expect(opened.headers.get('strict-transport-security')).toBe(
      expected['strict-transport-security'],
    );
  });
});
