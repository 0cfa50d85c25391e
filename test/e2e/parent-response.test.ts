/**
 * Issue #19's acceptance on the one-machine runtime: `npm start` prints a link; the code is
 * requested and read from the SES emulator's store; the parent answers "agree except" one
 * service; after the runtime stops, `iep-docs responses --json` lists the answer from saved
 * state, the "Parent response" PDF verifies with `iep-docs verify`, and the parent's copy and
 * the case manager's notice (sent by the responses stream's consumer) are in the SES emulator.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawSample } from '../fixtures/decisions.ts';

const LOCAL = fileURLToPath(new URL('../../bin/iep-local.mjs', import.meta.url));
const CLI = fileURLToPath(new URL('../../bin/iep-docs.mjs', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'iep-parent-response-'));
const inputs = join(work, 'decisions');
mkdirSync(inputs);
const env = { ...process.env, IEP_STATE_DIR: join(work, 'state'), IEP_FAILPOINT: '' };

interface Email {
  destination: { to: string[] };
  subject: string;
  body: { text?: string };
  attachments: { content: string; contentType: string }[];
}

let child: ChildProcess | undefined;
let summary: {
  decisions: { decisionId: string; deliveries: { recipientId: string; link: string | null }[] }[];
  mailbox: string;
};

async function stop() {
  if (child && child.exitCode === null) {
    const closed = new Promise((done) => child?.once('close', done));
    child.kill('SIGTERM');
    await closed;
  }
}

beforeAll(async () => {
  writeFileSync(join(inputs, 'pending.json'), JSON.stringify(rawSample('annual-grade4-en')));
  child = spawn(
    process.execPath,
    [LOCAL, '--json', '--fresh', '--out', join(work, 'out'), '--decisions', join(inputs, '*.json')],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  await new Promise<void>((ready, fail) => {
    child?.stderr?.on('data', (chunk) => {
      stderr += chunk;
      if (/ready: /.test(stderr)) ready();
    });
    child?.once('close', (code) => fail(new Error(`runtime exited ${code}:\n${stderr}`)));
  });
  summary = JSON.parse(stdout);
}, 240_000);

afterAll(stop, 60_000);

describe('parents answer online on npm start', () => {
  it('records an "agree except" answer, signed, listed, verified and mailed', async () => {
    const sample = rawSample('annual-grade4-en');
    const link = summary.decisions[0]?.deliveries.find((d) => d.recipientId === 'G-1')
      ?.link as string;
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/d\/[A-Za-z0-9_-]{43}$/);
    const store = `${new URL(summary.mailbox).origin}/store`;
    const emails = async (to: string) =>
      ((await (await fetch(store)).json()) as { emails: Email[] }).emails.filter((e) =>
        e.destination.to.includes(to),
      );
    const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] as string;

    const page = await (await fetch(`${link}/respond`)).text();
    const sent = await fetch(`${link}/respond/code`, {
      method: 'POST',
      body: new URLSearchParams({ csrf: csrfOf(page) }),
    });
    expect(sent.status).toBe(200);
    const parent = sample.guardians[0].email as string;
    const code = /\b(\d{6})\b/.exec(
      (await emails(parent)).find((e) => /code/i.test(e.subject))?.body.text ?? '',
    )?.[1];
    expect(code).toMatch(/^\d{6}$/);
    const answer = new URLSearchParams({
      csrf: csrfOf(await sent.text()),
      response: 'agree-except',
      except: 'SV2',
      signature: 'Sam Morgan',
      esign: 'yes',
      code: code as string,
    });
    const recorded = await fetch(`${link}/respond`, { method: 'POST', body: answer });
    expect(recorded.status).toBe(200);
    expect(await recorded.text()).toContain('your answer is recorded');

    // The PDF and the copy come from the responses stream's consumer, as in AWS: wait for it.
    let copy: Email | undefined;
    for (let i = 0; i < 240 && !copy; i++) {
      copy = (await emails(parent)).find((e) => e.attachments.length === 1);
      if (!copy) await new Promise((done) => setTimeout(done, 500));
    }
    expect(copy?.attachments[0]?.contentType).toBe('application/pdf');
    const staff = await emails(sample.caseManager.email);
    expect(staff.map((e) => e.subject)).toContain('A parent answered online: action needed');
    await stop();

    const run = promisify(execFile);
    const listed = await run(process.execPath, [CLI, 'responses', '--json'], { env });
    const [row, ...more] = JSON.parse(listed.stdout);
    expect(more).toEqual([]);
    expect(row).toMatchObject({
      decisionId: sample.decisionId,
      version: sample.version,
      recipientId: 'G-1',
      response: 'agree-except',
      except: ['SV2'],
      documentId: expect.stringMatching(/^doc_[0-9a-f]{24}$/),
    });
    expect(Date.parse(row.signedAt)).not.toBeNaN();

    const pdf = join(work, 'parent-response.pdf');
    writeFileSync(pdf, Buffer.from(copy?.attachments[0]?.content as string, 'base64'));
    const verified = JSON.parse(
      (await run(process.execPath, [CLI, 'verify', pdf], { env })).stdout,
    );
    expect(verified).toMatchObject({ intact: true, trusted: true, documentId: row.documentId });
  }, 240_000);
});
