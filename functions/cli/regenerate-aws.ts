/**
 * `iep-docs regenerate --district ID --queue-url URL [--since DATE] [--job ID] [--resend]
 * [--detach]`: starts (or resumes) a regeneration job in AWS. It finds the district's decision
 * versions in force in the outcomes table, as the local command does, records the job in the
 * runs table, sends one message per unfinished version to the regeneration queue (the stack's
 * `RegenerationQueueUrl` output), then shows the job's progress read back from its ledger until
 * every version is finished, the queue runs dry, or Ctrl-C (the job goes on in AWS).
 */
import { parseArgs } from 'node:util';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { DynamoRegenerationJobs } from '../adapters/dynamo-regeneration-jobs.ts';
import { DynamoRunLedger, findFinalizedDecisions } from '../adapters/dynamo-runs.ts';
import { queueRegion, SqsRegenerationQueue } from '../adapters/sqs-regeneration-queue.ts';
import { TABLE_ENV } from '../contract/environment.ts';
import { itemKey, type RunEntry } from '../pipeline/regenerate.ts';
import { defaultJobId, type JobProgress, progressLine } from '../pipeline/regenerate-job.ts';

/** What a job in AWS is started with. */
export interface AwsRegenerateOptions {
  districtId: string;
  since?: string;
  /** Defaults to {@link defaultJobId}: running the same command again resumes the job. */
  jobId?: string;
  outcomesTable: string;
  runsTable: string;
  db: DynamoDBDocument;
  queue: SqsRegenerationQueue;
  /** Send messages for unfinished items even when the job was queued already. */
  resend?: boolean;
  /** Return once the messages are sent, without watching the job. */
  detach?: boolean;
  /** Seconds between two readings of the ledger (default 15). */
  pollSeconds?: number;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (the progress line is then redrawn in place). */
  tty?: boolean;
  /** Stops watching (the job goes on in AWS). */
  signal?: AbortSignal;
  now?: () => Date;
}

/** Where a job stands, and why watching it stopped. */
export interface AwsJobReport extends JobProgress {
  /** Messages sent by this run. */
  sent: number;
  /** `finished`: every item done; `queue-empty`: items left but no message; `detached` / `stopped`. */
  ended: 'finished' | 'queue-empty' | 'detached' | 'stopped';
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((done) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        done();
      },
      { once: true },
    );
  });

/**
 * Queues the job's unfinished decisions, unless it was queued before and `--resend` is not
 * given (then it is only watched); the number of messages sent.
 */
async function queueJob(
  options: AwsRegenerateOptions,
  state: {
    jobId: string;
    job: Awaited<ReturnType<DynamoRegenerationJobs['get']>>;
    items: readonly { decisionId: string; version: number }[];
    pending: readonly { decisionId: string; version: number }[];
    startedAt: Date;
  },
): Promise<number> {
  const { jobId, job, items, pending, startedAt } = state;
  const now = options.now ?? (() => new Date());
  const jobs = new DynamoRegenerationJobs(options.db, options.runsTable);
  let sent = 0;
  if (pending.length > 0 && (!job?.queuedAt || options.resend)) {
    await jobs.starting({
      jobId,
      districtId: options.districtId,
      ...(options.since === undefined ? {} : { since: options.since }),
      total: items.length,
      startedAt: (job?.startedAt ? new Date(job.startedAt) : startedAt).toISOString(),
    });
    await options.queue.send(
      pending.map((item) => ({ ...item, jobId })),
      (count) => {
        sent = count;
      },
    );
    await jobs.queued(jobId, now().toISOString(), pending.length);
    options.stderr(`regenerate: ${sent} message(s) sent to the regeneration queue\n`);
  } else if (pending.length > 0) {
    options.stderr(
      `regenerate: job ${jobId} was queued at ${job?.queuedAt}; watching it (--resend queues its ${pending.length} unfinished decision(s) again)\n`,
    );
  }

  return sent;
}

/**
 * Follows a job until every decision finished, the caller stops it, or the queue runs empty
 * with decisions unfinished (they failed into the dead-letter queue).
 */
async function followJob(
  options: AwsRegenerateOptions,
  first: JobProgress,
  read: () => Promise<JobProgress>,
  show: (progress: JobProgress) => void,
): Promise<{ progress: JobProgress; ended: AwsJobReport['ended'] }> {
  let progress = first;
  let emptyReadings = 0;
  while (progress.done < progress.total) {
    if (options.signal?.aborted) return { progress, ended: 'stopped' };
    await sleep((options.pollSeconds ?? 15) * 1000, options.signal);
    progress = await read();
    show(progress);
    if (progress.done >= progress.total) break;
    // Nothing to receive and nothing in flight, twice (SQS's counts are approximate and lag):
    // the rest failed into the dead-letter queue. The ledger is written before a message is
    // deleted, so it is read again after the queue was seen empty.
    const depth = await options.queue.depth();
    emptyReadings = depth.waiting === 0 && depth.inFlight === 0 ? emptyReadings + 1 : 0;
    if (emptyReadings >= 2) {
      progress = await read();
      if (progress.done < progress.total) {
        options.stderr(
          `\nregenerate: the queue is empty with ${progress.total - progress.done} decision(s) unfinished: they failed into RegenerationDeadLetters (see the regenerate logs); fix the cause, then run the same command with --resend\n`,
        );
        return {
          progress: { ...progress, failed: progress.total - progress.done },
          ended: 'queue-empty',
        };
      }
    }
  }
  return { progress, ended: 'finished' };
}

/** Starts or resumes a job in AWS and follows it; resolves with where it ended. */
export async function regenerateInAws(options: AwsRegenerateOptions): Promise<AwsJobReport> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const jobId = options.jobId ?? defaultJobId(options.districtId, options.since);
  const ledger = new DynamoRunLedger(options.db, options.runsTable);
  const jobs = new DynamoRegenerationJobs(options.db, options.runsTable);

  const items = await findFinalizedDecisions(
    options.db,
    options.outcomesTable,
    options.districtId,
    options.since,
  );
  const keys = new Set(items.map(itemKey));
  const finishedOf = async () =>
    (await ledger.finished(jobId)).filter((entry) => keys.has(entry.itemKey));
  const finished = await finishedOf();
  const done = new Set(finished.map((entry) => entry.itemKey));
  const pending = items.filter((item) => !done.has(itemKey(item)));
  const job = await jobs.get(jobId);
  options.stderr(
    `regenerate: job ${jobId}, ${items.length} decision(s) of ${options.districtId}, ${done.size} finished before\n`,
  );

  const sent = await queueJob(options, { jobId, job, items, pending, startedAt });

  const progressOf = (entries: RunEntry[]): JobProgress => ({
    jobId,
    total: items.length,
    done: entries.length,
    resumedFrom: finished.length,
    created: entries.reduce((sum, entry) => sum + entry.created.length, 0),
    unchanged: entries.reduce((sum, entry) => sum + entry.unchanged, 0),
    failed: 0,
    elapsedMs: now().getTime() - startedAt.getTime(),
  });
  const show = (progress: JobProgress) =>
    options.stderr(options.tty ? `\r${progressLine(progress)}` : `${progressLine(progress)}\n`);
  const end = (progress: JobProgress, ended: AwsJobReport['ended']): AwsJobReport => {
    if (options.tty) options.stderr('\n');
    return { ...progress, sent, ended };
  };

  const progress = progressOf(finished);
  show(progress);
  if (options.detach && progress.done < progress.total) return end(progress, 'detached');
  const last = await followJob(options, progress, async () => progressOf(await finishedOf()), show);
  return end(last.progress, last.ended);
}

const USAGE = `usage: iep-docs regenerate --district ID --queue-url URL [--since DATE] [--job ID] [--resend] [--detach]

  --queue-url URL       the stack's RegenerationQueueUrl output: run the job in AWS
  --outcomes-table NAME the OutcomesTableName output (default: $${TABLE_ENV.outcomes})
  --runs-table NAME     the RunsTableName output (default: $${TABLE_ENV.runs})
  --district ID         the district whose decisions in force are re-rendered
  --since DATE          only versions processed on or after DATE (ISO, e.g. 2026-09-01)
  --job ID              the job to run or resume (default: one per district and --since)
  --resend              queue the job's unfinished decisions again (after failures were fixed)
  --detach              return once the messages are sent (default: follow the progress)
  --poll S              seconds between two readings of the progress (default 15)`;

/** `regenerate --queue-url`'s options (tables default to the functions' environment), or the usage text. */
function regenerateArgs(argv: string[], env: NodeJS.ProcessEnv) {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        district: { type: 'string' },
        since: { type: 'string' },
        job: { type: 'string' },
        'queue-url': { type: 'string' },
        'outcomes-table': { type: 'string' },
        'runs-table': { type: 'string' },
        resend: { type: 'boolean', default: false },
        detach: { type: 'boolean', default: false },
        poll: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    return `iep-docs regenerate: ${(error as Error).message}\n${USAGE}`;
  }
  const text = (name: string) =>
    typeof values[name] === 'string' ? (values[name] as string) : undefined;
  const queueUrl = text('queue-url');
  const outcomesTable = text('outcomes-table') ?? env[TABLE_ENV.outcomes];
  const runsTable = text('runs-table') ?? env[TABLE_ENV.runs];
  const since = text('since');
  const poll = text('poll') === undefined ? undefined : Number(text('poll'));
  const region = (queueUrl && queueRegion(queueUrl)) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const district = text('district');
  if (
    !district ||
    !queueUrl ||
    !outcomesTable ||
    !runsTable ||
    (since !== undefined && Number.isNaN(Date.parse(since))) ||
    (poll !== undefined && !(poll > 0))
  )
    return USAGE;
  return {
    district,
    queueUrl,
    outcomesTable,
    runsTable,
    since,
    poll,
    region,
    job: text('job'),
    resend: values.resend === true,
    detach: values.detach === true,
  };
}

/** The CLI command in AWS: exit 0 when every item finished (or detached), 1 when not, 3 usage, 4 error. */
export async function regenerateAwsCommand(
  argv: string[],
  io: { stdout(line: string): void; stderr(line: string): void; env: NodeJS.ProcessEnv },
  deps: { clients?: { documents: DynamoDBDocument; sqs: Pick<SQSClient, 'send'> } } = {},
): Promise<number> {
  const args = regenerateArgs(argv, io.env);
  if (typeof args === 'string') {
    io.stderr(args);
    return 3;
  }
  const { district, queueUrl, outcomesTable, runsTable, since, poll, region, job } = args;
  if (!deps.clients && !region) {
    io.stderr('iep-docs regenerate: no AWS region: set AWS_REGION');
    return 3;
  }
  const { createAwsClients } = await import('../adapters/aws-clients.ts');
  const owned = deps.clients ? undefined : createAwsClients({ region: region as string });
  const clients = deps.clients ?? (owned as NonNullable<typeof owned>);
  const stop = new AbortController();
  const interrupt = () => {
    io.stderr('\ninterrupted: the job goes on in AWS; run the same command to follow it again');
    stop.abort();
  };
  process.once('SIGINT', interrupt);
  try {
    const report = await regenerateInAws({
      districtId: district,
      ...(since === undefined ? {} : { since }),
      ...(job === undefined ? {} : { jobId: job }),
      outcomesTable,
      runsTable,
      db: clients.documents,
      queue: new SqsRegenerationQueue(clients.sqs, queueUrl),
      resend: args.resend,
      detach: args.detach,
      ...(poll === undefined ? {} : { pollSeconds: poll }),
      stderr: (line) => io.stderr(line.replace(/\n$/, '')),
      signal: stop.signal,
    });
    io.stdout(JSON.stringify(report));
    return report.ended === 'finished' || report.ended === 'detached' ? 0 : 1;
  } catch (error) {
    io.stderr(`iep-docs regenerate: ${(error as Error).message}`);
    return 4;
  } finally {
    process.off('SIGINT', interrupt);
    owned?.destroy();
  }
}
