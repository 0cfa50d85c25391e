import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawSample } from '../fixtures/decisions.ts';

const BIN = new URL('../../bin/iep-docs.mjs', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'iep-docs-cli-'));
const state = join(work, 'state');

/** Runs the installed command as a user would. */
function iepDocs(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      'node',
      [BIN, ...args],
      { cwd: work, env: { ...process.env, IEP_STATE_DIR: state }, maxBuffer: 1 << 24 },
      (error, stdout, stderr) =>
        done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function file(name: string, content: unknown): string {
  const path = join(work, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const complete = file('complete.json', rawSample());
const incomplete = file(
  'incomplete.json',
  (() => {
    const d = rawSample();
    d.decisionId = 'incomplete-1';
    delete d.iep.goals[0].criteria;
    d.priorWrittenNotice.explanation = '';
    return d;
  })(),
);
const wrongTypes = file(
  'wrong-types.json',
  (() => {
    const d = rawSample();
    d.decisionId = 'wrong-types-1';
    d.version = 'one';
    return d;
  })(),
);
const notJson = file('not-json.json', '{ "schemaVersion": 1,');

describe('iep-docs validate', () => {
  it('exits 0 and says so for a valid, complete decision', async () => {
    const result = await iepDocs('validate', complete);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, decisionId: 'sample-0001' });
  });

  it('exits 2 naming each problem as FILE: path: message (CFR reference)', async () => {
    const result = await iepDocs('validate', complete, incomplete, wrongTypes, notJson);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toContain(
      `${incomplete}: iep.goals[0].criteria: the goal's criteria is required (34 CFR 300.320(a)(2)(i))`,
    );
    expect(lines).toContain(
      `${incomplete}: priorWrittenNotice.explanation: why the district proposes or refuses the action is required (34 CFR 300.503(b)(2))`,
    );
    expect(lines.some((l) => l.startsWith(`${wrongTypes}: version: `))).toBe(true);
    expect(lines.some((l) => l.startsWith(`${notJson}: (file): not valid JSON: `))).toBe(true);
  });

  it('exits 3 for a missing file and for an unknown option', async () => {
    expect((await iepDocs('validate', join(work, 'missing.json'))).code).toBe(3);
    expect((await iepDocs('validate', '--colour', complete)).code).toBe(3);
    expect((await iepDocs('frobnicate', complete)).code).toBe(3);
  });
});

describe('iep-docs render and verify', () => {
  let canary: Server;
  let hits = 0;
  let port = 0;
  beforeAll(async () => {
    canary = createServer((_, res) => {
      hits += 1;
      res.end('canary');
    });
    await new Promise<void>((done) => canary.listen(0, '127.0.0.1', done));
    port = (canary.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((done) => canary.close(() => done())));

  it('writes signed documents for valid decisions, nothing for invalid ones, and exits 2', async () => {
    const hostile = rawSample();
    hostile.decisionId = 'hostile-1';
    hostile.iep.presentLevels.academic = `<img src="http://127.0.0.1:${port}/img"> {{constructor.name}} http://127.0.0.1:${port}/link <link rel=stylesheet href="http://127.0.0.1:${port}/css">`;
    const hostileFile = file('hostile.json', hostile);
    const out = join(work, 'out');

    const result = await iepDocs(
      'render',
      complete,
      hostileFile,
      incomplete,
      notJson,
      '--out',
      out,
    );

    expect(result.code).toBe(2);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => `${l.decisionId}/${l.type}.${l.language}`).sort()).toEqual([
      'hostile-1/iep.en',
      'hostile-1/prior-written-notice.en',
      'sample-0001/iep.en',
      'sample-0001/prior-written-notice.en',
    ]);
    for (const l of lines)
      expect(l).toMatchObject({
        version: 1,
        pages: expect.any(Number),
        bytes: expect.any(Number),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
    expect(readdirSync(out).sort()).toEqual(['hostile-1', 'sample-0001']);
    expect(hits).toBe(0);

    const iep = join(out, 'sample-0001', 'v1', 'iep.en.pdf');
    const verified = await iepDocs('verify', iep);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({
      intact: true,
      trusted: true,
      reason: null,
      level: 'B-B',
      decisionId: 'sample-0001',
      version: 1,
      signer: expect.stringContaining('DEVELOPMENT'),
      issuer: expect.stringContaining('DEVELOPMENT root CA'),
    });

    const tampered = Buffer.from(readFileSync(iep));
    const at = Math.floor(tampered.length / 3);
    tampered[at] = (tampered[at] ?? 0) ^ 0x01;
    const bad = file('tampered.pdf', tampered);
    expect((await iepDocs('verify', bad)).code).toBe(1);
  });

  it("with --html, writes each document's HTML beside its PDF, fonts inlined", async () => {
    const out = join(work, 'out-html');
    const result = await iepDocs('render', complete, '--out', out, '--html');
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line.html).toBe(line.path.replace(/\.pdf$/, '.html'));
      const html = readFileSync(line.html, 'utf8');
      expect(html).toMatch(/^<!DOCTYPE html>/);
      expect(html).toContain('data:font/woff2;base64,');
      expect(html).not.toContain('fonts.iep-docs.invalid');
    }
    expect(readdirSync(join(out, 'sample-0001', 'v1')).sort()).toEqual([
      'iep.en.html',
      'iep.en.pdf',
      'prior-written-notice.en.html',
      'prior-written-notice.en.pdf',
    ]);
  });

  it('renders a draft as a watermarked preview and a withdrawn decision not at all', async () => {
    const draft = rawSample();
    draft.decisionId = 'draft-1';
    draft.status = 'draft';
    draft.iep.goals = [];
    const withdrawn = rawSample();
    withdrawn.decisionId = 'withdrawn-1';
    withdrawn.status = 'withdrawn';
    const out = join(work, 'out-drafts');

    const result = await iepDocs(
      'render',
      file('draft.json', draft),
      file('withdrawn.json', withdrawn),
      '--out',
      out,
    );

    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/withdrawn-1 v1 is withdrawn: no document rendered/);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.every((l) => l.decisionId === 'draft-1' && l.signed === false)).toBe(true);
    const verified = await iepDocs('verify', lines[0]?.path);
    expect(verified.code).toBe(1);
  });
});
