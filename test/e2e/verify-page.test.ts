/**
 * The "Is this copy genuine?" page end to end on the one-machine runtime: `npm start` (not
 * --once) prints `Verify:`-style addresses, each document's `verifyUrl` answers with its public
 * facts and no personal data, an upload is compared by hash and by signature, every unknown
 * code gets one page, and a client that asks too often is refused (429).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOWNLOAD_API_LIMITS } from '../../functions/contract/download-api.ts';
import { rawSample } from '../fixtures/decisions.ts';

const BIN = fileURLToPath(new URL('../../bin/iep-local.mjs', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'iep-verify-page-'));
const inputs = join(work, 'decisions');
mkdirSync(inputs);

interface Doc {
  documentId: string;
  type: string;
  language: string;
  sha256: string;
  localPath: string;
  verifyUrl: string;
}

let child: ChildProcess | undefined;
let documents: Doc[] = [];

beforeAll(async () => {
  writeFileSync(join(inputs, 'good.json'), JSON.stringify(rawSample()));
  child = spawn(
    process.execPath,
    [BIN, '--json', '--fresh', '--out', join(work, 'out'), '--decisions', join(inputs, '*.json')],
    {
      env: { ...process.env, IEP_STATE_DIR: join(work, 'state'), IEP_FAILPOINT: '' },
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
  documents = JSON.parse(stdout).decisions.flatMap((d: { documents: Doc[] }) => d.documents);
}, 240_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const closed = new Promise((done) => child?.once('close', done));
    child.kill('SIGTERM');
    await closed;
  }
}, 60_000);

const iep = () => documents.find((d) => d.type === 'iep' && d.language === 'en') as Doc;
const verifyBase = () => iep().verifyUrl.replace(/\/doc_[0-9a-f]+$/, '');

function upload(file: Buffer, name = 'copy.pdf'): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(file)], { type: 'application/pdf' }), name);
  return fetch(verifyBase(), { method: 'POST', body: form });
}

describe('the verification page on npm start', () => {
  it("answers a document's code with its public facts, and nothing about the student or family", async () => {
    const doc = iep();
    expect(doc.verifyUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/verify\/doc_[0-9a-f]{24}$/);

    const response = await fetch(doc.verifyUrl);
    const page = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(page).toContain('Example Unified School District');
    expect(page).toContain('This version is the one in force.');
    expect(page).toContain(doc.sha256);
    expect(page).toContain('English');
    const sample = rawSample();
    for (const secret of [
      sample.student.firstName,
      sample.student.lastName,
      sample.student.studentId,
      sample.decisionId,
      ...sample.guardians.map((g: { name: string }) => g.name),
    ])
      expect(page).not.toContain(secret);
  });

  it('gives the form, and one and the same 404 page for unknown and malformed codes', async () => {
    const form = await fetch(verifyBase());
    const unknown = await fetch(`${verifyBase()}/doc_000000000000000000000000`);
    const malformed = await fetch(`${verifyBase()}/../%ff<script>`);
    const typed = await fetch(`${verifyBase()}?code=${encodeURIComponent('not a code')}`);

    expect(form.status).toBe(200);
    expect(await form.text()).toContain('enctype="multipart/form-data"');
    const bodies = await Promise.all([unknown, typed].map((r) => r.text()));
    expect([unknown.status, typed.status]).toEqual([404, 404]);
    expect(bodies[1]).toBe(bodies[0]);
    // A path the page does not serve is the download endpoint's one invalid page.
    expect(malformed.status).toBe(404);
  });

  it('finds the code a typed form sends, in capitals and with spaces', async () => {
    const code = iep().documentId.toUpperCase().replace('_', ' _ ');
    const response = await fetch(`${verifyBase()}?code=${encodeURIComponent(code)}`);

    expect(response.status).toBe(200);
    expect(await response.text()).toContain(iep().sha256);
  });

  it('compares an uploaded file by hash and by signature', async () => {
    const genuine = readFileSync(iep().localPath);
    const changed = Buffer.from(genuine);
    // One byte of the signed content changed (the PDF header's comment).
    changed[10] = changed[10] === 0x41 ? 0x42 : 0x41;

    const same = await upload(genuine);
    const forged = await upload(changed);
    const unsigned = await upload(Buffer.from('%PDF-1.7\n%%EOF\n'));

    expect(same.status).toBe(200);
    const samePage = await same.text();
    expect(samePage).toContain('Your file is the genuine file, byte for byte.');
    expect(samePage).toContain('Its signature is intact');
    expect(forged.status).toBe(200);
    const forgedPage = await forged.text();
    expect(forgedPage).toContain('NOT the file the district issued');
    expect(forgedPage).toContain('changed after it was signed');
    expect(unsigned.status).toBe(404);
    expect(await unsigned.text()).toContain('It carries no signature that can be read.');
  });

  it('refuses a client that asks more often than the per-client limit (429)', async () => {
    const { requests } = DOWNLOAD_API_LIMITS.verifyPerClient;
    const statuses: number[] = [];
    for (let i = 0; i <= requests; i++)
      statuses.push((await fetch(`${verifyBase()}/doc_000000000000000000000001`)).status);

    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
  });
});
