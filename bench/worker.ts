/**
 * One benchmark worker (a forked process): its own warm Chromium, the engine, and the stores
 * on the emulators. It renders the sample decisions through the whole document path and
 * measures each stage; the store and record of document k overlap the render of k+1 unless
 * the task says `sequential`. On request it then measures the floor: bare Chromium printing
 * the same HTML the naive way.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import chromium from '@sparticuz/chromium';
import puppeteer from 'puppeteer-core';
import { createAwsClients } from '../functions/adapters/aws-clients.ts';
import { loadDistrictDirectory } from '../functions/adapters/district-files.ts';
import { DynamoDocumentRecords } from '../functions/adapters/dynamo-document-records.ts';
import { S3DocumentStore } from '../functions/adapters/s3-document-store.ts';
import type { ResourceNames } from '../functions/contract/resources.ts';
import type { Decision } from '../functions/core/decision.ts';
import { documentId, documentS3Key } from '../functions/core/documents.ts';
import { checkDecision } from '../functions/core/validate.ts';
import {
  launchPrinter,
  MEMORY_RELIEF_EVERY,
  pdfOptions,
  printerChromiumFlags,
} from '../functions/render/chromium.ts';
import { DocumentEngine } from '../functions/render/engine.ts';
import { inlineFonts } from '../functions/render/fonts.ts';
import { loadLocales } from '../functions/render/locales.ts';
import type { PdfPrinter, PrintJob } from '../functions/render/ports.ts';
import { loadLocalSigner } from '../functions/render/signing/index.ts';
import type { EmulatorEndpoints } from '../infra/local/emulators.ts';
import { emulatorClientConfig } from '../infra/local/emulators.ts';
import { serveTasks } from '../infra/local/workers.ts';
import { type DocumentSample, type MemorySample, processCpuMs, type WorkerCpu } from './stats.ts';

/** What every worker gets at start. */
export interface BenchWorkerInit {
  endpoints: EmulatorEndpoints;
  names: ResourceNames;
  signerDir: string;
}

/**
 * What the parent asks of a worker. A run is dealt out in small `render` chunks to whichever
 * worker is free (so no worker idles while another finishes a fixed share), then ended by one
 * `drain` per worker, which waits for the last writes and hands back what was measured. The
 * store and record of document k overlap the render of k+1 across chunks, unless `sequential`.
 */
export type BenchTask =
  | { kind: 'render'; runId: string; documents: number; sequential: boolean }
  | { kind: 'drain' }
  /** Prints of the floor (bare Chromium, the naive way) with each set of flags. */
  | { kind: 'floor'; documents: number };

/** What a worker measured between two drains (render chunks), or in a floor task. */
export interface BenchResult {
  samples: DocumentSample[];
  memory: MemorySample[];
  /** Milliseconds from the process's start to its first signed PDF stored with its record. */
  coldStartMs: number;
  /** Where the cold start went: modules loaded, then Chromium launched with its page ready. */
  coldStartPhases: { modulesLoadedMs: number; printerReadyMs: number };
  /** CPU milliseconds of this process and of its Chromium from its first chunk to the drain. */
  cpuMs: WorkerCpu;
  /** The floor: bare Chromium with @sparticuz/chromium's flags, then with the printer's. */
  floorMs: number[];
  floorPrinterFlagsMs: number[];
}

type PlannedDocument = ReturnType<DocumentEngine['plan']>['documents'][number];

/** Milliseconds from the process's start until its modules were loaded (tsx transpiles on the fly here). */
const modulesLoadedMs = performance.now();

const SAMPLES_DIR = fileURLToPath(new URL('../samples/decisions/', import.meta.url));

function sampleDecisions(): Record<string, unknown>[] {
  return readdirSync(SAMPLES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(SAMPLES_DIR, f), 'utf8')));
}

/** Resident bytes of a process and its descendants (Linux /proc; 0 where unreadable). */
function treeRss(pid: number | undefined): number {
  if (pid === undefined) return 0;
  let total = 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of children ? children.split(/\s+/) : []) total += treeRss(Number(child));
    }
  } catch {
    // The process ended, or /proc is not there: count what was read.
  }
  return total;
}

/** The print jobs a printer was given (the first few distinct ones), for the floor. */
class RecordingPrinter implements PdfPrinter {
  readonly jobs: PrintJob[] = [];
  constructor(private readonly inner: PdfPrinter) {}
  print(job: PrintJob): Promise<Uint8Array> {
    if (this.jobs.length < 12) this.jobs.push(job);
    return this.inner.print(job);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Bare Chromium, the naive way: a new page per document on a warm browser. */
async function measureFloor(
  jobs: PrintJob[],
  count: number,
  flags: 'sparticuz' | 'printer',
): Promise<number[]> {
  const browser = await puppeteer.launch({
    executablePath: await chromium.executablePath(),
    ...(flags === 'sparticuz'
      ? { args: chromium.args }
      : { args: [...printerChromiumFlags(chromium.args), 'about:blank'], ignoreDefaultArgs: true }),
    headless: 'shell',
    pipe: true,
  });
  const times: number[] = [];
  try {
    const printOne = async (job: PrintJob) => {
      const page = await browser.newPage();
      // The naive way has no font server: the fonts go inline, as data, in every document.
      await page.setContent(inlineFonts(job.html));
      await page.pdf(pdfOptions(30_000));
      await page.close();
    };
    for (const job of jobs.slice(0, 2)) await printOne(job); // warm-up, not counted
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      await printOne(jobs[i % jobs.length] as PrintJob);
      times.push(performance.now() - t0);
    }
  } finally {
    await browser.close();
  }
  return times;
}

await serveTasks<BenchWorkerInit, BenchTask, BenchResult>(async (init) => {
  const chromiumPrinter = await launchPrinter();
  const printerReadyMs = performance.now();
  const printer = new RecordingPrinter(chromiumPrinter);
  const signer = await loadLocalSigner({ devDir: init.signerDir });
  const districts = loadDistrictDirectory();
  const locales = loadLocales();
  const engine = new DocumentEngine({
    printer,
    signer,
    districts,
    locales,
    clock: () => new Date(),
  });
  const clients = createAwsClients(emulatorClientConfig(init.endpoints));
  const store = new S3DocumentStore(clients.s3, init.names.buckets.documents);
  const records = new DynamoDocumentRecords(clients.documents, init.names.tables.documents);
  const decisions = sampleDecisions();
  let coldStartMs = Number.NaN;
  // The worker's own pid is stable; the printer's browser may be relaunched after a crash.
  const rss = () => process.memoryUsage.rss() + treeRss(chromiumPrinter.browserProcessId);

  // Measured since the last drain: the run's documents, memory readings and CPU.
  let samples: DocumentSample[] = [];
  let memory: MemorySample[] = [];
  let cpuAtStart: { node: NodeJS.CpuUsage; chromium: number } | undefined;
  /** Writes of rendered documents, in order; the next document renders meanwhile. */
  let chain: Promise<void> = Promise.resolve();
  let decisionsMade = 0;

  /** The sample decisions' documents, round and round, each decision under a fresh id. */
  let pending: (PlannedDocument & { decision: Decision })[] = [];
  const nextDocument = (runId: string) => {
    if (pending.length === 0) {
      const raw = structuredClone(decisions[decisionsMade % decisions.length]) as Record<
        string,
        unknown
      >;
      raw.decisionId = `bench-${runId}-${process.pid}-${decisionsMade++}`;
      const checked = checkDecision(raw);
      if (checked.kind !== 'checked') throw new Error('a sample decision does not validate');
      const decision: Decision = checked.decision;
      pending = engine.plan(decision).documents.map((planned) => ({ ...planned, decision }));
    }
    return pending.shift() as (typeof pending)[number];
  };

  const render = async (task: Extract<BenchTask, { kind: 'render' }>) => {
    cpuAtStart ??= {
      node: process.cpuUsage(),
      chromium: processCpuMs(chromiumPrinter.browserProcessId),
    };
    for (let produced = 0; produced < task.documents; produced++) {
      const { decision, type, language } = nextDocument(task.runId);
      const locale = locales.get(language);
      if (!locale) throw new Error(`no locale ${language}`);
      const doc = await engine.renderDocument({
        decision,
        district: districts.get(decision.districtId),
        type,
        locale,
        documentId: documentId({ ...decision, type, language }),
        draft: null,
        decisionTextLanguage: 'en',
      });
      const storeAndRecord = async () => {
        const t0 = performance.now();
        const s3Key = documentS3Key({ ...decision, type, language });
        await store.putOnce(s3Key, doc.pdf, {
          contentType: 'application/pdf',
          sha256Hex: doc.sha256,
          metadata: { 'document-id': doc.documentId },
        });
        const t1 = performance.now();
        await records.putOnce({
          documentId: doc.documentId,
          districtId: decision.districtId,
          decisionId: decision.decisionId,
          version: decision.version,
          type,
          language,
          rendition: 1,
          s3Key,
          sha256: doc.sha256,
          htmlSha256: doc.htmlSha256,
          bytes: doc.bytes,
          pages: doc.pages,
          signed: doc.signed,
          signer: 'bench',
          createdAt: new Date().toISOString(),
        });
        const t2 = performance.now();
        if (Number.isNaN(coldStartMs)) coldStartMs = performance.now();
        samples.push({
          stages: { ...doc.timings, store: t1 - t0, record: t2 - t1 },
          pages: doc.pages,
        });
        // Read every 25 documents, just after the printer's memory-relief signal
        // (MEMORY_RELIEF_EVERY): Chromium's caches grow and drop in that cycle, and readings
        // at the same point of it compare like with like.
        if (samples.length % MEMORY_RELIEF_EVERY === 0)
          memory.push({ documents: samples.length, rssBytes: rss() });
      };
      if (task.sequential) await storeAndRecord();
      else {
        chain = chain.then(storeAndRecord);
        chain.catch(() => undefined);
      }
    }
  };

  const drain = async (): Promise<BenchResult> => {
    await chain;
    if (samples.length % MEMORY_RELIEF_EVERY !== 0)
      memory.push({ documents: samples.length, rssBytes: rss() });
    const nodeCpu = process.cpuUsage(cpuAtStart?.node);
    const cpuMs = {
      node: cpuAtStart ? (nodeCpu.user + nodeCpu.system) / 1000 : 0,
      chromium: cpuAtStart
        ? processCpuMs(chromiumPrinter.browserProcessId) - cpuAtStart.chromium
        : 0,
    };
    const result = { ...emptyResult(), samples, memory, cpuMs };
    samples = [];
    memory = [];
    cpuAtStart = undefined;
    return result;
  };

  /** Nothing measured but the cold start: what render chunks return, and floor tasks start from. */
  const emptyResult = () => ({
    samples: [],
    memory: [],
    coldStartMs,
    coldStartPhases: { modulesLoadedMs, printerReadyMs },
    cpuMs: { node: 0, chromium: 0 },
    floorMs: [] as number[],
    floorPrinterFlagsMs: [] as number[],
  });

  return {
    async run(task) {
      switch (task.kind) {
        case 'render':
          await render(task);
          return emptyResult();
        case 'drain':
          return drain();
        case 'floor':
          return {
            ...emptyResult(),
            floorMs: await measureFloor(printer.jobs, task.documents, 'sparticuz'),
            floorPrinterFlagsMs: await measureFloor(printer.jobs, task.documents, 'printer'),
          };
      }
    },
    async close() {
      await chromiumPrinter.close();
      clients.destroy();
    },
  };
});
