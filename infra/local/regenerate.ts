/**
 * `iep-docs regenerate --district ID [--since DATE] [--workers N] [--job ID]`: re-renders the
 * district's decisions in force against the local runtime's state (`.local/runtime`), on
 * worker processes, with a progress line on stderr. Interrupted (Ctrl-C, a crash), it resumes
 * where it stopped when run again with the same arguments: the job's ledger is the `runs` table.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAwsClients } from '../../functions/adapters/aws-clients.ts';
import { DynamoRunLedger, findFinalizedDecisions } from '../../functions/adapters/dynamo-runs.ts';
import { stateDir as projectStateDir } from '../../functions/cli/context.ts';
import type { RegenerateItem, RegenerateResult } from '../../functions/pipeline/regenerate.ts';
import {
  type JobProgress,
  progressLine,
  runRegenerationJob,
} from '../../functions/pipeline/regenerate-job.ts';
import { resourceNames } from '../tables.ts';
import { emulatorClientConfig, startEmulators } from './emulators.ts';
import { provision } from './provision.ts';
import type { RegenerateWorkerInit } from './regenerate-worker.ts';
import { WorkerPool } from './workers.ts';

/** Options of {@link regenerateLocally}. */
export interface RegenerateOptions {
  districtId: string;
  /** ISO date: only versions processed on or after it. */
  since?: string;
  workers?: number;
  /** Defaults to one id per (district, since): running the same command again resumes it. */
  jobId?: string;
  /** The emulators' state (default: the local runtime's, `.local/runtime`). */
  stateDir?: string;
  /** Resource name prefix (default: the local runtime's). */
  prefix?: string;
  env?: NodeJS.ProcessEnv;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (the progress line is then redrawn in place). */
  tty?: boolean;
  signal?: AbortSignal;
}

/** The default job id of a district and start date. */
export function defaultJobId(districtId: string, since?: string): string {
  return `regenerate-${districtId}-${since ?? 'all'}`;
}

const WORKER_ENTRY = fileURLToPath(new URL('./regenerate-worker.ts', import.meta.url));

/** Runs (or resumes) a regeneration job on this machine; resolves with where it ended. */
export async function regenerateLocally(options: RegenerateOptions): Promise<JobProgress> {
  const env = options.env ?? process.env;
  const stateDir = options.stateDir ?? resolve(projectStateDir(env), 'runtime');
  const jobId = options.jobId ?? defaultJobId(options.districtId, options.since);
  const emulators = await startEmulators({ stateDir });
  const clients = createAwsClients(emulatorClientConfig(emulators.endpoints));
  let pool: WorkerPool<RegenerateItem, RegenerateResult> | undefined;
  try {
    const names = resourceNames(options.prefix ?? 'iep-local');
    await provision(clients, names);
    const items = await findFinalizedDecisions(
      clients.documents,
      names.tables.outcomes,
      options.districtId,
      options.since,
    );
    const workers = Math.max(1, Math.min(options.workers ?? availableParallelism(), items.length));
    options.stderr(
      `regenerate: job ${jobId}, ${items.length} decision(s) of ${options.districtId}, ${workers} worker(s)\n`,
    );
    pool = await WorkerPool.start<RegenerateItem, RegenerateResult>({
      entry: WORKER_ENTRY,
      count: workers,
      init: { endpoints: emulators.endpoints, names } satisfies RegenerateWorkerInit,
      env,
    });
    const workerPool = pool;
    let lastLine = 0;
    const progress = await runRegenerationJob({
      jobId,
      items,
      ledger: new DynamoRunLedger(clients.documents, names.tables.runs),
      process: (item) => workerPool.run(item),
      concurrency: workers,
      signal: options.signal,
      onProgress: (p) => {
        const now = performance.now();
        if (options.tty) options.stderr(`\r${progressLine(p)}`);
        else if (now - lastLine >= 1_000 || p.done === p.total) {
          lastLine = now;
          options.stderr(`${progressLine(p)}\n`);
        }
      },
    });
    if (options.tty) options.stderr('\n');
    return progress;
  } finally {
    await pool?.close();
    clients.destroy();
    await emulators.stop();
  }
}
