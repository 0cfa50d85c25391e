/**
 * Long records (issue 15): a 22,000-character present-levels text and a 40-goal IEP are
 * accepted, render, paginate with the running footer on every page, and stay signed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { longDecision } from '../../bench/long-decision.ts';
import { checkDecision } from '../../functions/core/validate.ts';
import type { DocumentEngine, RenderedDocument } from '../../functions/render/engine.ts';
import type { PdfPrinter } from '../../functions/render/ports.ts';
import { verifyPdf } from '../../functions/render/signing/index.ts';
import { testEngine } from '../fixtures/engine.ts';

let engine: DocumentEngine;
let printer: PdfPrinter;
beforeAll(async () => {
  ({ engine, printer } = await testEngine());
});
afterAll(async () => {
  await printer.close();
});

/** The text of each page, when poppler's pdftotext is installed (null otherwise). */
function pageTexts(pdf: Uint8Array): string[] | null {
  if (spawnSync('pdftotext', ['-v']).error) return null;
  const file = join(mkdtempSync(join(tmpdir(), 'iep-long-')), 'iep.pdf');
  writeFileSync(file, pdf);
  const out = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  return out.stdout.split('\f').filter((page) => page.trim() !== '');
}

describe('a long IEP', () => {
  it('with 40 goals and 22,000 characters of present levels renders, paginates and is signed', async () => {
    const raw = longDecision({ goals: 40, textChars: 22_000 });
    const checked = checkDecision(raw, { state: 'CA' });
    expect(checked.kind === 'checked' && checked.problems).toEqual([]);
    if (checked.kind !== 'checked') return;

    const stream = await engine.renderEach(checked.decision);
    expect(stream.kind).toBe('documents');
    if (stream.kind !== 'documents') return;
    const docs: RenderedDocument[] = [];
    for await (const doc of stream.documents) docs.push(doc);

    const iep = docs.find((d) => d.type === 'iep');
    expect(iep?.pages).toBeGreaterThan(20);
    if (!iep) return;
    expect(verifyPdf(iep.pdf)).toMatchObject({ intact: true, problems: [] });
    const pages = pageTexts(iep.pdf);
    if (pages === null) {
      console.log('pdftotext is not installed: the page-by-page footer check was not run');
      return;
    }
    expect(pages).toHaveLength(iep.pages);
    pages.forEach((text, i) => {
      expect(text, `page ${i + 1}`).toContain(`Page ${i + 1} of ${iep.pages}`);
    });
    // The last section, then the words the IEP uses, then the signature statement end it.
    const all = pages.join('\n');
    const team = all.indexOf('IEP Team Participants');
    const words = all.indexOf('Words used in this document');
    expect(team).toBeGreaterThan(-1);
    expect(words).toBeGreaterThan(team);
    expect(all.indexOf('This document is digitally signed')).toBeGreaterThan(words);
    expect(pages.at(-1)).toContain('This document is digitally signed');
  });
});
