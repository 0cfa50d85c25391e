/**
 * A regeneration job: the items of a district, minus those its ledger already has, handed to
 * workers (local processes, or SQS and Lambdas in AWS) with a progress line. An interrupted
 * job is resumed by running it again under the same job id.
 */
import type { RegenerateItem, RegenerateResult, RunLedger } from './regenerate.ts';
import { itemKey } from './regenerate.ts';

/**
 * The default job id of a district and start date, the same locally and in AWS: running the
 * same command again resumes the job instead of starting another.
 */
export function defaultJobId(districtId: string, since?: string): string {
  return `regenerate-${districtId}-${since ?? 'all'}`;
}

/** Where a job stands. */
export interface JobProgress {
  jobId: string;
  total: number;
  /** Finished items, including those finished by an earlier, interrupted run. */
  done: number;
  /** Finished by earlier runs of the job. */
  resumedFrom: number;
  created: number;
  unchanged: number;
  failed: number;
  /** Milliseconds since this run started. */
  elapsedMs: number;
}

export interface RunJobOptions {
  jobId: string;
  items: readonly { decisionId: string; version: number }[];
  ledger: RunLedger;
  /** Regenerates one item (a worker process, or the use case itself). */
  process: (item: RegenerateItem) => Promise<RegenerateResult>;
  /** Items in flight at once (the number of workers). */
  concurrency: number;
  onProgress?: (progress: JobProgress) => void;
  /** Stops handing out items; items in flight finish. */
  signal?: AbortSignal;
  now?: () => number;
}

/** Runs (or resumes) a job; resolves when every item is finished, failed or the job was stopped. */
export async function runRegenerationJob(options: RunJobOptions): Promise<JobProgress> {
  const now = options.now ?? (() => performance.now());
  const startedAt = now();
  const finished = new Set((await options.ledger.finished(options.jobId)).map((e) => e.itemKey));
  const pending = options.items.filter((i) => !finished.has(itemKey(i)));
  const progress: JobProgress = {
    jobId: options.jobId,
    total: options.items.length,
    done: options.items.length - pending.length,
    resumedFrom: options.items.length - pending.length,
    created: 0,
    unchanged: 0,
    failed: 0,
    elapsedMs: 0,
  };
  const report = () => {
    progress.elapsedMs = now() - startedAt;
    options.onProgress?.({ ...progress });
  };
  report();
  let next = 0;
  const lane = async () => {
    while (next < pending.length && !options.signal?.aborted) {
      const item = { ...pending[next++], jobId: options.jobId } as RegenerateItem;
      try {
        const result = await options.process(item);
        progress.created += result.created.length;
        progress.unchanged += result.unchanged;
        progress.done += 1;
      } catch {
        // Left out of the ledger: the next run of the job retries it.
        progress.failed += 1;
      }
      report();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, lane));
  report();
  return { ...progress };
}

const duration = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};

/** One line of progress: bar, done/total, rate of this run, time left. */
export function progressLine(p: JobProgress, width = 30): string {
  const share = p.total === 0 ? 1 : p.done / p.total;
  const filled = Math.round(share * width);
  const doneNow = p.done - p.resumedFrom;
  const rate = p.elapsedMs > 0 ? doneNow / (p.elapsedMs / 1000) : 0;
  const left = rate > 0 ? duration(((p.total - p.done) / rate) * 1000) : '?';
  const failed = p.failed > 0 ? `  ${p.failed} failed` : '';
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.done}/${p.total}  ${rate.toFixed(1)}/s  ${left} left${failed}`;
}
