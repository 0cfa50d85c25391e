/**
 * The benchmark's statistics and report: percentiles, the per-stage split, memory and CPU over
 * the run, and the table a person reads (stderr) beside the JSON (stdout).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** The stages of the document path, in order. */
export const STAGES = ['template', 'pdf', 'sign', 'store', 'record'] as const;
export type Stage = (typeof STAGES)[number];

/** What a worker measured for one document. */
export interface DocumentSample {
  /** Milliseconds per stage. */
  stages: Record<Stage, number>;
  pages: number;
}

/** A resident-memory reading after `documents` documents of one worker. */
export interface MemorySample {
  documents: number;
  /** Node process plus its Chromium, bytes. */
  rssBytes: number;
}

/** p50, p95 and mean of a series, in its unit. */
export interface Summary {
  p50: number;
  p95: number;
  mean: number;
}

/** The p-th percentile (0-100) of `values`, nearest rank; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** p50, p95 and mean, rounded to 0.1. */
export function summarize(values: readonly number[]): Summary {
  const mean = values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
  return {
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    mean: round(mean),
  };
}

/** The median of several runs' figures (the issue's "medians of several runs"). */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export const round = (n: number, digits = 1) => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

const MB = 1024 * 1024;

/** Resident memory over a run: peak, and after the first and the last tenth of the documents. */
export function memoryOverRun(samples: readonly MemorySample[], documents: number) {
  const atOrAfter = (n: number) =>
    samples.find((s) => s.documents >= n) ?? samples[samples.length - 1];
  const firstTenth = atOrAfter(Math.ceil(documents / 10));
  const lastTenth = samples[samples.length - 1];
  const peak = samples.reduce((max, s) => Math.max(max, s.rssBytes), 0);
  const first = firstTenth ? firstTenth.rssBytes / MB : Number.NaN;
  const last = lastTenth ? lastTenth.rssBytes / MB : Number.NaN;
  return {
    peakRssMb: round(peak / MB),
    afterFirstTenthMb: round(first),
    afterLastTenthMb: round(last),
    /** (last - first) / first: the target is within ±0.10. */
    growth: round((last - first) / first, 3),
  };
}

/** Milliseconds the machine's cores spent busy so far, all processes (Linux /proc/stat; NaN elsewhere). */
export function machineBusyMs(procStat = '/proc/stat'): number {
  try {
    const [, ...ticks] = (readFileSync(procStat, 'utf8').split('\n')[0] ?? '').trim().split(/\s+/);
    // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
    const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number);
    const busyTicks = [user, nice, system, irq, softirq, steal].reduce<number>(
      (sum, t) => sum + (t ?? 0),
      0,
    );
    return busyTicks * TICK_MS;
  } catch {
    return Number.NaN;
  }
}

/** CPU milliseconds of a process (all its threads) so far (Linux /proc; 0 where unreadable). */
export function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    return statCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return 0;
  }
}

/** CPU milliseconds so far of a process's threads called `name` (Linux /proc). */
export function threadCpuMs(pid: number, name: string): number {
  let ms = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
    if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) === name) ms += statCpuMs(stat);
  }
  return ms;
}

/** User plus system time of a /proc `stat` line (the fields after the command name). */
function statCpuMs(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** The unit of /proc CPU times: Linux's USER_HZ is 100 on every architecture Lambda and CI use. */
const TICK_MS = 10;

/** CPU time a run's workers measured for themselves and their browsers, in milliseconds. */
export interface WorkerCpu {
  node: number;
  chromium: number;
}

/** Where a run's CPU went: what limits the speed-up of more workers on the same cores. */
export interface CpuReport {
  /** Cores busy on the whole machine during the run (every process: ours, the emulators', others'). */
  coresBusy: number;
  /** CPU milliseconds per document: workers' Node, their Chromium, and everything else. */
  perDocumentMs: { workerNode: number; chromium: number; rest: number };
}

/** The CPU report of a run from the machine's busy time and the workers' own figures. */
export function cpuReport(
  documents: number,
  seconds: number,
  machineBusyMs: number,
  workers: readonly WorkerCpu[],
): CpuReport {
  const node = workers.reduce((sum, w) => sum + w.node, 0);
  const chromium = workers.reduce((sum, w) => sum + w.chromium, 0);
  return {
    coresBusy: round(machineBusyMs / (seconds * 1000), 2),
    perDocumentMs: {
      workerNode: round(node / documents),
      chromium: round(chromium / documents),
      rest: round(Math.max(0, machineBusyMs - node - chromium) / documents),
    },
  };
}

/** One run (a number of workers) as reported. */
export interface RunReport {
  workers: number;
  documents: number;
  pages: number;
  seconds: number;
  docsPerSecond: number;
  /** Wall-clock milliseconds per document of the run (seconds / documents per worker). */
  wallMsPerDocument: number;
  /** Latency of one document through every stage (template → record). */
  perDocumentMs: Summary;
  stagesMs: Record<Stage, Summary>;
  memory: ReturnType<typeof memoryOverRun>;
  cpu: CpuReport;
}

/** Builds a run's report from what its workers measured. */
export function runReport(
  workers: number,
  seconds: number,
  documents: readonly DocumentSample[],
  memory: ReturnType<typeof memoryOverRun>,
  cpu: CpuReport,
): RunReport {
  const stagesMs = Object.fromEntries(
    STAGES.map((stage) => [stage, summarize(documents.map((d) => d.stages[stage]))]),
  ) as Record<Stage, Summary>;
  const totals = documents.map((d) => STAGES.reduce((sum, stage) => sum + d.stages[stage], 0));
  return {
    workers,
    documents: documents.length,
    pages: documents.reduce((sum, d) => sum + d.pages, 0),
    seconds: round(seconds, 2),
    docsPerSecond: round(documents.length / seconds, 2),
    wallMsPerDocument: round((seconds * 1000 * workers) / documents.length),
    perDocumentMs: summarize(totals),
    stagesMs,
    memory,
    cpu,
  };
}

/** The whole benchmark's result (the JSON on stdout). */
export interface BenchReport {
  command: string;
  machine: { cores: number; node: string; platform: string };
  /** Whether store and record overlapped the next render. */
  overlap: boolean;
  runs: RunReport[];
  coldStart: {
    ms: number;
    /** Process start → modules loaded. */
    modulesLoadedMs: number;
    /** Process start → Chromium launched, its page ready. */
    printerReadyMs: number;
    chromiumUnpackMs: number;
    chromiumWasUnpacked: boolean;
  };
  /** Bare Chromium with `@sparticuz/chromium`'s own flags, and with the printer's. */
  floor: {
    documents: number;
    perDocumentMs: Summary;
    printerFlagsPerDocumentMs: Summary;
    /** Bare Chromium's own speed-up, widest worker count over one, measured in the same run. */
    speedup: { sparticuz: number; printer: number };
  };
  /** Our wall-clock time per document with one worker over the floor's mean: target ≤ 0.85. */
  ratioToFloor: number;
  /** The same over bare Chromium with the printer's flags (no software GPU). */
  ratioToFloorWithPrinterFlags: number;
  /** Throughput of the largest worker count over one worker: target ≥ 1.3 for two. */
  speedup: number;
}

const pad = (s: string | number, n: number) => String(s).padStart(n);

/** The readable table (stderr). */
export function formatReport(r: BenchReport): string {
  const lines: string[] = [];
  lines.push(
    `iep-docs bench · ${r.machine.cores} cores · node ${r.machine.node} · overlap ${r.overlap ? 'on' : 'off'}`,
  );
  lines.push('');
  lines.push(
    `${'workers'.padEnd(8)}${pad('docs', 6)}${pad('pages', 7)}${pad('docs/s', 8)}${pad('wall/doc', 10)}${pad('p50', 8)}${pad('p95', 8)}  ${STAGES.map((s) => pad(s, 9)).join('')}${pad('peak MB', 9)}${pad('1st/10', 8)}${pad('last/10', 8)}`,
  );
  for (const run of r.runs) {
    lines.push(
      `${String(run.workers).padEnd(8)}${pad(run.documents, 6)}${pad(run.pages, 7)}${pad(run.docsPerSecond, 8)}${pad(run.wallMsPerDocument, 10)}${pad(run.perDocumentMs.p50, 8)}${pad(run.perDocumentMs.p95, 8)}  ${STAGES.map((s) => pad(run.stagesMs[s].p50, 9)).join('')}${pad(run.memory.peakRssMb, 9)}${pad(run.memory.afterFirstTenthMb, 8)}${pad(run.memory.afterLastTenthMb, 8)}`,
    );
  }
  lines.push(
    '(milliseconds; stage columns are p50; memory is the worker process plus its Chromium)',
  );
  lines.push('');
  for (const run of r.runs) {
    const cpu = run.cpu.perDocumentMs;
    lines.push(
      `cpu per document, ${run.workers} worker${run.workers > 1 ? 's' : ''}: worker Node ${cpu.workerNode} ms, Chromium ${cpu.chromium} ms, everything else ${cpu.rest} ms (emulators, this process, other jobs); cores busy ${run.cpu.coresBusy} of ${r.machine.cores}`,
    );
  }
  lines.push('');
  lines.push(
    `floor (bare Chromium: newPage, setContent, pdf, close on a warm browser): ${r.floor.perDocumentMs.mean} ms/doc mean, ${r.floor.perDocumentMs.p50} p50 over ${r.floor.documents} docs`,
  );
  lines.push(
    `  the same HTML, bare Chromium with the printer's flags (no software GPU): ${r.floor.printerFlagsPerDocumentMs.mean} ms/doc mean`,
  );
  lines.push(`ours / floor (1 worker, wall per doc): ${r.ratioToFloor}   (target ≤ 0.85)`);
  lines.push(`ours / floor with the printer's flags: ${r.ratioToFloorWithPrinterFlags}`);
  lines.push(`signing p95: ${r.runs[0]?.stagesMs.sign.p95 ?? '?'} ms   (target ≤ 5)`);
  lines.push(
    `cold start: ${r.coldStart.ms} ms (process start to first signed PDF stored; target ≤ 2500), Chromium unpack ${r.coldStart.chromiumUnpackMs} ms${r.coldStart.chromiumWasUnpacked ? ' (already unpacked)' : ''}`,
  );
  lines.push(
    `  of which: modules loaded at ${r.coldStart.modulesLoadedMs} ms, Chromium ready at ${r.coldStart.printerReadyMs} ms`,
  );
  const widest = r.runs[r.runs.length - 1];
  lines.push(
    `speed-up workers ${widest?.workers ?? '?'} / workers 1: ${r.speedup}   (target ≥ 1.3 for 2)`,
  );
  lines.push(
    `  bare Chromium in this run, ${widest?.workers ?? '?'} browsers / 1: ${r.floor.speedup.sparticuz} (the naive floor), ${r.floor.speedup.printer} (the printer's flags)`,
  );
  return lines.join('\n');
}
