/**
 * `iep-docs regenerate --district ID [--since DATE] [--workers N] [--job ID]`: re-renders the
 * district's decisions in force against the local runtime's state (`.local/runtime`), on
 * worker processes, with a progress line on stderr. Interrupted (Ctrl-C, a crash), it resumes
 * where it stopped when run again with the same arguments: the job's ledger is the `runs` table.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAwsClients } from '../../functions/adapters/aws-clients.ts';
import { DynamoRunLedger, findFinalizedDecisions } from '../../functions/adapters/dynamo-runs.ts';
import { stateDir as projectStateDir } from '../../functions/cli/context.ts';
import { resourceNames } from '../../functions/contract/resources.ts';
import type { RegenerateItem, RegenerateResult } from '../../functions/pipeline/regenerate.ts';
import {
  defaultJobId,
  type JobProgress,
  progressLine,
  runRegenerationJob,
} from '../../functions/pipeline/regenerate-job.ts';
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
    // Started on the first item: a finished job resumed starts no Chromium.
    let starting: Promise<WorkerPool<RegenerateItem, RegenerateResult>> | undefined;
    const workerPool = () => {
      starting ??= WorkerPool.start<RegenerateItem, RegenerateResult>({
        entry: WORKER_ENTRY,
        count: workers,
        init: { endpoints: emulators.endpoints, names } satisfies RegenerateWorkerInit,
        env,
      }).then((started) => {
        pool = started;
        return started;
      });
      return starting;
    };
    let lastLine = 0;
    const progress = await runRegenerationJob({
      jobId,
      items,
      ledger: new DynamoRunLedger(clients.documents, names.tables.runs),
      process: async (item) => (await workerPool()).run(item),
      concurrency: workers,
      signal: options.signal,
      onProgress: (p) => {
        const now = performance.now();
        if (options.tty) options.stderr(`\r${progressLine(p)}`);
        else if (now - lastLine >= 1_000 || (p.done === p.total && p.done > p.resumedFrom)) {
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

const USAGE = `usage: iep-docs regenerate --district ID [--since DATE] [--workers N] [--job ID]

  --district ID   the district whose decisions in force are re-rendered
  --since DATE    only versions processed on or after DATE (ISO, e.g. 2026-09-01)
  --workers N     worker processes, one Chromium each (default: the number of cores)
  --job ID        the job to run or resume (default: one per district and --since)`;

/** The CLI command: exit 0 when every item finished, 1 when some failed or it was interrupted. */
export async function regenerateCommand(
  argv: string[],
  io: { stdout(line: string): void; stderr(line: string): void; env: NodeJS.ProcessEnv },
): Promise<number> {
  let values: { district?: string; since?: string; workers?: string; job?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        district: { type: 'string' },
        since: { type: 'string' },
        workers: { type: 'string' },
        job: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    io.stderr(`iep-docs regenerate: ${(error as Error).message}\n${USAGE}`);
    return 3;
  }
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (
    !values.district ||
    (values.since !== undefined && Number.isNaN(Date.parse(values.since))) ||
    (workers !== undefined && !(Number.isInteger(workers) && workers > 0))
  ) {
    io.stderr(USAGE);
    return 3;
  }
  const stop = new AbortController();
  const interrupt = () => {
    io.stderr('\ninterrupted: finishing the decisions in flight; run the same command to resume');
    stop.abort();
  };
  process.once('SIGINT', interrupt);
  try {
    const progress = await regenerateLocally({
      districtId: values.district,
      since: values.since,
      workers,
      jobId: values.job,
      env: io.env,
      stderr: (text) => process.stderr.write(text),
      tty: process.stderr.isTTY,
      signal: stop.signal,
    });
    io.stdout(JSON.stringify(progress));
    return progress.done === progress.total ? 0 : 1;
  } catch (error) {
    io.stderr(`iep-docs regenerate: ${(error as Error).message}`);
    return 4;
  } finally {
    process.off('SIGINT', interrupt);
  }
}
