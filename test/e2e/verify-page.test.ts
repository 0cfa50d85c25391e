/**
 * The "Is this copy genuine?" page end to end on the one-machine runtime: `npm start` (not
 * --once) prints `Verify:`-style addresses, each document's `verifyUrl` answers with its public
 * facts and no personal data, a superseded version's documents say by which version and since
 * when, the page speaks the asker's language, an upload is compared by hash and by signature,
 * every unknown code gets one page, and a client that asks too often is refused (429).
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

/** When version 2 was finalized: in the district's time zone, December 1, 2026. */
const SUPERSEDED_AT = '2026-12-01T10:00:00-08:00';

interface Doc {
  version: number;
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
  // Version 2 of the same decision, finalized later: it supersedes version 1.
  writeFileSync(
    join(inputs, 'good-v2.json'),
    JSON.stringify({ ...rawSample(), version: 2, finalizedAt: SUPERSEDED_AT }),
  );
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
  documents = JSON.parse(stdout).decisions.flatMap((d: { version: number; documents: Doc[] }) =>
    d.documents.map((doc) => ({ ...doc, version: d.version })),
  );
}, 240_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const closed = new Promise((done) => child?.once('close', done));
    child.kill('SIGTERM');
    await closed;
  }
}, 60_000);

/** The English IEP of a version (the one in force, version 2, by default). */
const iep = (version = 2) =>
  documents.find((d) => d.type === 'iep' && d.language === 'en' && d.version === version) as Doc;
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

  it('says of a superseded version’s document which version superseded it, and on what date', async () => {
    const old = iep(1);
    expect(old.documentId).not.toBe(iep(2).documentId);

    const response = await fetch(old.verifyUrl);
    const page = await response.text();

    expect(response.status).toBe(200);
    expect(page).toContain(
      'This version is no longer in force: version 2 superseded it on December 1, 2026.',
    );
    expect(page).toContain(old.sha256);
    expect(page).not.toContain('This version is the one in force.');
  });

  it('speaks the language Accept-Language or ?lang= asks for', async () => {
    const spanish = await fetch(iep(1).verifyUrl, { headers: { 'Accept-Language': 'es-MX,es' } });
    const vietnamese = await fetch(`${iep(2).verifyUrl}?lang=vi`);

    expect(spanish.headers.get('content-language')).toBe('es');
    expect(await spanish.text()).toContain(
      'Esta versión ya no está vigente: la versión 2 la reemplazó el 1 de diciembre de 2026.',
    );
    expect(await vietnamese.text()).toContain('Phiên bản này là phiên bản đang có hiệu lực.');
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
