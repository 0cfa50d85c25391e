/**
 * `iep-docs bench` (`npm run bench`): the document path's speed on this machine, in one run.
 * Starts the emulators in memory, then for one worker and for N workers renders the sample
 * decisions through template → PDF → sign → S3 → document record, and measures the floor
 * (bare Chromium printing the same HTML the naive way) in the same run. JSON on stdout, a
 * table on stderr. A benchmark, not a test: it asserts nothing.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import chromium from '@sparticuz/chromium';
import { createAwsClients } from '../functions/adapters/aws-clients.ts';
import { resourceNames } from '../functions/contract/resources.ts';
import { loadLocalSigner } from '../functions/render/signing/index.ts';
import { emulatorClientConfig, startEmulators } from '../infra/local/emulators.ts';
import { provision } from '../infra/local/provision.ts';
import { WorkerPool } from '../infra/local/workers.ts';
import {
  type BenchReport,
  cpuReport,
  formatReport,
  machineBusyMs,
  memoryOverRun,
  type RunReport,
  round,
  runReport,
  summarize,
} from './stats.ts';
import type { BenchResult, BenchTask, BenchWorkerInit } from './worker.ts';

/** Where the bench writes. */
export interface BenchIo {
  stdout(line: string): void;
  stderr(line: string): void;
}

/**
 * Documents each worker renders before a run is timed: the first ones pay for compiling the
 * code paths (V8's JIT, Chromium's first layouts and font loads), which a long run spreads thin.
 */
const WARM_UP_DOCUMENTS = 8;

export const BENCH_USAGE = `usage: iep-docs bench [--docs N] [--workers N] [--sequential] [--json]

  --docs N       documents per run (default 200), after a warm-up of ${WARM_UP_DOCUMENTS} per worker
  --workers N    the widest run (default: the number of cores); one worker is always run first
                 (--workers 1: only that run, e.g. for memory over a long run)
  --sequential   store and record each document before rendering the next (to show the overlap's gain)
  --json         only the JSON on stdout (the table still goes to stderr)`;

const WORKER_ENTRY = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** Prints of the floor per worker (after a warm-up of two). */
const FLOOR_DOCUMENTS = 30;

/** Documents per chunk dealt to a free worker. */
const CHUNK_DOCUMENTS = 5;

/**
 * Renders `documents` on the pool, dealt in chunks to whichever worker is free, then drains
 * every worker (one drain each: they are all idle by then, so each takes one) and returns what
 * each measured.
 */
async function dealDocuments(
  pool: WorkerPool<BenchTask, BenchResult>,
  workers: number,
  documents: number,
  run: { runId: string; sequential: boolean },
  chunkDocuments = CHUNK_DOCUMENTS,
): Promise<BenchResult[]> {
  let dealt = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (dealt < documents) {
        const chunk = Math.min(chunkDocuments, documents - dealt);
        dealt += chunk;
        await pool.run({ kind: 'render', ...run, documents: chunk });
      }
    }),
  );
  return Promise.all(Array.from({ length: workers }, () => pool.run({ kind: 'drain' })));
}

/** Throughput of the widest run over one worker's. */
function speedupOf<K extends 'sparticuz' | 'printer'>(
  rates: readonly ({ workers: number } & Record<K, number>)[],
  key: K,
): number {
  const one = rates[0]?.[key] ?? Number.NaN;
  const widest = rates[rates.length - 1]?.[key] ?? Number.NaN;
  return round(widest / one, 3);
}

/** Runs the benchmark; returns the exit code. */
export async function runBench(argv: string[], io: BenchIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      docs: { type: 'string', default: '200' },
      workers: { type: 'string', default: String(availableParallelism()) },
      sequential: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout(BENCH_USAGE);
    return 0;
  }
  const documents = Number(values.docs);
  const widest = Number(values.workers);
  if (!Number.isInteger(documents) || documents < 1 || !Number.isInteger(widest) || widest < 1) {
    io.stderr(BENCH_USAGE);
    return 3;
  }

  // A fresh Lambda container pays this once; the cold start below starts after it.
  const wasUnpacked = existsSync(join(tmpdir(), 'chromium'));
  const unpackStart = performance.now();
  await chromium.executablePath();
  const chromiumUnpackMs = round(performance.now() - unpackStart);

  const work = mkdtempSync(join(tmpdir(), 'iep-bench-'));
  const signerDir = join(work, 'signing');
  await loadLocalSigner({ devDir: signerDir }); // made once, before workers race to make it
  const emulators = await startEmulators({ stateDir: work, inMemory: true });
  const clients = createAwsClients(emulatorClientConfig(emulators.endpoints));
  try {
    const names = resourceNames('bench');
    await provision(clients, names);
    const runs: RunReport[] = [];
    let coldStartMs = Number.NaN;
    let phases = { modulesLoadedMs: Number.NaN, printerReadyMs: Number.NaN };
    let floorMs: number[] = [];
    let floorPrinterFlagsMs: number[] = [];
    /** Bare Chromium's throughput (docs/s) by worker count, with each set of flags. */
    const floorRates: { workers: number; sparticuz: number; printer: number }[] = [];
    for (const workers of widest > 1 ? [1, widest] : [1]) {
      const pool = await WorkerPool.start<BenchTask, BenchResult>({
        entry: WORKER_ENTRY,
        count: workers,
        init: { endpoints: emulators.endpoints, names, signerDir } satisfies BenchWorkerInit,
      });
      try {
        // Untimed: each worker's first documents (the cold start is measured on them).
        const warmUps = await dealDocuments(
          pool,
          workers,
          workers * WARM_UP_DOCUMENTS,
          { runId: `w${workers}-warm-up`, sequential: values.sequential },
          WARM_UP_DOCUMENTS,
        );
        const started = performance.now();
        const busyAtStart = machineBusyMs();
        const results = await dealDocuments(pool, workers, documents, {
          runId: `w${workers}`,
          sequential: values.sequential,
        });
        // Wall time of the rendering, until the last record was written; the floor is apart.
        const seconds = (performance.now() - started) / 1000;
        const busyMs = machineBusyMs() - busyAtStart;
        // Then the floor, every worker at once: how bare Chromium scales here, in this run.
        const floors = await Promise.all(
          results.map(() => pool.run({ kind: 'floor', documents: FLOOR_DOCUMENTS })),
        );
        const rate = (times: (r: BenchResult) => number[]) =>
          round(
            (workers * FLOOR_DOCUMENTS * 1000) /
              Math.max(...floors.map((r) => times(r).reduce((a, b) => a + b, 0))),
            2,
          );
        floorRates.push({
          workers,
          sparticuz: rate((r) => r.floorMs),
          printer: rate((r) => r.floorPrinterFlagsMs),
        });
        if (workers === 1) {
          coldStartMs = warmUps[0]?.coldStartMs ?? Number.NaN;
          phases = warmUps[0]?.coldStartPhases ?? phases;
          floorMs = floors[0]?.floorMs ?? [];
          floorPrinterFlagsMs = floors[0]?.floorPrinterFlagsMs ?? [];
        }
        const first = results[0] as BenchResult;
        runs.push(
          runReport(
            workers,
            seconds,
            results.flatMap((r) => r.samples),
            memoryOverRun(first.memory, first.samples.length),
            cpuReport(
              documents,
              seconds,
              busyMs,
              results.map((r) => r.cpuMs),
            ),
          ),
        );
      } finally {
        await pool.close();
      }
    }
    const floor = summarize(floorMs);
    const floorPrinterFlags = summarize(floorPrinterFlagsMs);
    const one = runs[0] as RunReport;
    const many = runs[runs.length - 1] as RunReport;
    const report: BenchReport = {
      command: `iep-docs bench ${argv.join(' ')}`.trim(),
      machine: { cores: availableParallelism(), node: process.version, platform: process.platform },
      overlap: !values.sequential,
      runs,
      coldStart: {
        ms: round(coldStartMs),
        modulesLoadedMs: round(phases.modulesLoadedMs),
        printerReadyMs: round(phases.printerReadyMs),
        chromiumUnpackMs,
        chromiumWasUnpacked: wasUnpacked,
      },
      floor: {
        documents: floorMs.length,
        perDocumentMs: floor,
        printerFlagsPerDocumentMs: floorPrinterFlags,
        speedup: {
          sparticuz: speedupOf(floorRates, 'sparticuz'),
          printer: speedupOf(floorRates, 'printer'),
        },
      },
      ratioToFloor: round(one.wallMsPerDocument / floor.mean, 3),
      ratioToFloorWithPrinterFlags: round(one.wallMsPerDocument / floorPrinterFlags.mean, 3),
      speedup: round(many.docsPerSecond / one.docsPerSecond, 3),
    };
    io.stderr(formatReport(report));
    io.stdout(JSON.stringify(report, null, values.json ? 0 : 2));
    return 0;
  } finally {
    clients.destroy();
    await emulators.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
