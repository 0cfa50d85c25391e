import {
  GetQueueAttributesCommand,
  type SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoOutcomeStore } from '../../functions/adapters/dynamo-outcomes.ts';
import { DynamoRegenerationJobs } from '../../functions/adapters/dynamo-regeneration-jobs.ts';
import { DynamoRunLedger } from '../../functions/adapters/dynamo-runs.ts';
import { regenerateAwsCommand } from '../../functions/cli/regenerate-aws.ts';
import { itemKey, type RegenerateItem } from '../../functions/pipeline/regenerate.ts';
import { defaultJobId } from '../../functions/pipeline/regenerate-job.ts';
import { type TestEnvironment, testEnvironment } from '../support/environment.ts';

const QUEUE_URL = 'https://sqs.us-west-2.amazonaws.com/123456789012/IepDocs-RegenerationQueue';
const JOB = defaultJobId('example-usd');

let env: TestEnvironment;
let ledger: DynamoRunLedger;

beforeEach(async () => {
  env = await testEnvironment();
  ledger = new DynamoRunLedger(env.clients.documents, env.names.tables.runs);
  const outcomes = new DynamoOutcomeStore(env.clients.documents, env.names.tables.outcomes);
  // Four decisions in force in example-usd, one of another district, one rejected.
  for (const [decisionId, districtId, outcome] of [
    ['d-1', 'example-usd', 'documents-ready'],
    ['d-2', 'example-usd', 'documents-ready'],
    ['d-3', 'example-usd', 'documents-ready'],
    ['d-4', 'example-usd', 'documents-ready'],
    ['o-1', 'other-usd', 'documents-ready'],
    ['r-1', 'example-usd', 'rejected'],
  ] as const) {
    await outcomes.recordOnce({
      decisionId,
      version: 1,
      districtId,
      outcome,
      processedAt: '2026-09-15T10:00:00Z',
    });
  }
});

afterEach(() => {
  env.clients.destroy();
});

/** Plays the regeneration queue and its Lambda: a message is "processed" when `lambda` says. */
function queueAndLambda(lambda: (item: RegenerateItem) => boolean = () => true) {
  const sent: RegenerateItem[] = [];
  const sqs: Pick<SQSClient, 'send'> = {
    send: (async (command: unknown) => {
      if (command instanceof GetQueueAttributesCommand) {
        return {
          Attributes: {
            ApproximateNumberOfMessages: '0',
            ApproximateNumberOfMessagesNotVisible: '0',
          },
        };
      }
      for (const entry of (command as SendMessageBatchCommand).input.Entries ?? []) {
        const item = JSON.parse(entry.MessageBody as string) as RegenerateItem;
        sent.push(item);
        if (lambda(item)) {
          await ledger.finishOnce({
            jobId: item.jobId,
            itemKey: itemKey(item),
            created: [`${item.decisionId}-r2`],
            unchanged: 1,
            finishedAt: '2026-11-02T10:00:00Z',
          });
        }
      }
      return {};
    }) as never,
  };
  return { sqs, sent };
}

function cli() {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    stdout: (line: string) => out.push(line),
    stderr: (line: string) => err.push(line),
    env: {
      OUTCOMES_TABLE: env.names.tables.outcomes,
      RUNS_TABLE: env.names.tables.runs,
    } as NodeJS.ProcessEnv,
  };
  return { io, out, err, report: () => JSON.parse(out.at(-1) as string) };
}

const args = (...extra: string[]) => [
  '--district',
  'example-usd',
  '--queue-url',
  QUEUE_URL,
  '--poll',
  '0.01',
  ...extra,
];

describe('iep-docs regenerate --queue-url (a job in AWS)', () => {
  it('sends one message per decision in force, records the job and follows it to the end', async () => {
    // Prepare
    const { sqs, sent } = queueAndLambda();
    const run = cli();

    // Act
    const code = await regenerateAwsCommand(args(), run.io, {
      clients: { documents: env.clients.documents, sqs },
    });

    // Assess
    expect(code).toBe(0);
    expect(sent.map((i) => i.decisionId)).toEqual(['d-1', 'd-2', 'd-3', 'd-4']);
    expect(new Set(sent.map((i) => i.jobId))).toEqual(new Set([JOB]));
    expect(run.report()).toMatchObject({
      jobId: JOB,
      total: 4,
      done: 4,
      created: 4,
      sent: 4,
      ended: 'finished',
    });
    expect(run.err.some((line) => line.includes('4/4'))).toBe(true);
    const job = await new DynamoRegenerationJobs(env.clients.documents, env.names.tables.runs).get(
      JOB,
    );
    expect(job).toMatchObject({ jobId: JOB, districtId: 'example-usd', total: 4, queued: 4 });
    expect(job?.queuedAt).toBeDefined();
    // The job's own record is not one of its ledger's items.
    expect((await ledger.finished(JOB)).map((e) => e.itemKey).sort()).toEqual([
      'd-1#v1',
      'd-2#v1',
      'd-3#v1',
      'd-4#v1',
    ]);
  });

  it('does not send a queued job again unless asked, and then only its unfinished decisions', async () => {
    // Prepare: the first run sends everything; d-2 and d-4 fail into the dead-letter queue.
    const first = queueAndLambda((item) => !['d-2', 'd-4'].includes(item.decisionId));
    const firstRun = cli();
    const firstCode = await regenerateAwsCommand(args(), firstRun.io, {
      clients: { documents: env.clients.documents, sqs: first.sqs },
    });
    expect(firstCode).toBe(1);
    expect(firstRun.report()).toMatchObject({ done: 2, failed: 2, ended: 'queue-empty' });

    // Act: the same command again, then with --resend once the cause is fixed.
    const again = queueAndLambda();
    const againCode = await regenerateAwsCommand(args('--detach'), cli().io, {
      clients: { documents: env.clients.documents, sqs: again.sqs },
    });
    const resend = queueAndLambda();
    const resendRun = cli();
    const resendCode = await regenerateAwsCommand(args('--resend'), resendRun.io, {
      clients: { documents: env.clients.documents, sqs: resend.sqs },
    });

    // Assess
    expect(againCode).toBe(0);
    expect(again.sent).toEqual([]);
    expect(resend.sent.map((i) => i.decisionId)).toEqual(['d-2', 'd-4']);
    expect(resendCode).toBe(0);
    expect(resendRun.report()).toMatchObject({ total: 4, done: 4, resumedFrom: 2, sent: 2 });
  });

  it('sends nothing for a finished job', async () => {
    await regenerateAwsCommand(args(), cli().io, {
      clients: { documents: env.clients.documents, sqs: queueAndLambda().sqs },
    });
    const later = queueAndLambda();
    const run = cli();
    const code = await regenerateAwsCommand(args('--resend'), run.io, {
      clients: { documents: env.clients.documents, sqs: later.sqs },
    });
    expect(code).toBe(0);
    expect(later.sent).toEqual([]);
    expect(run.report()).toMatchObject({ done: 4, resumedFrom: 4, ended: 'finished' });
  });

  it('refuses to start without the queue, the tables or a district', async () => {
    const { sqs } = queueAndLambda();
    const clients = { documents: env.clients.documents, sqs };
    const run = cli();
    expect(await regenerateAwsCommand(['--queue-url', QUEUE_URL], run.io, { clients })).toBe(3);
    const noTables = { ...run.io, env: {} };
    expect(await regenerateAwsCommand(args(), noTables, { clients })).toBe(3);
    expect(await regenerateAwsCommand(args('--since', 'last tuesday'), cli().io, { clients })).toBe(
      3,
    );
  });
});
