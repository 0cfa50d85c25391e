/**
 * Tampering with the pipeline's own signed documents (Chromium-printed, signed by the engine):
 * a single-byte flip at any of a sample of positions makes verification fail; an incremental
 * update appended after signing (an annotation, an overlay, a full copy) is reported as not
 * covered by the signature; untouched documents pass. verifyPdf in-process for the sample,
 * `iep-docs verify` for a few.
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderedDocument } from '../../functions/render/engine.ts';
import type { PdfPrinter } from '../../functions/render/ports.ts';
import { verifyPdf } from '../../functions/render/signing/index.ts';
import { sampleDecision } from '../fixtures/decisions.ts';
import { testDevelopmentRoot, testEngine } from '../fixtures/engine.ts';
import { recordFigure } from './support/figures.ts';

const PART = 'tampering';
const CLI = fileURLToPath(new URL('../../bin/iep-docs.mjs', import.meta.url));
const POSITIONS_PER_DOCUMENT = process.env.IEP_ADVERSARIAL_FULL === '1' ? 1_000 : 150;

/** Positions across the file: its edges, the signature dictionary, even spacing, random. */
function samplePositions(pdf: Buffer): number[] {
  const text = pdf.toString('latin1');
  const positions = new Set<number>();
  const around = (at: number, n = 8) => {
    for (let i = Math.max(0, at - n); i < Math.min(pdf.length, at + n); i++) positions.add(i);
  };
  around(0, 16);
  around(pdf.length - 8, 8);
  for (const marker of ['/ByteRange', '/Contents <', 'startxref', '/SubFilter', '%%EOF']) {
    around(text.lastIndexOf(marker));
  }
  const step = Math.max(1, Math.floor(pdf.length / (POSITIONS_PER_DOCUMENT / 2)));
  for (let at = 0; at < pdf.length; at += step) positions.add(at);
  while (positions.size < POSITIONS_PER_DOCUMENT) positions.add(randomInt(0, pdf.length));
  return [...positions].sort((a, b) => a - b);
}

/** The last definition of a page object, its number and the trailer's /Root and startxref. */
function lastPage(pdf: Buffer) {
  const text = pdf.toString('latin1');
  const pages = [
    ...text.matchAll(/(\d+) 0 obj\s*<<(?:(?!endobj)[\s\S])*?\/Type\s*\/Page(?![a-z])/g),
  ];
  const number = Number(pages[0]?.[1]);
  const starts = [...text.matchAll(new RegExp(`(?<![0-9])${number} 0 obj`, 'g'))];
  const start = starts.at(-1)?.index ?? -1;
  const body = text.slice(text.indexOf('<<', start), text.indexOf('endobj', start)).trim();
  const root = [...text.matchAll(/\/Root\s+(\d+ \d+ R)/g)].at(-1)?.[1];
  const prev = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)?.[1]);
  const size = Math.max(...[...text.matchAll(/\/Size\s+(\d+)/g)].map((m) => Number(m[1])));
  return { number, body, root, prev, size };
}

/** Appends an incremental update with `objects` (number → body) to `pdf`. */
function appendUpdate(
  pdf: Buffer,
  objects: Map<number, string>,
  root: string,
  prev: number,
  size: number,
) {
  // The update starts on a new line after the signed file's %%EOF.
  let offset = pdf.length + 1;
  let body = '\n';
  const entries: string[] = [];
  for (const [number, dict] of objects) {
    const object = `${number} 0 obj\n${dict}\nendobj\n`;
    entries.push(`${number} 1\n${String(offset).padStart(10, '0')} 00000 n \n`);
    body += object;
    offset += Buffer.byteLength(object, 'latin1');
  }
  const trailer = `xref\n${entries.join('')}trailer\n<</Size ${size} /Root ${root} /Prev ${prev}>>\nstartxref\n${offset}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(body + trailer, 'latin1')]);
}

/** The three kinds of update a forger would append after signing. */
function forgeries(pdf: Buffer): Record<string, Buffer> {
  const page = lastPage(pdf);
  if (!page.root || !Number.isFinite(page.number)) throw new Error('no page or root found');
  const annotation = page.size;
  const overlay = page.size + 1;
  const withAnnots = page.body.includes('/Annots')
    ? page.body.replace(/\/Annots\s*\[/, `/Annots [${annotation} 0 R `)
    : page.body.replace(/>>\s*$/, `/Annots [${annotation} 0 R]>>`);
  const stream = '0 0 1 rg 72 600 300 80 re f';
  const contents = /\/Contents\s+(\d+ 0 R|\[[^\]]*\])/.exec(page.body)?.[1] ?? '';
  const list = contents.startsWith('[') ? contents.slice(1, -1) : contents;
  const withOverlay = page.body.replace(
    /\/Contents\s+(\d+ 0 R|\[[^\]]*\])/,
    `/Contents [${list} ${overlay} 0 R]`,
  );
  return {
    annotation: appendUpdate(
      pdf,
      new Map([
        [
          annotation,
          '<</Type /Annot /Subtype /FreeText /Rect [72 600 372 680] /Contents (Changed after signing) /DA (/Helv 12 Tf 0 g)>>',
        ],
        [page.number, withAnnots],
      ]),
      page.root,
      page.prev,
      annotation + 1,
    ),
    overlay: appendUpdate(
      pdf,
      new Map([
        [overlay, `<</Length ${stream.length}>>\nstream\n${stream}\nendstream`],
        [page.number, withOverlay],
      ]),
      page.root,
      page.prev,
      overlay + 1,
    ),
    'full copy': Buffer.concat([pdf, pdf]),
  };
}

describe('signed documents of the pipeline, tampered with', () => {
  let printer: PdfPrinter;
  let documents: RenderedDocument[];
  const dir = mkdtempSync(join(tmpdir(), 'iep-adv-tamper-'));

  beforeAll(async () => {
    const made = await testEngine();
    printer = made.printer;
    documents = [];
    for (const name of ['annual-grade4-en', 'transition-es']) {
      const result = await made.engine.render(sampleDecision(name));
      if (result.kind !== 'documents') throw new Error(`${name} not rendered`);
      documents.push(...result.documents);
    }
  });

  afterAll(async () => {
    await printer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails verification for a single-byte flip at every sampled position', () => {
    // Prepare
    let flips = 0;
    const stillIntact: string[] = [];

    // Act
    for (const doc of documents) {
      const pdf = Buffer.from(doc.pdf);
      for (const at of samplePositions(pdf)) {
        const tampered = Buffer.from(pdf);
        tampered[at] = (tampered[at] as number) ^ 0x01;
        flips++;
        if (verifyPdf(tampered).intact) stillIntact.push(`${doc.type}.${doc.language}@${at}`);
      }
    }

    // Assess
    recordFigure({ name: 'single-byte flips tried', value: flips, atLeast: 500, part: PART });
    recordFigure({
      name: 'flipped documents still verifying',
      value: stillIntact.length,
      equals: 0,
      part: PART,
    });
    expect(documents.length).toBeGreaterThanOrEqual(4);
    expect(stillIntact).toEqual([]);
  });

  it('reports updates appended after signing as not covered, and passes untouched controls', () => {
    // Act
    const verdicts = documents.flatMap((doc) =>
      Object.entries(forgeries(Buffer.from(doc.pdf))).map(([kind, forged]) => ({
        kind,
        result: verifyPdf(forged),
      })),
    );
    const controls = documents.map((doc) => verifyPdf(doc.pdf));

    // Assess
    const notReported = verdicts.filter(
      (v) =>
        v.result.intact ||
        !v.result.problems.includes('an incremental update follows the signature'),
    );
    const controlsFailing = controls.filter((r) => !r.intact).length;
    recordFigure({
      name: 'appended updates not reported as uncovered',
      value: notReported.length,
      equals: 0,
      part: PART,
    });
    recordFigure({
      name: 'untouched signed documents failing verification',
      value: controlsFailing,
      equals: 0,
      part: PART,
    });
    expect(verdicts).toHaveLength(documents.length * 3);
    expect(notReported.map((v) => v.kind)).toEqual([]);
    expect(controlsFailing).toBe(0);
  });

  it('makes `iep-docs verify` exit 0 for an untouched document and 1 for tampered ones', () => {
    // Prepare
    const doc = documents[0] as RenderedDocument;
    const pdf = Buffer.from(doc.pdf);
    const flipped = Buffer.from(pdf);
    const middle = Math.floor(pdf.length / 2);
    flipped[middle] = (flipped[middle] as number) ^ 0x01;
    const files = {
      untouched: pdf,
      flipped,
      annotation: forgeries(pdf).annotation as Buffer,
      overlay: forgeries(pdf).overlay as Buffer,
    };
    for (const [name, bytes] of Object.entries(files))
      writeFileSync(join(dir, `${name}.pdf`), bytes);

    // Act
    const verify = (name: string) =>
      spawnSync(
        process.execPath,
        [CLI, 'verify', join(dir, `${name}.pdf`), '--trust', testDevelopmentRoot],
        { encoding: 'utf8' },
      );
    const codes = Object.fromEntries(Object.keys(files).map((name) => [name, verify(name)]));

    // Assess
    const cliWrong = Object.entries(codes).filter(
      ([name, run]) => run.status !== (name === 'untouched' ? 0 : 1),
    ).length;
    recordFigure({
      name: '`iep-docs verify` runs with the wrong exit code',
      value: cliWrong,
      equals: 0,
      part: PART,
    });
    expect(Object.fromEntries(Object.entries(codes).map(([n, r]) => [n, r.status]))).toEqual({
      untouched: 0,
      flipped: 1,
      annotation: 1,
      overlay: 1,
    });
    expect(codes.annotation?.stderr).toContain('an incremental update follows the signature');
  });
});
