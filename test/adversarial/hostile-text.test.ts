/**
 * Hostile text in every free-text field of a decision, rendered through the real engine
 * (templates, locked-down Chromium, signing): nothing reaches the loopback canaries, no local
 * file is read into a PDF, no Handlebars expression is evaluated, nothing is polluted.
 */
import { readFileSync } from 'node:fs';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decision } from '../../functions/core/decision.ts';
import { checkDecision } from '../../functions/core/validate.ts';
import type { DocumentEngine } from '../../functions/render/engine.ts';
import type { PdfPrinter } from '../../functions/render/ports.ts';
import { rawSample } from '../fixtures/decisions.ts';
import { testEngine } from '../fixtures/engine.ts';
import { readPdf } from '../unit/chromium-pdf-reader.ts';
import { type Canary, startCanary, startRedirector } from './support/canary.ts';
import { hostilePayloads, LOCAL_FILES, type Payload } from './support/corpus.ts';
import { recordFigure } from './support/figures.ts';
import { type FieldPath, freeTextFields, pathText, setAt } from './support/free-text.ts';

const PART = 'hostile text';
const SAMPLES = ['annual-grade4-en', 'transition-es', 'amendment-en'];

/** Text compared without whitespace and invisible characters (line breaks, bidi marks, NUL). */
const squash = (text: string) => text.normalize('NFKC').replace(/[\s\p{C}]/gu, '');

/** Brackets as a right-to-left run shows them (Unicode bidi mirroring). */
const MIRRORED: Record<string, string> = {
  '<': '>',
  '>': '<',
  '(': ')',
  ')': '(',
  '[': ']',
  ']': '[',
};

/**
 * Whether a payload is in the squashed PDF text. A right-to-left override prints its text
 * reversed and mirrored, and pdf.js reads it in visual order.
 */
function printedIn(text: string, payload: string): boolean {
  const plain = squash(payload);
  const visual = [...plain]
    .reverse()
    .map((c) => MIRRORED[c] ?? c)
    .join('');
  return text.includes(plain) || text.includes(visual);
}

/** Own `__proto__`/`constructor` keys, or an object whose prototype is not a plain one. */
function carriesPoison(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return true;
  if (Object.hasOwn(value, '__proto__') || Object.hasOwn(value, 'constructor')) return true;
  return Object.values(value).some(carriesPoison);
}

function checked(raw: unknown): Decision {
  const result = checkDecision(raw);
  if (result.kind !== 'checked' || result.problems.length > 0) {
    throw new Error(`decision does not check: ${JSON.stringify(result.problems).slice(0, 500)}`);
  }
  return result.decision;
}

/** The text of every PDF a decision renders to. */
async function renderedText(engine: DocumentEngine, decision: Decision): Promise<string> {
  const result = await engine.render(decision);
  if (result.kind !== 'documents') throw new Error(`not rendered: ${JSON.stringify(result)}`);
  const texts = await Promise.all(result.documents.map(async (d) => (await readPdf(d.pdf)).text));
  return texts.join('\n');
}

/** Lines of the machine's local files that a leak would show (long enough to be telling). */
function localFileLines(): string[] {
  return LOCAL_FILES.flatMap((file) => {
    try {
      return readFileSync(file, 'utf8')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line.length >= 8);
    } catch {
      return [];
    }
  });
}

describe('hostile text in every free-text field', () => {
  let engine: DocumentEngine;
  let printer: PdfPrinter;
  const canaries: Canary[] = [];
  let payloads: Payload[];

  beforeAll(async () => {
    const v4 = await startCanary('127.0.0.1');
    if (!v4) throw new Error('no IPv4 loopback');
    const v6 = await startCanary('::1');
    const redirect = await startRedirector(`http://127.0.0.1:${v4.port}/redirected`);
    if (!redirect) throw new Error('no redirector');
    canaries.push(v4, redirect, ...(v6 ? [v6] : []));
    payloads = hostilePayloads({ v4: v4.port, v6: v6?.port, redirect: redirect.port });
    ({ engine, printer } = await testEngine());
  });

  afterAll(async () => {
    await printer?.close();
    await Promise.all(canaries.map((c) => c.close()));
  });

  it('renders every payload as literal text, fetching nothing and reading no local file', async () => {
    // Prepare: which free-text fields each sample prints, found with a probe token per field.
    const samples: {
      name: string;
      fields: { path: FieldPath; max: number }[];
      printed: Set<string>;
    }[] = [];
    for (const name of SAMPLES) {
      const raw = rawSample(name);
      const fields = freeTextFields(raw);
      for (const [i, field] of fields.entries()) setAt(raw, field.path, `FieldProbe${i}x`);
      const text = squash(await renderedText(engine, checked(raw)));
      const printed = new Set(
        fields.filter((_, i) => text.includes(`FieldProbe${i}x`)).map((f) => pathText(f.path)),
      );
      samples.push({ name, fields, printed });
    }
    // Every payload into free-text fields, every free-text field of each decision filled.
    const placements: { decision: number; payload: Payload; printed: boolean }[] = [];
    const decisions: Decision[] = [];
    let next = 0;
    while (next < payloads.length || decisions.length < SAMPLES.length) {
      const sample = samples[decisions.length % samples.length] as (typeof samples)[number];
      const raw = rawSample(sample.name);
      raw.decisionId = `hostile-${decisions.length}`;
      for (const field of sample.fields) {
        // The next payload that fits the field's length limit.
        let payload: Payload | undefined;
        for (let tries = 0; tries < payloads.length && !payload; tries++) {
          const candidate = payloads[(next + tries) % payloads.length] as Payload;
          if (candidate.text.length <= field.max) {
            payload = candidate;
            if (tries === 0) next++;
          }
        }
        if (!payload) continue;
        setAt(raw, field.path, payload.text);
        placements.push({
          decision: decisions.length,
          payload,
          printed: sample.printed.has(pathText(field.path)),
        });
      }
      decisions.push(checked(raw));
    }

    // Act
    const texts: string[] = [];
    for (const decision of decisions) texts.push(await renderedText(engine, decision));
    // One more print: anything the hostile pages queued has had its chance to leave.
    await renderedText(engine, checked(rawSample()));

    // Assess
    const requests = canaries.reduce((sum, c) => sum + c.hits, 0);
    const fileLines = localFileLines();
    const leakedFiles = texts.filter(
      (text) => text.includes('root:x:0:0') || fileLines.some((line) => text.includes(line)),
    ).length;
    const missing = placements.filter(
      (p) => p.printed && !printedIn(squash(texts[p.decision] ?? ''), p.payload.text),
    );
    const evaluated = missing.filter((p) => p.payload.handlebars);
    const distinct = new Set(placements.map((p) => p.payload.text)).size;
    const printedHandlebars = new Set(
      placements.filter((p) => p.printed && p.payload.handlebars).map((p) => p.payload.text),
    ).size;
    const figures = [
      { name: 'distinct hostile payloads placed', value: distinct, atLeast: 200 },
      {
        name: 'decisions rendered with payloads in every free-text field',
        value: decisions.length,
        atLeast: 3,
      },
      {
        name: 'payload placements checked literally in the PDF text',
        value: placements.filter((p) => p.printed).length,
        atLeast: 200,
      },
      { name: 'requests that reached a canary server on loopback', value: requests, equals: 0 },
      { name: 'PDFs containing local file content', value: leakedFiles, equals: 0 },
      { name: 'Handlebars expressions evaluated', value: evaluated.length, equals: 0 },
      { name: 'printed payloads missing from the PDF text', value: missing.length, equals: 0 },
    ];
    for (const figure of figures) recordFigure({ ...figure, part: PART });
    expect(distinct).toBe(payloads.length);
    expect(printedHandlebars).toBeGreaterThan(0);
    expect(placements.filter((p) => p.printed).length).toBeGreaterThanOrEqual(200);
    expect(requests).toBe(0);
    expect(leakedFiles).toBe(0);
    expect(missing.map((p) => p.payload.text)).toEqual([]);
  });

  it('rejects prototype-pollution keys and leaves Object.prototype untouched', async () => {
    // Prepare: __proto__ and constructor.prototype as JSON keys at several depths.
    const sample = readFileSync(
      new URL('../../samples/decisions/annual-grade4-en.json', import.meta.url),
      'utf8',
    );
    const poison =
      '"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}';
    const variants = [
      sample.replace('{', `{ ${poison},`),
      sample.replace('"student": {', `"student": { ${poison},`),
      sample.replace('"iep": {', `"iep": { "__proto__": {"polluted": "yes"},`),
      sample.replace(
        '"presentLevels": {',
        `"presentLevels": { "constructor": {"prototype": {"polluted": "yes"}},`,
      ),
      sample.replace('"guardians": [', `"guardians": [{ "__proto__": {"isAdmin": true} },`),
    ];
    const before = Object.getOwnPropertyNames(Object.prototype).sort();

    // Act
    const verdicts: ('rejected' | 'stripped' | 'kept')[] = [];
    const judge = async (value: unknown) => {
      const result = checkDecision(value);
      if (result.kind === 'invalid') return verdicts.push('rejected');
      verdicts.push(carriesPoison(result.decision) ? 'kept' : 'stripped');
      await engine.render(result.decision);
    };
    for (const text of variants) {
      const value = JSON.parse(text);
      await judge(value);
      // Through the DynamoDB path too: marshalled into an item and read back from the stream.
      let item: unknown;
      try {
        item = unmarshall(marshall(value, { removeUndefinedValues: true }));
      } catch {
        item = undefined; // the table refuses such an item: nothing to render
      }
      if (item !== undefined) await judge(item);
    }

    // Assess
    const polluted =
      Number(({} as Record<string, unknown>).polluted !== undefined) +
      Number(({} as Record<string, unknown>).isAdmin !== undefined) +
      Number(
        JSON.stringify(Object.getOwnPropertyNames(Object.prototype).sort()) !==
          JSON.stringify(before),
      );
    recordFigure({ name: 'prototype pollution observed', value: polluted, equals: 0, part: PART });
    const kept = verdicts.filter((v) => v === 'kept').length;
    recordFigure({
      name: 'decisions accepted with a __proto__/constructor key kept',
      value: kept,
      equals: 0,
      part: PART,
    });
    expect(polluted).toBe(0);
    expect(kept).toBe(0);
    expect(verdicts.filter((v) => v === 'rejected').length).toBeGreaterThanOrEqual(variants.length);
  });
});
