import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyPdf } from '../../functions/render/signing/index.ts';
import { rawSample } from '../fixtures/decisions.ts';

const BIN = new URL('../../bin/iep-local.mjs', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'iep-docs-runtime-'));
const inputs = join(work, 'decisions');
mkdirSync(inputs);

function runtime(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      'node',
      [
        BIN,
        '--once',
        '--json',
        '--out',
        join(work, 'out'),
        '--decisions',
        join(inputs, '*.json'),
        ...args,
      ],
      {
        env: { ...process.env, IEP_STATE_DIR: join(work, 'state') },
        maxBuffer: 1 << 24,
        timeout: 120_000,
      },
      (error, stdout, stderr) =>
        done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('npm start (the one-machine runtime)', () => {
  it('processes good, bad and non-decision files, accounts for every one, and creates nothing the second time', async () => {
    // Prepare
    writeFileSync(join(inputs, 'good.json'), JSON.stringify(rawSample()));
    writeFileSync(join(inputs, 'good-es.json'), JSON.stringify(rawSample('transition-es')));
    const incomplete = rawSample('amendment-en');
    delete incomplete.meeting.amendsMeetingDate;
    writeFileSync(join(inputs, 'incomplete.json'), JSON.stringify(incomplete));
    const wrong = { ...rawSample(), decisionId: 'wrong-types', student: 'nobody' };
    writeFileSync(join(inputs, 'wrong-types.json'), JSON.stringify(wrong));
    writeFileSync(join(inputs, 'not-json.json'), 'this is not JSON');
    writeFileSync(join(inputs, 'array.json'), '[1, 2, 3]');

    // Act
    const first = await runtime('--fresh');

    // Assess
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout);
    const byId = Object.fromEntries(
      summary.decisions.map((d: { decisionId: string }) => [d.decisionId, d]),
    );
    expect(byId['sample-0001'].outcome).toBe('documents-ready');
    expect(byId['sample-0002'].outcome).toBe('documents-ready');
    expect(byId['sample-0003']).toMatchObject({
      outcome: 'rejected',
      problems: [
        { path: 'meeting.amendsMeetingDate', cfr: '300.324(a)(4)', message: expect.any(String) },
      ],
    });
    expect(byId['wrong-types']).toMatchObject({
      outcome: 'rejected',
      problems: [{ path: 'student' }],
    });
    expect(
      summary.inputErrors.map((e: { file: string }) => e.file.split('/').pop()).sort(),
    ).toEqual(['array.json', 'not-json.json']);
    const c = summary.counts;
    expect(c).toMatchObject({ written: 4, documentsReady: 2, rejected: 2 });
    expect(c.written).toBe(c.documentsReady + c.rejected + c.skipped + c.deadLettered);
    // The offer goes to every guardian: email where consented, postal otherwise.
    expect(
      byId['sample-0002'].deliveries.map(
        (d: { recipientId: string; channel: string; language: string }) => [
          d.recipientId,
          d.channel,
          d.language,
        ],
      ),
    ).toEqual([
      ['G-1', 'email', 'es'],
      ['G-2', 'postal', 'es'],
    ]);
    // --once: nothing that dies with the process is printed (the emulators' pages, the links).
    expect(summary.mailbox).toBeNull();
    expect(byId['sample-0002'].deliveries[0].link).toBeNull();
    // The postal packet is copied under out/, named by its real bucket, and verifies.
    const postal = byId['sample-0002'].deliveries[1];
    expect(postal.postalUri).toBe(`s3://iep-local-documents/${postal.postalKey}`);
    expect(postal.localPath).toMatch(/\/out\/sample-0002\/v1\/postal\/dlv_[0-9a-f]+\.pdf$/);
    const packet = verifyPdf(readFileSync(postal.localPath));
    expect(packet.intact).toBe(true);
    // B-LT like the documents: the local authority's time-stamp and the DSS.
    expect(packet.evidence?.timestampToken).toBeDefined();
    expect(packet.evidence?.dssCrls.length).toBeGreaterThan(0);
    for (const doc of byId['sample-0001'].documents) {
      expect(doc.state).toBe('created');
      // B-LT: the local time-stamping authority's token and the DSS with the chain and CRL.
      const { evidence } = verifyPdf(readFileSync(doc.localPath));
      expect(evidence?.timestampToken).toBeDefined();
      expect(evidence?.dssCrls.length).toBeGreaterThan(0);
      expect(createHash('sha256').update(readFileSync(doc.localPath)).digest('hex')).toBe(
        doc.sha256,
      );
    }

    // Act again, without --fresh
    const second = await runtime();

    expect(second.code, second.stderr).toBe(0);
    const again = JSON.parse(second.stdout);
    const documents = again.decisions.flatMap(
      (d: { documents: { state: string }[] }) => d.documents,
    );
    // English for both; the Spanish documents wait for the decision's translation (300.503(c)).
    expect(documents).toHaveLength(4);
    expect(documents.every((d: { state: string }) => d.state === 'unchanged')).toBe(true);
    // Two runs, each allowed its 120 s (runtime() above): the test's limit covers both.
  }, 300_000);

  it('calls a --decisions pattern that matches no file a usage error (exit 3) before starting anything', async () => {
    const run = await runtime('--decisions', join(work, 'nowhere', '*.json'));

    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('no decision files match');
  });
});
