/**
 * The dashboard tells the truth: every metric it graphs is one a handler prints. The handlers run
 * with the Powertools metrics adapter (their use cases are stand-ins returning what the real
 * ones return) and their embedded-metric-format lines are read from stdout; the dashboard's
 * metric names are read from the synthesized stack. A graph of a metric nobody emits fails here.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import { powertoolsMetrics } from '../../functions/adapters/powertools-metrics.ts';
import {
  DISTRICT_DIMENSION,
  METRICS_NAMESPACE,
  SERVICE_NAME,
} from '../../functions/contract/environment.ts';
import { makeDeliverHandler } from '../../functions/handlers/deliver.ts';
import { makeRenderDocumentsHandler } from '../../functions/handlers/render-documents.ts';
import { makeReviewSweepHandler } from '../../functions/handlers/review-sweep.ts';
import type { CalendarSweep } from '../../functions/pipeline/calendar-sweep.ts';
import type { Deliver, DeliveryResult } from '../../functions/pipeline/deliver.ts';
import type { Log, OutcomeStore } from '../../functions/pipeline/ports.ts';
import type { ProcessResult, RenderDecision } from '../../functions/pipeline/render-decision.ts';
import { buildStack } from '../infra/build-stack.ts';

const quiet: Log = { debug() {}, info() {}, warn() {}, error() {} };
const DISTRICT = 'example-usd';

interface EmfLine {
  _aws: {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
  };
  [key: string]: unknown;
}

/** Runs `act` and returns the EMF lines printed meanwhile. */
async function emfLines(act: () => Promise<unknown>): Promise<EmfLine[]> {
  const printed: string[] = [];
  const capture = (chunk: unknown) => {
    printed.push(String(chunk));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const log = vi.spyOn(console, 'log').mockImplementation((line) => capture(line));
  try {
    await act();
  } finally {
    out.mockRestore();
    log.mockRestore();
  }
  return printed
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfLine);
}

function streamEvent(decisionId: string): DynamoDBStreamEvent {
  return {
    Records: [
      {
        eventName: 'INSERT',
        dynamodb: {
          Keys: { decisionId: { S: decisionId }, version: { N: '1' } },
          NewImage: { decisionId: { S: decisionId }, version: { N: '1' } },
          SequenceNumber: '1',
        },
      },
    ],
  };
}

/** Every line each handler prints for a representative invocation. */
async function everyHandlerLine(): Promise<EmfLine[]> {
  const metrics = powertoolsMetrics(
    new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
  );
  const outcomes = { recordAttemptFailure: async () => {} } as unknown as OutcomeStore;
  const results: Record<string, ProcessResult> = {
    ready: {
      alreadyProcessed: false,
      outcome: {
        decisionId: 'ready',
        version: 1,
        districtId: DISTRICT,
        outcome: 'documents-ready',
        processedAt: '2026-01-01T00:00:00Z',
      },
      documents: [{ record: {} as never, state: 'created', signMs: 12 }],
    },
    rejected: {
      alreadyProcessed: false,
      outcome: {
        decisionId: 'rejected',
        version: 1,
        districtId: DISTRICT,
        outcome: 'rejected',
        processedAt: '2026-01-01T00:00:00Z',
      },
      documents: [],
    },
  };
  const service = {
    process: async ({ decisionId }: { decisionId: string }) => results[decisionId],
  } as unknown as RenderDecision;
  const render = makeRenderDocumentsHandler({ service, outcomes, log: quiet, metrics });
  const sent = { created: true } as DeliveryResult;
  let deliveries = 0;
  const deliver = makeDeliverHandler({
    deliver: {
      deliver: async () => {
        deliveries += 1;
        if (deliveries > 1) throw new Error('injected: SES refused');
        return [sent];
      },
    } as Pick<Deliver, 'deliver'>,
    log: quiet,
    metrics,
  });
  const job = (jobId: string) =>
    JSON.stringify({
      jobId,
      kind: 'decision-documents',
      districtId: DISTRICT,
      decisionId: 'd',
      version: 1,
      documentIds: [],
    });
  const sqs: SQSEvent = {
    Records: ['a', 'b'].map(
      (id) => ({ messageId: id, body: job(id) }) as SQSEvent['Records'][number],
    ),
  };
  const sweep = makeReviewSweepHandler({
    sweep: {
      runSweep: async () => ({
        districtId: DISTRICT,
        today: '2026-01-01',
        reminders: [{ state: 'sent' } as never],
        overdue: [{} as never],
        lateNotices: [],
        failed: [],
      }),
    } as Pick<CalendarSweep, 'runSweep'>,
    districts: loadDistrictDirectory(),
    clock: () => new Date('2026-01-01T12:00:00Z'),
    log: quiet,
    metrics,
  });
  const context = {} as Context;
  return emfLines(async () => {
    await render(streamEvent('ready'), context);
    await render(streamEvent('rejected'), context);
    await deliver(sqs, context);
    await sweep({ districtId: DISTRICT }, context);
  });
}

describe('metrics the handlers print and the dashboard graphs', () => {
  let lines: EmfLine[];
  let graphed: string[];
  beforeAll(async () => {
    expect(loadDistrictDirectory().get(DISTRICT).districtId).toBe(DISTRICT);
    lines = await everyHandlerLine();
    const template = buildStack().template.toJSON() as {
      Resources: Record<string, { Type: string; Properties: { DashboardBody: unknown } }>;
    };
    const dashboard = Object.values(template.Resources).find(
      (r) => r.Type === 'AWS::CloudWatch::Dashboard',
    );
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    graphed = [
      ...new Set(
        [...body.matchAll(new RegExp(`\\\\"${METRICS_NAMESPACE}\\\\",\\\\"(\\w+)\\\\"`, 'g'))].map(
          (m) => m[1] as string,
        ),
      ),
    ].sort();
  }, 120_000);

  afterEach(() => vi.restoreAllMocks());

  it('reads the dashboard (it graphs metrics)', () => {
    expect(graphed.length).toBeGreaterThanOrEqual(8);
  });

  it('emits every metric the dashboard graphs, with the service and district dimensions', () => {
    const emitted = new Set<string>();
    for (const line of lines) {
      for (const directive of line._aws.CloudWatchMetrics) {
        expect(directive.Namespace).toBe(METRICS_NAMESPACE);
        expect(directive.Dimensions).toContainEqual(['service', DISTRICT_DIMENSION]);
        for (const metric of directive.Metrics) emitted.add(metric.Name);
      }
      expect(line).toMatchObject({ service: SERVICE_NAME, [DISTRICT_DIMENSION]: DISTRICT });
    }
    expect(graphed.filter((name) => !emitted.has(name))).toEqual([]);
  });

  it('counts what happened: 1 document, 1 rejection, 1 sent, 1 failed, 1 reminder, 1 overdue', () => {
    const values = (name: string) =>
      lines.filter((line) => name in line).map((line) => line[name] as number);
    expect(values('DocumentsRendered')).toEqual([1]);
    expect(values('DecisionsRejected')).toEqual([1]);
    expect(values('DeliveriesSent')).toEqual([1]);
    expect(values('DeliveriesFailed')).toEqual([1]);
    expect(values('RemindersSent')).toEqual([1]);
    expect(values('OverdueCount')).toEqual([1]);
    expect(values('SigningDuration')).toEqual([12]);
    expect(values('RenderDuration')).toHaveLength(1);
  });
});
