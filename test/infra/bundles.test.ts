/**
 * The bundles that `cdk synth` produces, executed as Lambda would run them (see
 * lambda-runner.ts) against the emulators: the renderer prints a signed PDF into S3 from a
 * DynamoDB stream batch, deliver mails its link from an SQS batch, the download function serves
 * its page and the verification page to API Gateway REST API (1.0) requests, the sweep runs from its EventBridge
 * Scheduler input. A variable a handler reads and the template does not set, or a module the
 * bundle imports and neither it nor its layer holds, fails its function's cold start here.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorCredentials } from '../../functions/adapters/aws-clients.ts';
import { verifyPdf } from '../../functions/render/signing/index.ts';
import { rawSample } from '../fixtures/decisions.ts';
import { type TestEnvironment, testEnvironment } from '../support/environment.ts';
import { sentEmails } from '../support/ses.ts';
import { synthesizedAssembly } from './assembly.ts';
import { type StandIns, startStandIns } from './aws-stand-ins.ts';
import {
  invokeLambda,
  type LambdaDefinition,
  type LambdaRun,
  lambdaDefinition,
  type Template,
} from './lambda-runner.ts';

const PARAMETER = '/IepDocs/signing/certificate-chain';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:student-key';
const API_ID = 'bundletest';

let env: TestEnvironment;
let standIns: StandIns;
let template: Template;
let outdir: string;
let scratch: string;
let runtime: Record<string, string>;

/** The emulator resource a template reference stands for; anything else fails by name. */
function resolver(logicalId: string, attribute?: string): string {
  const resource = template.Resources[logicalId];
  const path = resource?.Metadata?.['aws:cdk:path'] ?? '';
  const named = /\/Data\/(\w+)Table\/Resource$/.exec(path)?.[1];
  switch (resource?.Type) {
    case 'AWS::DynamoDB::Table': {
      const table =
        `${named?.[0]?.toLowerCase()}${named?.slice(1)}` as keyof typeof env.names.tables;
      if (!env.names.tables[table]) throw new Error(`no emulator table for ${logicalId}`);
      return env.names.tables[table];
    }
    case 'AWS::S3::Bucket':
      if (path.includes('/DocumentsBucket/')) return env.names.buckets.documents;
      break;
    case 'AWS::SQS::Queue':
      return `${standIns.endpoint}/000000000000/${logicalId}`;
    case 'AWS::KMS::Key':
      if (attribute === 'Arn') return `arn:aws:kms:us-east-1:000000000000:key/${logicalId}`;
      break;
    case 'AWS::SSM::Parameter':
      return PARAMETER;
    case 'AWS::SecretsManager::Secret':
      return SECRET_ARN;
    case 'AWS::SES::ConfigurationSet':
      return 'iep-bundle-test';
    case 'AWS::ApiGateway::RestApi':
      return API_ID;
  }
  throw new Error(`no emulator for ${logicalId} (${resource?.Type ?? 'not in the template'})`);
}

const fn = (name: string): LambdaDefinition => lambdaDefinition(template, outdir, name, resolver);

async function run(name: string, events: unknown[]): Promise<LambdaRun> {
  const result = await invokeLambda(fn(name), events, runtime, scratch);
  // The process's own words when it failed: a missing variable or module is named there.
  expect(result.code, `${name}:\n${result.stderr.slice(-3000)}`).toBe(0);
  expect(result.results, `${name}:\n${result.stderr.slice(-3000)}`).toHaveLength(events.length);
  return result;
}

beforeAll(async () => {
  const synth = await synthesizedAssembly();
  expect(synth.status, synth.stderr).toBe(0);
  outdir = synth.outdir;
  template = JSON.parse(readFileSync(join(outdir, 'IepDocs.template.json'), 'utf8'));
  env = await testEnvironment();
  standIns = await startStandIns({
    parameterName: PARAMETER,
    secretArn: SECRET_ARN,
    secret: 'a'.repeat(64),
  });
  scratch = mkdtempSync(join(tmpdir(), 'iep-bundles-'));
  const { endpoints } = env;
  runtime = {
    AWS_REGION: endpoints.region,
    AWS_DEFAULT_REGION: endpoints.region,
    // What Lambda puts in the environment: the role's credentials (here the emulators').
    AWS_ACCESS_KEY_ID: emulatorCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emulatorCredentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: endpoints.dynamodb,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_SESV2: endpoints.ses,
    AWS_ENDPOINT_URL_KMS: standIns.endpoint,
    AWS_ENDPOINT_URL_SSM: standIns.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: standIns.endpoint,
    AWS_ENDPOINT_URL_SQS: standIns.endpoint,
    // s3rver does not take the SDK's newer flexible checksums.
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    TMPDIR: tmpdir(),
  };
}, 400_000);

afterAll(async () => {
  await standIns?.close();
});

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
  }, 300_000);
});
