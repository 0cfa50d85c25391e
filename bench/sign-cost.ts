/**
 * `npx tsx bench/sign-cost.ts [--rounds N] [--pdf FILE] [--signer-dir DIR]`: what `signPdf` (B-B,
 * the development signer) costs per document, as wall time and as this process's CPU time
 * (getrusage: less disturbed than wall time by other work on a shared machine). The first
 * quarter of the rounds warms up and is not counted. Prints one JSON object; figures belong in
 * docs/scale.md.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadLocalSigner, signPdf } from '../functions/render/signing/index.ts';
import { classicPdf, metadata, signingTime } from '../test/unit/signing/fixtures.ts';
import { summarize } from './stats.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '400' },
    pdf: { type: 'string' },
    'signer-dir': { type: 'string' },
  },
});
const rounds = Number(values.rounds);
const pdf = values.pdf ? new Uint8Array(readFileSync(values.pdf)) : classicPdf();
const signer = await loadLocalSigner({
  devDir: values['signer-dir'] ?? mkdtempSync(join(tmpdir(), 'iep-sign-cost-')),
});
const options = { signer, reason: 'bench', location: 'bench', signingTime, metadata };

const wall: number[] = [];
const cpu: number[] = [];
for (let round = 0; round < rounds; round++) {
  const started = performance.now();
  const usage = process.cpuUsage();
  await signPdf(pdf, options);
  const used = process.cpuUsage(usage);
  if (round < rounds / 4) continue;
  wall.push(performance.now() - started);
  cpu.push((used.user + used.system) / 1000);
}
console.log(
  JSON.stringify({
    rounds: wall.length,
    pdfBytes: pdf.length,
    wallMs: summarize(wall),
    cpuMs: summarize(cpu),
  }),
);
