/**
 * The bundles that `cdk synth` produces, executed as Lambda would run them (see
 * lambda-runner.ts) against the emulators: the renderer prints a signed PDF into S3 from a
 * DynamoDB stream batch, deliver mails its link from an SQS batch, the download function serves
 * its page and the verification page to API Gateway REST API (1.0) requests, the sweep runs
 * from its EventBridge Scheduler input; delivery-status records SES's EventBridge event,
 * regenerate works an SQS message, the stream's dead-letter consumer records an on-failure
 * message, meeting-notices signs a notice from the meetings stream. A variable a handler reads and the template does not set, or a module the
 * bundle imports and neither it nor its layer holds, fails its function's cold start here.
 * The setup is bundle-harness.ts; render-translations and the response routes are in
 * bundles-later.test.ts, with the check that every function of the template is run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDeliveryStore } from '../../functions/adapters/dynamo-deliveries.ts';
import { DynamoOutcomeStore } from '../../functions/adapters/dynamo-outcomes.ts';
import { DynamoRunLedger } from '../../functions/adapters/dynamo-runs.ts';
import { verifyPdf } from '../../functions/render/signing/index.ts';
import { rawSample } from '../fixtures/decisions.ts';
import type { TestEnvironment } from '../support/environment.ts';
import { sentEmails } from '../support/ses.ts';
import type { StandIns } from './aws-stand-ins.ts';
import { API_ID, bundleHarness, sqsEvent } from './bundle-harness.ts';
import type { LambdaRun, Template } from './lambda-runner.ts';

const h = bundleHarness();
let env: TestEnvironment;
let standIns: StandIns;
let template: Template;
// After the harness's own beforeAll (hooks run in the order they are registered).
beforeAll(() => {
  ({ env, standIns, template } = h);
});
const fn = (name: string) => h.fn(name);
const run = (name: string, events: unknown[]): Promise<LambdaRun> => h.run(name, events);

describe('the synthesized bundles, run as Lambda runs them', () => {
  it('renders a stream batch into a signed PDF, mails its link, serves its page; the sweep runs', async () => {
    // Prepare: a finalized decision as the district's system writes it, and its stream record.
    const raw = rawSample('annual-grade4-en');
    raw.decisionId = `${raw.decisionId}-${env.prefix}`;
    for (const g of raw.guardians)
      if (g.email) g.email = `${g.guardianId}.${env.prefix}@example.com`.toLowerCase();
    await env.clients.documents.put({ TableName: env.names.tables.decisions, Item: raw });
    const image = marshall(raw, { removeUndefinedValues: true });
    const streamBatch = {
      Records: [
        {
          eventID: '1',
          eventName: 'INSERT',
          eventVersion: '1.1',
          eventSource: 'aws:dynamodb',
          awsRegion: 'us-east-1',
          dynamodb: {
            Keys: { decisionId: image.decisionId, version: image.version },
            NewImage: image,
            SequenceNumber: '100',
            SizeBytes: 1000,
            StreamViewType: 'NEW_AND_OLD_IMAGES',
          },
          eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/decisions/stream/x',
        },
      ],
    };

    // Act: render.
    const rendered = await run('RenderDocuments', [streamBatch]);

    // Assess: a signed PDF in S3, a delivery job on the queue.
    expect(rendered.results).toEqual([{ batchItemFailures: [] }]);
    const listed = await env.clients.s3.send(
      new ListObjectsV2Command({ Bucket: env.names.buckets.documents, Prefix: 'districts/' }),
    );
    const keys = (listed.Contents ?? [])
      .map((o) => o.Key as string)
      .filter((k) => k.includes(raw.decisionId));
    expect(keys.length).toBeGreaterThan(0);
    const object = await env.clients.s3.send(
      new GetObjectCommand({ Bucket: env.names.buckets.documents, Key: keys[0] }),
    );
    const pdf = new Uint8Array(await (object.Body?.transformToByteArray() ?? []));
    expect(verifyPdf(pdf)).toMatchObject({ intact: true });
    const job = standIns.sent.find((m) => m.body.includes(raw.decisionId));
    expect(job?.queueUrl).toContain('DeliveryQueue');

    // Act: deliver the job from an SQS batch.
    const sqsBatch = {
      Records: [
        {
          messageId: 'm-1',
          receiptHandle: 'r-1',
          body: job?.body,
          attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()) },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:DeliveryQueue',
          awsRegion: 'us-east-1',
        },
      ],
    };
    const delivered = await run('DeliverFunction', [sqsBatch]);
    expect(delivered.results).toEqual([{ batchItemFailures: [] }]);
    const [email] = await sentEmails({ to: raw.guardians[0].email });
    const token = /\/d\/([A-Za-z0-9_-]{43})/.exec(email?.body.text ?? '')?.[1];
    expect(token).toBeDefined();

    // Act: the parent opens the link (API Gateway REST API proxy, payload 1.0).
    const host = `${API_ID}.execute-api.us-east-1.amazonaws.com`;
    const request = {
      resource: '/d/{token}',
      path: `/d/${token}`,
      httpMethod: 'GET',
      headers: { Host: host, 'User-Agent': 'bundle-test' },
      multiValueHeaders: { Host: [host], 'User-Agent': ['bundle-test'] },
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: { token },
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: API_ID,
        domainName: host,
        domainPrefix: API_ID,
        httpMethod: 'GET',
        path: `/links/d/${token}`,
        protocol: 'HTTP/1.1',
        identity: { sourceIp: '203.0.113.9', userAgent: 'bundle-test' },
        requestId: 'req-1',
        requestTime: new Date().toUTCString(),
        requestTimeEpoch: Date.now(),
        resourceId: 'r1',
        resourcePath: '/d/{token}',
        stage: 'links',
      },
    };
    // The verification page, from the same function.
    const verifyRequest = {
      ...request,
      resource: '/verify',
      path: '/verify',
      pathParameters: null,
      requestContext: { ...request.requestContext, resourcePath: '/verify', path: '/links/verify' },
    };
    const page = await run('DownloadFunction', [request, verifyRequest]);
    expect(page.results[0]).toMatchObject({ statusCode: 200 });
    expect(page.results[1]).toMatchObject({
      statusCode: 200,
      body: expect.stringContaining('Is this copy genuine?'),
    });

    // Act: the sweep, with the input its EventBridge schedule sends.
    const schedule = Object.values(template.Resources).find(
      (r) => r.Type === 'AWS::Scheduler::Schedule',
    );
    const swept = await run('ReviewSweep', [JSON.parse(schedule?.Properties.Target.Input)]);
    expect(swept.stderr).not.toMatch(/missing configuration/);

    // Act: SES reports the email delivered (EventBridge, as the configuration set routes it).
    const deliveries = new DynamoDeliveryStore(env.clients.documents, env.names.tables.deliveries);
    const [delivery] = await deliveries.listForDecision(raw.decisionId);
    const status = await run('DeliveryStatus', [sesDeliveredEvent(delivery?.deliveryId ?? '')]);

    // Assess: the delivery is recorded delivered.
    expect(status.results).toEqual([['delivered']]);
    expect((await deliveries.get(delivery?.deliveryId ?? ''))?.state).toBe('delivered');

    // Act: the district regenerates the version (an SQS batch of the regeneration queue).
    const item = { decisionId: raw.decisionId, version: raw.version, jobId: `job-${env.prefix}` };
    const regenerated = await run('Regenerate', [sqsEvent('RegenerationQueue', item)]);

    // Assess: the job's ledger holds the version as done.
    expect(regenerated.results).toEqual([{ batchItemFailures: [] }]);
    const ledger = new DynamoRunLedger(env.clients.documents, env.names.tables.runs);
    expect((await ledger.finished(item.jobId)).length).toBe(1);
  }, 400_000);

  it('bundles into each function only the parts its use case uses', () => {
    // The packages in a bundle, from its source map's list of sources.
    const packages = (name: string) => {
      const map = JSON.parse(readFileSync(join(fn(name).taskRoot, 'index.mjs.map'), 'utf8'));
      return new Set(
        (map.sources as string[]).flatMap(
          (source) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)?.[1] ?? [],
        ),
      );
    };
    const heavy = ['puppeteer-core', '@aws-sdk/client-kms', '@aws-sdk/client-secrets-manager'];
    for (const name of ['DeliveryStatus', 'StreamDeadLetter', 'DownloadFunction'])
      for (const part of heavy)
        expect(packages(name).has(part), `${name} holds ${part}`).toBe(false);
    expect(packages('DownloadFunction').has('pdf-lib'), 'DownloadFunction holds pdf-lib').toBe(
      false,
    );
    expect(packages('RenderDocuments').has('puppeteer-core')).toBe(true);
    expect(packages('RenderDocuments').has('@aws-sdk/client-secrets-manager')).toBe(true);
    expect(packages('Regenerate').has('@aws-sdk/client-secrets-manager')).toBe(false);
  });

  it('renders a meeting item from its stream into a signed notice of IEP team meeting', async () => {
    // Prepare: a meeting item as the district's system writes it, and its stream record.
    // The item as written to the meetings table keeps its kind (the local runtime writes it so).
    const raw = JSON.parse(
      readFileSync(join('samples', 'meetings', 'meeting-annual-en.json'), 'utf8'),
    );
    raw.meetingId = `${raw.meetingId}-${env.prefix}`;
    await env.clients.documents.put({ TableName: env.names.tables.meetings, Item: raw });
    const image = marshall(raw, { removeUndefinedValues: true });
    const batch = {
      Records: [
        {
          eventID: '1',
          eventName: 'INSERT',
          eventVersion: '1.1',
          eventSource: 'aws:dynamodb',
          awsRegion: 'us-east-1',
          dynamodb: {
            Keys: { meetingId: image.meetingId, revision: image.revision },
            NewImage: image,
            SequenceNumber: '200',
            SizeBytes: 1000,
            StreamViewType: 'NEW_AND_OLD_IMAGES',
          },
          eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/meetings/stream/x',
        },
      ],
    };

    // Act: the meeting-notices function, as its stream mapping invokes it.
    const rendered = await run('MeetingNotices', [batch]);

    // Assess: the notice is a signed PDF in S3 and its outcome says so.
    expect(rendered.results).toEqual([{ batchItemFailures: [] }]);
    const outcomes = new DynamoOutcomeStore(env.clients.documents, env.names.tables.outcomes);
    const outcome = await outcomes.get(`meeting-${raw.meetingId}`, raw.revision);
    expect(outcome?.outcome, JSON.stringify(outcome?.problems)).toBe('documents-ready');
    expect(outcome?.documentIds?.length).toBeGreaterThan(0);
    const listed = await env.clients.s3.send(
      new ListObjectsV2Command({ Bucket: env.names.buckets.documents, Prefix: 'districts/' }),
    );
    const key = (listed.Contents ?? [])
      .map((o) => o.Key as string)
      .find((k) => k.includes(raw.meetingId));
    expect(key).toBeDefined();
    const object = await env.clients.s3.send(
      new GetObjectCommand({ Bucket: env.names.buckets.documents, Key: key }),
    );
    const pdf = new Uint8Array(await (object.Body?.transformToByteArray() ?? []));
    expect(verifyPdf(pdf)).toMatchObject({ intact: true });
  }, 180_000);

  it('records a stream batch that exhausted its retries from the on-failure message', async () => {
    // Prepare: a decision on the stream, never rendered, and its position.
    const decisionId = `dead-letter-${env.prefix}`;
    await env.clients.documents.put({
      TableName: env.names.tables.decisions,
      Item: { decisionId, version: 1, status: 'finalized' },
    });
    const range = await lastStreamRecord();

    // Act: Lambda's on-failure destination message, through the SQS queue.
    const recorded = await run('StreamDeadLetter', [sqsEvent('StreamFailures', onFailure(range))]);

    // Assess: the version's outcome says dead-lettered.
    expect(recorded.results).toEqual([{ batchItemFailures: [] }]);
    const outcomes = new DynamoOutcomeStore(env.clients.documents, env.names.tables.outcomes);
    expect((await outcomes.get(decisionId, 1))?.outcome).toBe('dead-lettered');
  }, 120_000);
});

/** SES's "Email Delivered" event through EventBridge, tagged with the delivery's id. */
function sesDeliveredEvent(deliveryId: string) {
  const time = new Date().toISOString();
  return {
    version: '0',
    id: 'e-1',
    'detail-type': 'Email Delivered',
    source: 'aws.ses',
    account: '000000000000',
    time,
    region: 'us-east-1',
    resources: [],
    detail: {
      eventType: 'Delivery',
      mail: {
        timestamp: time,
        messageId: 'ses-message-1',
        tags: { 'delivery-id': [deliveryId] },
      },
      delivery: { timestamp: time, recipients: ['guardian@example.com'], smtpResponse: '250 OK' },
    },
  };
}

/** The decisions stream's last record, as a one-record range. */
async function lastStreamRecord() {
  const { Table } = await env.clients.dynamodb.send(
    new DescribeTableCommand({ TableName: env.names.tables.decisions }),
  );
  const streamArn = Table?.LatestStreamArn as string;
  const { StreamDescription } = await env.clients.dynamodbStreams.send(
    new DescribeStreamCommand({ StreamArn: streamArn }),
  );
  const shardId = StreamDescription?.Shards?.at(-1)?.ShardId as string;
  const { ShardIterator } = await env.clients.dynamodbStreams.send(
    new GetShardIteratorCommand({
      StreamArn: streamArn,
      ShardId: shardId,
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  const { Records = [] } = await env.clients.dynamodbStreams.send(
    new GetRecordsCommand({ ShardIterator }),
  );
  const sequence = Records.at(-1)?.dynamodb?.SequenceNumber as string;
  return { streamArn, shardId, startSequenceNumber: sequence, endSequenceNumber: sequence };
}

/** Lambda's on-failure message for a stream batch that exhausted its retries. */
function onFailure(range: Awaited<ReturnType<typeof lastStreamRecord>>) {
  return {
    requestContext: {
      requestId: 'c1b2a3d4-0000-4000-8000-000000000000',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:render-documents',
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 6,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: new Date().toISOString(),
    DDBStreamBatchInfo: {
      shardId: range.shardId,
      startSequenceNumber: range.startSequenceNumber,
      endSequenceNumber: range.endSequenceNumber,
      approximateArrivalOfFirstRecord: new Date().toISOString(),
      approximateArrivalOfLastRecord: new Date().toISOString(),
      batchSize: 1,
      streamArn: range.streamArn,
    },
  };
}
