/**
 * `npm run test:load`: writes N decisions (default 2,000) at once into the one-machine runtime,
 * as districts' systems would, drains the stream through the real handler, and checks that
 * every decision ended with an outcome (none lost, none pending) and every document in S3 matches
 * its record. Prints the throughput, the p50/p95 latency from write to outcome (mostly time in
 * the queue, since all are written at once) and the p50/p95 time per decision.
 *
 * Usage: npm run test:load [-- --count 2000 --keep]
 * Exit 0 when nothing was lost, 1 otherwise, 2 when the runtime failed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { jsonLog } from '../infra/local/log.ts';
import { LocalRuntime } from '../infra/local/runtime.ts';

const SAMPLES = ['annual-grade4-en', 'amendment-en', 'transition-es'];
const samplesDir = new URL('../samples/decisions/', import.meta.url);

/** N decisions made from the samples, each with fresh decision and student ids. */
export function loadDecisions(count: number): Record<string, unknown>[] {
  const samples = SAMPLES.map((name) =>
    JSON.parse(readFileSync(new URL(`${name}.json`, samplesDir), 'utf8')),
  );
  return Array.from({ length: count }, (_, i) => {
    const decision = structuredClone(samples[i % samples.length]);
    decision.decisionId = `load-${String(i).padStart(5, '0')}`;
    decision.student.studentId = `L-${String(i).padStart(6, '0')}`;
    return decision;
  });
}

/** The p-th percentile (0-100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { count: { type: 'string', default: '2000' }, keep: { type: 'boolean' } },
  });
  const count = Number(values.count);
  const work = mkdtempSync(join(tmpdir(), 'iep-load-'));
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const decisionsDir = join(work, 'decisions');
  mkdirSync(decisionsDir);
  const files = loadDecisions(count).map((decision) => {
    const file = join(decisionsDir, `${decision.decisionId}.json`);
    writeFileSync(file, JSON.stringify(decision));
    return file;
  });

  const log = jsonLog('error', (line) => process.stderr.write(`${line}\n`));
  let runtime: LocalRuntime;
  try {
    runtime = await LocalRuntime.start({
      stateDir: join(work, 'state'),
      outDir: join(work, 'out'),
      fresh: true,
      log,
      env: { ...process.env, IEP_STATE_DIR: work, IEP_FAILPOINT: '' },
    });
  } catch (error) {
    say(`load: the runtime did not start: ${(error as Error).message}`);
    return 2;
  }
  try {
    say(`writing ${count} decisions at once…`);
    const writeStarted = Date.now();
    const { written, inputErrors } = await runtime.writeDecisions(files);
    const writeEnded = Date.now();
    say(`written in ${((writeEnded - writeStarted) / 1000).toFixed(1)} s; draining the stream…`);
    await runtime.drain();
    const drained = Date.now();

    const counts: Record<string, number> = {};
    const latencies: number[] = [];
    let documents = 0;
    let mismatched = 0;
    for (const w of written) {
      const outcome = await runtime.outcomes.get(w.decisionId, w.version);
      const kind = outcome?.outcome ?? 'pending';
      counts[kind] = (counts[kind] ?? 0) + 1;
      if (outcome) latencies.push(new Date(outcome.processedAt).getTime() - writeStarted);
      for (const id of outcome?.documentIds ?? []) {
        const record = await runtime.records.get(id);
        const stored = record ? await runtime.store.get(record.s3Key) : undefined;
        documents++;
        if (
          !record ||
          !stored ||
          createHash('sha256').update(stored).digest('hex') !== record.sha256
        )
          mismatched++;
      }
    }
    // Records are processed one after another: the gap between two outcomes' start times is
    // the time one decision took (render, sign, store, record).
    const starts = latencies.toSorted((a, b) => a - b);
    const service = starts.slice(1).map((at, i) => at - (starts[i] as number));
    const seconds = (drained - writeStarted) / 1000;
    const accounted = count - (counts.pending ?? 0) - inputErrors.length;
    const result = {
      written: written.length,
      inputErrors: inputErrors.length,
      outcomes: counts,
      lost: count - accounted,
      documents,
      documentsNotMatchingRecord: mismatched,
      seconds: Number(seconds.toFixed(1)),
      decisionsPerMinute: Number(((written.length / seconds) * 60).toFixed(1)),
      documentsPerMinute: Number(((documents / seconds) * 60).toFixed(1)),
      latencyP50Seconds: Number((percentile(latencies, 50) / 1000).toFixed(1)),
      latencyP95Seconds: Number((percentile(latencies, 95) / 1000).toFixed(1)),
      perDecisionP50Seconds: Number((percentile(service, 50) / 1000).toFixed(2)),
      perDecisionP95Seconds: Number((percentile(service, 95) / 1000).toFixed(2)),
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    say(
      `load: ${result.written} written, ${result.lost} lost, ${documents} documents (${mismatched} not matching their record) in ${result.seconds} s: ${result.decisionsPerMinute} decisions/min, p95 write→outcome ${result.latencyP95Seconds} s, p95 per decision ${result.perDecisionP95Seconds} s`,
    );
    return result.lost === 0 && mismatched === 0 && result.written === count ? 0 : 1;
  } finally {
    await runtime.stop();
    if (!values.keep) rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
