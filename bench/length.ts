/**
 * `npm run bench:length`: how the cost of an IEP grows with its length. Renders a short IEP
 * (the 5-page sample) and a long one (40 goals with objectives, a long evaluation summary:
 * about 60 pages) through the real engine (template → PDF in Chromium → signature), each
 * `--runs` times after one warm-up, and prints the time per document and per page. JSON on
 * stdout, a table on stderr. A benchmark, not a test: it asserts nothing.
 */
import { parseArgs } from 'node:util';
import { loadDistrictDirectory } from '../functions/adapters/district-files.ts';
import { documentId } from '../functions/core/documents.ts';
import { checkDecision } from '../functions/core/validate.ts';
import { loadLocales } from '../functions/render/locales.ts';
import { testEngine } from '../test/fixtures/engine.ts';
import { longDecision } from './long-decision.ts';
import { round, summarize } from './stats.ts';

const VARIANTS = {
  short: { goals: 3, textChars: 1_200, objectives: 0 },
  long: { goals: 40, textChars: 52_000, objectives: 6 },
} as const;

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number ≥ 1`);

const { engine, printer } = await testEngine();
const districts = loadDistrictDirectory();
const en = loadLocales().get('en');
if (!en) throw new Error('no English locale');
const report: Record<string, unknown> = { command: `bench:length --runs ${runs}`, variants: {} };
try {
  for (const [name, options] of Object.entries(VARIANTS)) {
    const checked = checkDecision(longDecision(options, `length-${name}`));
    if (checked.kind !== 'checked' || checked.problems.length > 0)
      throw new Error(`${name}: ${JSON.stringify(checked.problems)}`);
    const { decision } = checked;
    const ctx = {
      decision,
      district: districts.get(decision.districtId),
      type: 'iep' as const,
      locale: en,
      documentId: documentId({ ...decision, type: 'iep', language: 'en' }),
      draft: null,
      decisionTextLanguage: 'en',
    };
    await engine.renderDocument(ctx); // warm-up: first layout and font loads
    const total: number[] = [];
    const phases = { template: [] as number[], pdf: [] as number[], sign: [] as number[] };
    let pages = 0;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const doc = await engine.renderDocument(ctx);
      total.push(performance.now() - t0);
      pages = doc.pages;
      phases.template.push(doc.timings.template);
      phases.pdf.push(doc.timings.pdf);
      phases.sign.push(doc.timings.sign);
    }
    const perDocument = summarize(total);
    (report.variants as Record<string, unknown>)[name] = {
      pages,
      goals: options.goals,
      presentLevelsChars: options.textChars,
      perDocumentMs: perDocument,
      perPageMs: round(perDocument.mean / pages, 1),
      phasesMeanMs: Object.fromEntries(
        Object.entries(phases).map(([k, v]) => [k, round(summarize(v).mean, 1)]),
      ),
    };
    process.stderr.write(
      `${name.padEnd(6)} ${String(pages).padStart(3)} pages  ${round(perDocument.mean, 0)} ms/document (p50 ${round(perDocument.p50, 0)})  ${round(perDocument.mean / pages, 1)} ms/page\n`,
    );
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  await printer.close();
}
