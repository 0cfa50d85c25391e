import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type BenchReport,
  cpuReport,
  type DocumentSample,
  formatReport,
  machineBusyMs,
  memoryOverRun,
  percentile,
  runReport,
  summarize,
} from '../../bench/stats.ts';
import { type JobProgress, progressLine } from '../../functions/pipeline/regenerate-job.ts';

const MB = 1024 * 1024;

const NO_CPU = cpuReport(1, 1, 0, []);

const sample = (ms: number, pages = 3): DocumentSample => ({
  stages: { template: ms, pdf: 10 * ms, sign: 1, store: 2, record: 3 },
  pages,
});

describe('bench statistics', () => {
  it('takes percentiles by nearest rank', () => {
    // Prepare
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);

    // Act
    const p50 = percentile(values, 50);
    const p95 = percentile(values, 95);

    // Assess
    expect([p50, p95]).toEqual([50, 95]);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarizes with p50, p95 and the mean, rounded to a tenth', () => {
    // Act
    const summary = summarize([1, 2, 3, 4.25]);

    // Assess
    expect(summary).toEqual({ p50: 2, p95: 4.3, mean: 2.6 });
  });

  it('reads memory after the first and the last tenth and the growth between them', () => {
    // Prepare: 100 documents, a reading every 10
    const samples = Array.from({ length: 10 }, (_, i) => ({
      documents: (i + 1) * 10,
      rssBytes: (200 + (i === 4 ? 100 : i)) * MB,
    }));

    // Act
    const memory = memoryOverRun(samples, 100);

    // Assess
    expect(memory).toEqual({
      peakRssMb: 300,
      afterFirstTenthMb: 200,
      afterLastTenthMb: 209,
      growth: 0.045,
    });
  });

  it('splits the CPU of a run between the workers, their Chromium and everything else', () => {
    // Prepare: 2 s of wall time, 3 s of busy cores, two workers
    const workers = [
      { node: 200, chromium: 900 },
      { node: 300, chromium: 1100 },
    ];

    // Act
    const cpu = cpuReport(100, 2, 3000, workers);

    // Assess
    expect(cpu).toEqual({
      coresBusy: 1.5,
      perDocumentMs: { workerNode: 5, chromium: 20, rest: 5 },
    });
  });

  it('reads the machine’s busy time from /proc/stat, idle and I/O wait excluded', () => {
    // Prepare: user nice system idle iowait irq softirq steal guest guest_nice (ticks of 10 ms)
    const dir = mkdtempSync(join(tmpdir(), 'iep-procstat-'));
    const stat = join(dir, 'stat');
    writeFileSync(stat, 'cpu  100 2 30 5000 70 1 2 3 0 0\ncpu0 50 1 15 2500 35 0 1 1 0 0\n');

    // Act
    const busy = machineBusyMs(stat);

    // Assess
    expect(busy).toBe((100 + 2 + 30 + 1 + 2 + 3) * 10);
    expect(machineBusyMs(join(dir, 'missing'))).toBeNaN();
  });

  it('splits a run by stage and counts documents, pages and throughput', () => {
    // Prepare
    const documents = [sample(1), sample(2), sample(3), sample(4)];

    // Act
    const run = runReport(2, 2, documents, memoryOverRun([], 4), NO_CPU);

    // Assess
    expect(run).toMatchObject({
      workers: 2,
      documents: 4,
      pages: 12,
      docsPerSecond: 2,
      wallMsPerDocument: 1000,
      perDocumentMs: { p50: 28, p95: 50 },
    });
    expect(run.stagesMs.pdf).toEqual({ p50: 20, p95: 40, mean: 25 });
    expect(run.stagesMs.record.p50).toBe(3);
  });

  it('prints a table with every target beside its figure', () => {
    // Prepare
    const run = runReport(
      1,
      1,
      [sample(1)],
      memoryOverRun([{ documents: 1, rssBytes: MB }], 1),
      cpuReport(10, 1, 1500, [{ node: 100, chromium: 300 }]),
    );
    const report: BenchReport = {
      command: 'iep-docs bench --docs 1',
      machine: { cores: 2, node: 'v20', platform: 'linux' },
      overlap: true,
      runs: [run, { ...run, workers: 2, docsPerSecond: 1.5 }],
      coldStart: {
        ms: 1800,
        modulesLoadedMs: 400,
        printerReadyMs: 1200,
        chromiumUnpackMs: 900,
        chromiumWasUnpacked: false,
      },
      floor: {
        documents: 1,
        perDocumentMs: { p50: 20, p95: 20, mean: 20 },
        printerFlagsPerDocumentMs: { p50: 16, p95: 16, mean: 16 },
        speedup: { sparticuz: 1.38, printer: 1.6 },
      },
      ratioToFloor: 0.8,
      ratioToFloorWithPrinterFlags: 1,
      speedup: 1.5,
    };

    // Act
    const table = formatReport(report);

    // Assess
    expect(table).toContain('ours / floor (1 worker, wall per doc): 0.8');
    expect(table).toContain("ours / floor with the printer's flags: 1");
    expect(table).toContain(
      'cpu per document, 1 worker: worker Node 10 ms, Chromium 30 ms, everything else 110 ms',
    );
    expect(table).toContain('cores busy 1.5 of 2');
    expect(table).toContain('cold start: 1800 ms');
    expect(table).toContain('Chromium unpack 900 ms');
    expect(table).toContain('Chromium ready at 1200 ms');
    expect(table).toContain('speed-up workers 2 / workers 1: 1.5');
    expect(table).toContain(
      'bare Chromium in this run, 2 browsers / 1: 1.38 (the naive floor), 1.6',
    );
    expect(table.split('\n').filter((l) => /^[12] /.test(l))).toHaveLength(2);
  });
});

describe('regeneration progress line', () => {
  const progress = (p: Partial<JobProgress>): JobProgress => ({
    jobId: 'j',
    total: 100,
    done: 0,
    resumedFrom: 0,
    created: 0,
    unchanged: 0,
    failed: 0,
    elapsedMs: 0,
    ...p,
  });

  it('shows done/total, the rate of this run and the time left', () => {
    // Act
    const line = progressLine(progress({ done: 40, resumedFrom: 20, elapsedMs: 10_000 }), 10);

    // Assess: 20 done in 10 s by this run, 60 left at 2/s
    expect(line).toBe('[####------] 40/100  2.0/s  30s left');
  });

  it('says the time left is unknown before the first item and counts failures', () => {
    // Act
    const line = progressLine(progress({ failed: 2, elapsedMs: 5 }), 4);

    // Assess
    expect(line).toBe('[----] 0/100  0.0/s  ? left  2 failed');
  });
});
