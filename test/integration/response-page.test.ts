/**
 * The response page (issue #19) in a real browser: the project's own Chromium driven by
 * puppeteer-core over the local delivery runtime (DynamoDB Local, s3rver, the SES emulator),
 * one browser for the whole file. Each state is checked with axe-core (WCAG 2.1 AA) and a
 * screenshot written to out/screenshots/response-page/ for review (gitignored).
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import chromium from '@sparticuz/chromium';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoResponseStore } from '../../functions/adapters/dynamo-responses.ts';
import { MAX_CODE_ATTEMPTS } from '../../functions/core/response-code.ts';
import { csrfToken } from '../../functions/handlers/respond.ts';
import type { PdfPrinter } from '../../functions/render/ports.ts';
import { verifyPdf } from '../../functions/render/signing/index.ts';
import { sentEmails } from '../support/ses.ts';
import { type DeliveryFixture, deliveryFixture, uniqueDecision } from './deliver-support.ts';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SHOTS = join(process.cwd(), 'out', 'screenshots', 'response-page');

let browser: Browser;
const fixtures: DeliveryFixture[] = [];

/** The file's one browser prints the answers' PDFs too (no second Chromium). */
const printer: PdfPrinter = {
  async print(job) {
    const page = await browser.newPage();
    try {
      await page.setJavaScriptEnabled(false);
      await page.setContent(job.html, { waitUntil: 'load' });
      return await page.pdf({ format: 'Letter', printBackground: true, tagged: true });
    } finally {
      await page.close();
    }
  },
  close: () => Promise.resolve(),
};

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await puppeteer.launch({
    executablePath: await chromium.executablePath(),
    headless: 'shell',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
});

afterAll(async () => {
  for (const f of fixtures) {
    await f.delivery.stop();
    f.env.clients.destroy();
  }
  await browser?.close();
});

async function fixture(shipped: string[] = ['en']) {
  const f = await deliveryFixture(printer, { shippedLocales: true, locales: shipped });
  fixtures.push(f);
  return f;
}

/** Delivers a decision by email; the link of each recipient. */
async function delivered(
  f: DeliveryFixture,
  name: string,
  change?: (raw: Record<string, any>) => void,
) {
  const raw = uniqueDecision(f.env, name, change);
  const { job } = await f.ready(raw, ['en', ...(name.endsWith('-es') ? ['es'] : [])]);
  await f.delivery.queue.enqueue(job);
  await f.delivery.drain();
  const deliveries = await f.delivery.deliveriesFor(raw.decisionId, raw.version);
  const links = new Map(
    deliveries.flatMap((d) => (d.link ? [[d.recipientId, d.link] as const] : [])),
  );
  return { raw, links };
}

/** axe-core's WCAG 2.1 A/AA violations on the page, and a screenshot of it. */
async function audit(page: Page, state: string) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(o: object): Promise<{ violations: { id: string; nodes: unknown[] }[] }> };
      }
    ).axe;
    const result = await axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
  });
  await page.screenshot({ path: join(SHOTS, `${state}.png`), fullPage: true });
  expect(violations, `axe violations in state ${state}`).toEqual([]);
}

/** The newest code emailed to `to`. */
async function codeSentTo(to: string): Promise<string> {
  const codes = (await sentEmails({ to })).filter((e) =>
    /^\d{6}/.test(/\b(\d{6})\b/.exec(e.body.text ?? '')?.[1] ?? ''),
  );
  const last = codes.sort((a, b) => a.at - b.at).at(-1);
  const code = /\b(\d{6})\b/.exec(last?.body.text ?? '')?.[1];
  if (!code) throw new Error(`no code emailed to ${to}`);
  return code;
}

/** A page that lets axe-core in: the response page's CSP refuses every script, as it should. */
async function newPage() {
  const page = await browser.newPage();
  await page.setBypassCSP(true);
  return page;
}

async function openResponsePage(link: string) {
  const page = await newPage();
  await page.goto(link);
  await Promise.all([page.waitForNavigation(), page.click('a[href$="/respond"]')]);
  return page;
}

async function requestCode(page: Page) {
  await Promise.all([page.waitForNavigation(), page.click('form[action$="code"] button')]);
}

async function fillAndSend(
  page: Page,
  answer: { response: string; except?: string[]; signature: string; code: string },
) {
  await page.click(`input[name="response"][value="${answer.response}"]`);
  for (const id of answer.except ?? []) await page.click(`input[name="except"][value="${id}"]`);
  await page.click('input[name="esign"]');
  await page.type('input[name="signature"]', answer.signature);
  await page.type('input[name="code"]', answer.code);
  await Promise.all([
    page.waitForNavigation(),
    page.click('form:not([action$="code"]) button[type="submit"]'),
  ]);
}

const responsesOf = (f: DeliveryFixture, decisionId: string) =>
  new DynamoResponseStore(f.env.clients.documents, f.env.names.tables.responses).listDecision(
    decisionId,
  );

describe('the response page in a browser', () => {
  it('records a partial consent in English: code by email; from the responses stream the signed PDF, parent copy and case manager notice', async () => {
    const f = await fixture();
    const { raw, links } = await delivered(f, 'annual-grade4-en');
    const page = await openResponsePage(links.get('G-1') as string);
    const ids = await page.$$eval('input:not([type=hidden]), textarea', (els) =>
      els.map((e) => e.id),
    );
    const labelled = await page.$$eval('label', (els) => els.map((e) => e.getAttribute('for')));
    expect(ids.filter((id) => !id || !labelled.includes(id))).toEqual([]);
    expect(await page.$eval('form:not([action$="code"])', (f) => f.getAttribute('method'))).toBe(
      'post',
    );
    expect(
      await page.$$eval('input[name="response"]', (els) => els.map((e) => e.getAttribute('value'))),
    ).toEqual(['agree', 'agree-except', 'refuse', 'meeting']);
    await audit(page, 'en-form');

    await requestCode(page);
    await audit(page, 'en-code-sent');
    const email = raw.guardians[0].email as string;
    await fillAndSend(page, {
      response: 'agree-except',
      except: ['SV2'],
      signature: 'Sam Morgan',
      code: await codeSentTo(email),
    });

    expect(await page.$eval('h1', (h) => h.textContent)).toBe('Thank you: your answer is recorded');
    await audit(page, 'en-recorded');
    // The PDF, the copy and the notice follow from the responses stream, as in AWS.
    expect((await sentEmails({ to: email })).some((e) => e.attachments.length > 0)).toBe(false);
    await f.delivery.drain();
    const [record] = await responsesOf(f, raw.decisionId);
    expect(record).toMatchObject({
      recipientId: 'G-1',
      response: 'agree-except',
      except: ['SV2'],
      sequence: 1,
      language: 'en',
    });
    expect(record?.documentId).toMatch(/^doc_[0-9a-f]{24}$/);
    const copy = (await sentEmails({ to: email })).find((e) => e.attachments.length > 0);
    const pdf = Buffer.from(copy?.attachments[0]?.content ?? '', 'base64');
    expect(verifyPdf(new Uint8Array(pdf)).intact).toBe(true);
    const staff = await sentEmails({ to: raw.caseManager.email });
    expect(
      staff.some(
        (e) =>
          e.subject === 'A parent answered online: action needed' &&
          e.body.text?.includes(raw.decisionId),
      ),
    ).toBe(true);
    await page.close();
  });

  it('answers in Spanish, and a second answer supersedes the first with a new signature, both kept', async () => {
    const f = await fixture(['en', 'es']);
    const { raw, links } = await delivered(f, 'transition-es');
    const page = await openResponsePage(links.get('G-1') as string);
    expect(await page.$eval('html', (h) => h.lang)).toBe('es');
    expect(await page.$eval('h1', (h) => h.textContent)).toContain('Su respuesta');
    await audit(page, 'es-form');
    await requestCode(page);
    const email = raw.guardians[0].email as string;
    await fillAndSend(page, {
      response: 'agree',
      signature: 'Ana Soto',
      code: await codeSentTo(email),
    });
    expect(await page.$eval('h1', (h) => h.textContent)).toBe(
      'Gracias: su respuesta quedó registrada',
    );
    await audit(page, 'es-recorded');

    await page.goto(`${links.get('G-1')}/respond`);
    expect(await page.$eval('body', (b) => b.textContent)).toContain(
      'Una nueva respuesta, firmada otra vez, la reemplaza',
    );
    await audit(page, 'es-previous-answer');
    f.clock.advance(60_000); // past the resend interval
    await requestCode(page);
    await fillAndSend(page, {
      response: 'meeting',
      signature: 'Ana Soto',
      code: await codeSentTo(email),
    });
    const answers = await responsesOf(f, raw.decisionId);
    expect(answers.map((a) => [a.response, a.sequence, a.supersedes ?? null])).toEqual([
      ['agree', 1, null],
      ['meeting', 2, answers[0]?.responseId],
    ]);
    await page.close();
  });

  it('locks answering after five wrong codes, tells the case manager, and keeps the documents readable', async () => {
    const f = await fixture();
    const { raw, links } = await delivered(f, 'annual-grade4-en');
    const link = links.get('G-1') as string;
    const page = await openResponsePage(link);
    await requestCode(page);
    const right = await codeSentTo(raw.guardians[0].email);
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 1; i <= MAX_CODE_ATTEMPTS; i++) {
      await fillAndSend(page, { response: 'agree', signature: 'Sam Morgan', code: wrong });
      if (i === 1) await audit(page, 'en-wrong-code');
    }
    expect(await page.$('input[name="response"]')).toBeNull();
    expect(await page.$eval('[role="alert"]', (e) => e.textContent)).toContain('locked');
    await audit(page, 'en-locked');
    const staff = await sentEmails({ to: raw.caseManager.email });
    expect(staff.filter((e) => e.subject === 'Online answering locked')).toHaveLength(1);
    expect(await responsesOf(f, raw.decisionId)).toEqual([]);
    expect((await fetch(link)).status).toBe(200);
    await page.close();
  });

  it('lets a guardian without educational rights read, never answer (a forwarded link included)', async () => {
    const f = await fixture();
    const { raw, links } = await delivered(f, 'annual-grade4-en', (r) => {
      r.guardians[1].educationalRightsHolder = false;
    });
    const page = await openResponsePage(links.get('G-2') as string);
    expect(await page.$('form')).toBeNull();
    expect(await page.$eval('main', (m) => m.textContent)).toContain(
      'holds the educational rights',
    );
    await audit(page, 'en-read-only');
    // The link's holder can make a valid CSRF token; the code is still refused.
    const token = new URL(links.get('G-2') as string).pathname.split('/').pop() as string;
    const csrf = csrfToken(token, f.clock.clock().getTime());
    const posted = await fetch(`${links.get('G-2')}/respond/code`, {
      method: 'POST',
      body: new URLSearchParams({ csrf }),
    });
    expect(posted.status).toBe(403);
    expect(await posted.text()).toContain('holds the educational rights');
    expect(await sentEmails({ to: raw.guardians[1].email })).toHaveLength(1); // the documents' email only
    await page.close();
  });

  it('can be answered with the keyboard alone', async () => {
    const f = await fixture();
    const { raw, links } = await delivered(f, 'annual-grade4-en');
    const page = await newPage();
    await page.goto(`${links.get('G-1')}/respond`);
    const tabTo = async (selector: string) => {
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab');
        const focused = await page
          .$eval(':focus', (el, s) => el.matches(s), selector)
          .catch(() => false);
        if (focused) return;
      }
      throw new Error(`Tab never reached ${selector}`);
    };
    await tabTo('form[action$="code"] button');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    const code = await codeSentTo(raw.guardians[0].email);
    await tabTo('input[name="response"]');
    await page.keyboard.press('Space');
    await tabTo('input[name="esign"]');
    await page.keyboard.press('Space');
    await tabTo('input[name="signature"]');
    await page.keyboard.type('Sam Morgan');
    await tabTo('input[name="code"]');
    await page.keyboard.type(code);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('Thank you: your answer is recorded');
    expect((await responsesOf(f, raw.decisionId)).map((r) => r.response)).toEqual(['agree']);
    await page.close();
  });
});

describe('the response routes without a browser', () => {
  it('gives unknown links the one 404, a superseded version a clear page, and refuses a post without its CSRF token', async () => {
    const f = await fixture();
    const { raw, links } = await delivered(f, 'annual-grade4-en');
    const link = links.get('G-1') as string;
    const base = new URL(link).origin;
    const unknown = await fetch(`${base}/d/${'A'.repeat(43)}/respond`);
    const invalid = await fetch(`${base}/d/${'A'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe(await invalid.text());

    const noToken = await fetch(`${link}/respond`, {
      method: 'POST',
      body: new URLSearchParams({ response: 'agree' }),
    });
    expect(noToken.status).toBe(403);
    expect(await responsesOf(f, raw.decisionId)).toEqual([]);

    await f.env.clients.documents.put({
      TableName: f.env.names.tables.decisions,
      Item: { ...raw, version: raw.version + 1 },
    });
    await f.delivery.links.revokeSuperseded(raw.decisionId, raw.version + 1);
    const superseded = await fetch(`${link}/respond`);
    expect(superseded.status).toBe(410);
    expect(await superseded.text()).toContain('This offer is no longer open');
  });
});
