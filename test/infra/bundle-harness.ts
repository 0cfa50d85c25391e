/**
 * What the bundle test files share: the run's one synthesized assembly, a fresh emulator
 * environment, the stand-ins for the services without an emulator, the template's references
 * resolved to them, and `run` (one cold start of a function's bundle with AWS event shapes,
 * failing with the process's own words). `bundleHarness()` registers its hooks in the calling
 * test file; its fields are set once `beforeAll` has run.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, expect } from 'vitest';
import { emulatorCredentials } from '../../functions/adapters/aws-clients.ts';
import { type TestEnvironment, testEnvironment } from '../support/environment.ts';
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
/** The REST API id the download function's requests name. */
export const API_ID = 'bundletest';

/** The shared state of a bundle test file (set by its `beforeAll`). */
export interface BundleHarness {
  env: TestEnvironment;
  standIns: StandIns;
  template: Template;
  outdir: string;
  /** The function of the template whose logical id contains `name`. */
  fn(name: string): LambdaDefinition;
  /** One cold start of `name` handling `events` in turn; fails unless each gave a result. */
  run(name: string, events: unknown[]): Promise<LambdaRun>;
}

/** Registers the hooks that set up the harness in the calling test file. */
export function bundleHarness(): BundleHarness {
  let scratch: string;
  let runtime: Record<string, string>;
  const h = {} as BundleHarness;

  /** The emulator resource a template reference stands for; anything else fails by name. */
  const resolver = (logicalId: string, attribute?: string): string => {
    const resource = h.template.Resources[logicalId];
    const path = resource?.Metadata?.['aws:cdk:path'] ?? '';
    const named = /\/Data\/(\w+)Table\/Resource$/.exec(path)?.[1];
    const tables = h.env.names.tables;
    switch (resource?.Type) {
      case 'AWS::DynamoDB::Table': {
        const table = `${named?.[0]?.toLowerCase()}${named?.slice(1)}` as keyof typeof tables;
        if (!tables[table]) throw new Error(`no emulator table for ${logicalId}`);
        return tables[table];
      }
      case 'AWS::S3::Bucket':
        if (path.includes('/DocumentsBucket/')) return h.env.names.buckets.documents;
        break;
      case 'AWS::SQS::Queue':
        return `${h.standIns.endpoint}/000000000000/${logicalId}`;
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
  };

  h.fn = (name) => lambdaDefinition(h.template, h.outdir, name, resolver);
  h.run = async (name, events) => {
    const result = await invokeLambda(h.fn(name), events, runtime, scratch);
    // The process's own words when it failed: a missing variable or module is named there.
    expect(result.code, `${name}:\n${result.stderr.slice(-3000)}`).toBe(0);
    expect(result.results, `${name}:\n${result.stderr.slice(-3000)}`).toHaveLength(events.length);
    return result;
  };

  beforeAll(async () => {
    const synth = await synthesizedAssembly();
    expect(synth.status, synth.stderr).toBe(0);
    h.outdir = synth.outdir;
    h.template = JSON.parse(readFileSync(join(h.outdir, 'IepDocs.template.json'), 'utf8'));
    h.env = await testEnvironment();
    h.standIns = await startStandIns({
      parameterName: PARAMETER,
      secretArn: SECRET_ARN,
      secret: 'a'.repeat(64),
    });
    scratch = mkdtempSync(join(tmpdir(), 'iep-bundles-'));
    const { endpoints } = h.env;
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
      AWS_ENDPOINT_URL_KMS: h.standIns.endpoint,
      AWS_ENDPOINT_URL_SSM: h.standIns.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: h.standIns.endpoint,
      AWS_ENDPOINT_URL_SQS: h.standIns.endpoint,
      // s3rver does not take the SDK's newer flexible checksums.
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      TMPDIR: tmpdir(),
    };
  }, 400_000);

  afterAll(async () => {
    await h.standIns?.close();
  });

  return h;
}

/** A DynamoDB stream batch of one INSERT of `item` (keyed by `keys`), as Lambda hands it over. */
export function streamInsert(item: Record<string, unknown>, keys: string[], table: string) {
  const image = marshall(item, { removeUndefinedValues: true });
  return {
    Records: [
      {
        eventID: '1',
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'us-east-1',
        dynamodb: {
          Keys: Object.fromEntries(keys.map((k) => [k, image[k]])),
          NewImage: image,
          SequenceNumber: '100',
          SizeBytes: 1000,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        eventSourceARN: `arn:aws:dynamodb:us-east-1:000000000000:table/${table}/stream/x`,
      },
    ],
  };
}

/** An SQS batch of one message, as Lambda's event source mapping hands it over. */
export function sqsEvent(queue: string, body: unknown) {
  return {
    Records: [
      {
        messageId: `${queue}-1`,
        receiptHandle: 'r-1',
        body: typeof body === 'string' ? body : JSON.stringify(body),
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()) },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queue}`,
        awsRegion: 'us-east-1',
      },
    ],
  };
}

/**
 * An API Gateway REST API proxy request (payload 1.0) on the download API's stage, for the
 * route `resource` (e.g. `/d/{token}/respond`) at `path`.
 */
export function restRequest(
  method: string,
  resource: string,
  path: string,
  options: {
    pathParameters?: Record<string, string> | null;
    headers?: Record<string, string>;
    body?: string;
  } = {},
) {
  const host = `${API_ID}.execute-api.us-east-1.amazonaws.com`;
  const headers = { Host: host, 'User-Agent': 'bundle-test', ...options.headers };
  return {
    resource,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: options.pathParameters ?? null,
    stageVariables: null,
    body: options.body ?? null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: API_ID,
      domainName: host,
      domainPrefix: API_ID,
      httpMethod: method,
      path: `/links${path}`,
      protocol: 'HTTP/1.1',
      identity: { sourceIp: '203.0.113.9', userAgent: 'bundle-test' },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      requestTime: new Date().toUTCString(),
      requestTimeEpoch: Date.now(),
      resourceId: 'r1',
      resourcePath: resource,
      stage: 'links',
    },
  };
}
