import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ClientRateLimit,
  DOWNLOAD_API_LIMITS,
} from '../../functions/contract/download-api.ts';
import { ENV, TABLE_ENV } from '../../functions/contract/environment.ts';
import { tables } from '../../functions/contract/resources.ts';
import { DECISION_STREAM_MAPPING } from '../../functions/contract/streams.ts';
import { DataStore } from '../../infra/constructs/data.ts';
import { DOWNLOAD_STAGE } from '../../infra/constructs/download-api.ts';
import { Operations } from '../../infra/constructs/operations.ts';
import { type BuiltStack, buildStack } from './build-stack.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

let built: BuiltStack;
let resources: Record<string, Resource>;

beforeAll(() => {
  built = buildStack({ alarmEmail: 'sped-ops@example-usd.org' });
  resources = built.template.toJSON().Resources as Record<string, Resource>;
});

function ofType(type: string): [string, Resource][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

function logicalId(construct: { node: { defaultChild?: unknown } }): string {
  return built.stack.getLogicalId(construct.node.defaultChild as never);
}

/** Every IAM statement attached to the role of a pipeline function. */
function statementsOf(roleLogicalId: string): { Action: string | string[]; Resource: unknown }[] {
  return ofType('AWS::IAM::Policy')
    .filter(([, policy]) =>
      (policy.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === roleLogicalId),
    )
    .flatMap(
      ([, policy]) => (policy.Properties.PolicyDocument as { Statement: never[] }).Statement,
    );
}

function actionsOf(roleLogicalId: string): string[] {
  return statementsOf(roleLogicalId).flatMap((s) => [s.Action].flat());
}

function functionByRole(roleLogicalId: string): Resource {
  const found = ofType('AWS::Lambda::Function').find(
    ([, fn]) =>
      (fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] === roleLogicalId,
  );
  if (!found) throw new Error(`no function with role ${roleLogicalId}`);
  return found[1];
}

describe('data', () => {
  it('builds every table of functions/contract/resources.ts with PITR, deletion protection, a KMS key and Retain', () => {
    const built = ofType('AWS::DynamoDB::Table');
    expect(built).toHaveLength(Object.keys(tables).length);
    for (const [, table] of built) {
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: expect.anything() },
      });
    }
  });

  it('keys and indexes each table as functions/contract/resources.ts defines it, with the decisions stream', () => {
    for (const definition of Object.values(tables)) {
      const keySchema = [
        { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
        ...('sortKey' in definition
          ? [{ AttributeName: definition.sortKey.name, KeyType: 'RANGE' }]
          : []),
      ];
      built.template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: keySchema,
        ...(definition.globalIndexes.length > 0
          ? {
              GlobalSecondaryIndexes: definition.globalIndexes.map((index) =>
                Match.objectLike({ IndexName: index.indexName }),
              ),
            }
          : {}),
        ...('stream' in definition
          ? { StreamSpecification: { StreamViewType: definition.stream } }
          : {}),
      });
    }
  });

  it('locks documents for 7 years in governance mode, versioned, SSE-KMS with a bucket key', () => {
    const bucket = resources[logicalId(built.stack.data.documentsBucket)];
    expect(bucket?.DeletionPolicy).toBe('Retain');
    expect(bucket?.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Years: 7 } },
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: expect.anything(),
            },
          },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: {
        DestinationBucketName: { Ref: logicalId(built.stack.data.accessLogsBucket) },
      },
    });
  });

  it('denies every request to the documents bucket that is not over TLS', () => {
    built.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(built.stack.data.documentsBucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('records every read and write of a document in an encrypted, validated CloudTrail trail', () => {
    built.template.hasResourceProperties('AWS::CloudTrail::Trail', {
      EnableLogFileValidation: true,
      KMSKeyId: Match.anyValue(),
      EventSelectors: [
        Match.objectLike({
          ReadWriteType: 'All',
          DataResources: [
            {
              Type: 'AWS::S3::Object',
              Values: [
                {
                  'Fn::Join': [
                    '',
                    [{ 'Fn::GetAtt': [logicalId(built.stack.data.documentsBucket), 'Arn'] }, '/'],
                  ],
                },
              ],
            },
          ],
        }),
      ],
    });
  });

  it('backs the tables up beyond the 35 days of point-in-time recovery', () => {
    built.template.resourceCountIs('AWS::Backup::BackupPlan', 1);
    built.template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({
        Resources: Match.arrayWith([
          { 'Fn::GetAtt': [logicalId(built.stack.data.tables.decisions), 'Arn'] },
        ]),
      }),
    });
  });
});

describe('compliance mode', () => {
  it('locks documents in compliance mode for the configured years when asked', () => {
    // Prepare
    const stack = new Stack(new App(), 'DataOnly');
    const operations = new Operations(stack, 'Ops', {});

    // Act
    const data = new DataStore(stack, 'Data', {
      operations,
      retentionYears: 10,
      objectLockMode: 'COMPLIANCE',
      logRetention: 365,
    });

    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Years: 10 } } },
    });
    expect(data.tables.decisions).toBeDefined();
  });
});

describe('signing', () => {
  it('signs with an asymmetric RSA KMS key whose usage is SIGN_VERIFY, kept on stack deletion', () => {
    const [, key] =
      ofType('AWS::KMS::Key').find(([, k]) => k.Properties.KeyUsage === 'SIGN_VERIFY') ?? [];
    expect(key?.Properties).toMatchObject({ KeySpec: 'RSA_3072', KeyUsage: 'SIGN_VERIFY' });
    expect(key?.DeletionPolicy).toBe('Retain');
  });

  it('lets only the functions that sign use kms:Sign, on the signing key only', () => {
    const signingKey = logicalId(built.stack.signing.key);
    const signers = ofType('AWS::IAM::Policy').filter(([, policy]) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes('"kms:Sign"'),
    );
    expect(signers.map(([id]) => id).sort()).toEqual(
      [
        built.stack.rendering?.renderer,
        built.stack.regeneration?.regenerate,
        built.stack.calendar?.sweep,
        // Postal packets are signed too.
        built.stack.delivery.deliver,
        built.stack.meetingNotices.function,
        built.stack.translations.function,
        built.stack.responses.function,
      ]
        .map((pf) => logicalId(pf?.role.node.findChild('DefaultPolicy') as never))
        .sort(),
    );
    for (const [, policy] of signers) {
      const statement = (
        policy.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }
      ).Statement.find((s) => s.Action === 'kms:Sign');
      expect(statement?.Resource).toEqual({ 'Fn::GetAtt': [signingKey, 'Arn'] });
    }
  });
});

describe('rendering', () => {
  it('feeds the renderer every new or changed decision, with partial failures, bisection, bounded retries and a DLQ', () => {
    const rendering = built.stack.rendering;
    expect(rendering).toBeDefined();
    built.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(built.stack.data.tables.decisions), 'StreamArn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: DECISION_STREAM_MAPPING.retryAttempts,
      MaximumRecordAgeInSeconds: 86400,
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [logicalId(rendering?.deadLetterQueue as never), 'Arn'] },
        },
      },
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ['INSERT', 'MODIFY'],
            }),
          },
        ],
      },
    });
  });

  it('runs the renderer on Node.js 22, x86_64, with a full vCPU and the Chromium layer', () => {
    const renderer = functionByRole(logicalId(built.stack.rendering?.renderer.role as never));
    expect(renderer.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['x86_64'],
      Layers: [{ Ref: expect.stringContaining('Chromium') }],
    });
    expect(renderer.Properties.MemorySize).toBeGreaterThanOrEqual(1769);
  });

  it('gives the renderer every setting it reads, by the names of functions/contract/environment.ts', () => {
    const renderer = functionByRole(logicalId(built.stack.rendering?.renderer.role as never));
    const variables = (renderer.Properties.Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining([
        TABLE_ENV.decisions,
        TABLE_ENV.outcomes,
        TABLE_ENV.documents,
        ENV.documentsBucket,
        ENV.signingKeyId,
        ENV.signingCertificateParameter,
        ENV.districtsDir,
        ENV.templatesDir,
        ENV.deliveryQueueUrl,
        ENV.serviceName,
        ENV.logLevel,
      ]),
    );
  });
});

describe('functions', () => {
  it('runs every function on Node.js 22 x86_64 with JSON logs in its own encrypted log group', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThanOrEqual(5);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['x86_64'],
        LoggingConfig: { LogFormat: 'JSON', LogGroup: expect.anything() },
      });
    }
    for (const [, group] of ofType('AWS::Logs::LogGroup')) {
      expect(group.Properties).toMatchObject({ RetentionInDays: 365, KmsKeyId: expect.anything() });
    }
  });

  it('grants no IAM statement a wildcard action', () => {
    const actions = ofType('AWS::IAM::Policy').flatMap(([, policy]) =>
      (
        policy.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }
      ).Statement.flatMap((s) => [s.Action].flat()),
    );
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action) => action === '*' || action.endsWith(':*'))).toEqual([]);
  });

  it('keeps each function to what it uses: only deliver sends email, download cannot write', () => {
    const { delivery, rendering } = built.stack;
    const downloadActions = actionsOf(logicalId(delivery.download?.role as never));
    const deliverActions = actionsOf(logicalId(delivery.deliver?.role as never));
    const renderActions = actionsOf(logicalId(rendering?.renderer.role as never));

    expect(deliverActions).toContain('ses:SendEmail');
    // The sweep emails case managers; it may not read download links or the access log.
    const sweepActions = actionsOf(logicalId(built.stack.calendar?.sweep.role as never));
    expect(sweepActions).toContain('ses:SendEmail');
    const sweepResources = JSON.stringify(
      statementsOf(logicalId(built.stack.calendar?.sweep.role as never)).map((s) => s.Resource),
    );
    expect(sweepResources).not.toContain(logicalId(built.stack.data.tables.links));
    expect(sweepResources).not.toContain(logicalId(built.stack.data.tables.accessLog));
    expect(renderActions).not.toContain('ses:SendEmail');
    expect(downloadActions).toEqual(expect.arrayContaining(['s3:GetObject', 'dynamodb:PutItem']));
    expect(downloadActions).not.toContain('s3:PutObject');
    expect(downloadActions).not.toContain('kms:Sign');
    expect(renderActions).not.toContain('s3:DeleteObject');
    expect(renderActions).not.toContain('s3:BypassGovernanceRetention');
  });

  it('lets the download function write only the access log, the responses, their codes and printed-code sessions, no other table', () => {
    const download = built.stack.delivery.download;
    const writes = statementsOf(logicalId(download?.role as never)).filter((s) =>
      [s.Action].flat().includes('dynamodb:PutItem'),
    );
    expect(writes.map((s) => [s.Resource].flat())).toEqual([
      [{ 'Fn::GetAtt': [logicalId(built.stack.data.tables.links), 'Arn'] }],
      [{ 'Fn::GetAtt': [logicalId(built.stack.data.tables.accessLog), 'Arn'] }],
      [{ 'Fn::GetAtt': [logicalId(built.stack.data.tables.responses), 'Arn'] }],
      [{ 'Fn::GetAtt': [logicalId(built.stack.data.tables.responseCodes), 'Arn'] }],
    ]);
    // Answers are append-only: nothing of the download role updates or deletes them.
    const changes = statementsOf(logicalId(download?.role as never)).filter((s) =>
      [s.Action].flat().some((a) => a === 'dynamodb:UpdateItem' || a === 'dynamodb:DeleteItem'),
    );
    expect(JSON.stringify(changes)).not.toContain(logicalId(built.stack.data.tables.responses));
  });
});

describe('delivery', () => {
  it('sends email only over TLS through a configuration set whose events reach delivery-status', () => {
    built.template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
    });
    built.template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'example-usd.org',
      DkimAttributes: { SigningEnabled: true },
    });
    built.template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        EventBridgeDestination: { EventBusArn: Match.anyValue() },
        MatchingEventTypes: Match.arrayWith(['delivery', 'bounce', 'complaint']),
      }),
    });
    built.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ source: ['aws.ses'] }),
    });
  });

  it('throttles the download endpoint and logs its access', () => {
    built.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: DOWNLOAD_STAGE,
      MethodSettings: Match.arrayWith([
        Match.objectLike({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 }),
      ]),
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
    });
  });

  it('serves the links and the verification page, and limits each client with WAF', () => {
    const routes = Object.values(built.template.findResources('AWS::ApiGateway::Method')).map(
      (m) => m.Properties.HttpMethod,
    );
    expect(routes.sort()).toEqual([
      'GET',
      'GET',
      'GET',
      'GET',
      'GET',
      'GET',
      'POST',
      'POST',
      'POST',
      'POST',
    ]);
    for (const path of ['d', '{token}', '{documentId}', 'respond', 'code', 'r', 'verify', '{code}'])
      built.template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: path });
    const rate = (limit: ClientRateLimit) =>
      Match.objectLike({
        Action: { Block: { CustomResponse: { ResponseCode: 429 } } },
        Statement: {
          RateBasedStatement: Match.objectLike({
            ...(limit.per === 'path'
              ? { AggregateKeyType: 'CUSTOM_KEYS', CustomKeys: [{ UriPath: Match.anyValue() }] }
              : { AggregateKeyType: 'IP' }),
            Limit: limit.requests,
            EvaluationWindowSec: limit.windowSeconds,
            ...(limit.pathPrefix
              ? {
                  ScopeDownStatement: {
                    ByteMatchStatement: Match.objectLike({
                      SearchString: limit.pathPrefix,
                      PositionalConstraint: 'match' in limit ? 'ENDS_WITH' : 'CONTAINS',
                    }),
                  },
                }
              : {}),
          }),
        },
      });
    built.template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        rate(DOWNLOAD_API_LIMITS.perClient),
        rate(DOWNLOAD_API_LIMITS.verifyPerClient),
        rate(DOWNLOAD_API_LIMITS.respondPerClient),
        rate(DOWNLOAD_API_LIMITS.respondPerLink),
        rate(DOWNLOAD_API_LIMITS.printedCodePerClient),
      ],
    });
    const [association] = Object.values(
      built.template.findResources('AWS::WAFv2::WebACLAssociation'),
    );
    const [stageId] = Object.keys(built.template.findResources('AWS::ApiGateway::Stage'));
    const arn = JSON.stringify(association?.Properties.ResourceArn);
    expect(arn).toContain('/stages/');
    expect(arn).toContain(`{"Ref":"${stageId}"}`);
  });

  it('puts no path, token or personal data in the access log format', () => {
    const [stage] = Object.values(built.template.findResources('AWS::ApiGateway::Stage'));
    const format = String(stage?.Properties.AccessLogSetting.Format);
    expect(format).not.toMatch(/\$context\.path|\$context\.requestOverride|\$input/);
    expect(format).toContain('$context.resourcePath');
  });

  it('retries delivery jobs a bounded number of times into an encrypted dead-letter queue', () => {
    built.template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { maxReceiveCount: 5, deadLetterTargetArn: Match.anyValue() },
      KmsMasterKeyId: Match.anyValue(),
    });
    for (const [, queue] of ofType('AWS::SQS::Queue')) {
      expect(queue.Properties.KmsMasterKeyId).toBeDefined();
    }
  });
});

describe('calendar', () => {
  it('runs the sweep daily at 06:00 in each district time zone, naming the district', () => {
    built.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 6 * * ? *)',
      ScheduleExpressionTimezone: 'America/Los_Angeles',
      Target: Match.objectLike({
        Input: JSON.stringify({ districtId: 'example-usd' }),
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 3 }),
        DeadLetterConfig: { Arn: Match.anyValue() },
      }),
    });
  });
});

describe('dead-letter queues', () => {
  it('lets the services that dead-letter into KMS-encrypted queues use the data key', () => {
    const dataKey = logicalId(built.stack.data.dataKey);
    const schedulerActions = actionsOf(logicalId(built.stack.calendar?.schedulerRole as never));
    expect(schedulerActions).toEqual(
      expect.arrayContaining(['sqs:SendMessage', 'kms:GenerateDataKey']),
    );
    const keyPolicy = resources[dataKey]?.Properties.KeyPolicy as {
      Statement: { Principal: unknown; Action: unknown }[];
    };
    const events = keyPolicy.Statement.filter(
      (s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: 'events.amazonaws.com' }),
    );
    expect(events.map((s) => [s.Action].flat().sort())).toEqual([
      ['kms:Decrypt', 'kms:GenerateDataKey'],
    ]);
  });
});

describe('operations', () => {
  it('sends at least four kinds of alarm to the encrypted alarm topic, with the email subscribed', () => {
    const topic = logicalId(built.stack.operations.alarmTopic);
    const alarms = ofType('AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThanOrEqual(4);
    for (const [, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
    }
    const metrics = alarms.map(([, alarm]) => alarm.Properties.MetricName);
    expect(metrics).toEqual(
      expect.arrayContaining([
        'ApproximateNumberOfMessagesVisible',
        'Errors',
        'IteratorAge',
        'Invocations',
        'SigningCertificateDaysToExpiry',
      ]),
    );
    built.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    built.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'sped-ops@example-usd.org',
    });
  });

  it('shows documents, deliveries, durations and the calendar per district on a dashboard', () => {
    const [, dashboard] = ofType('AWS::CloudWatch::Dashboard')[0] ?? [];
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const name of [
      'DocumentsRendered',
      'DecisionsRejected',
      'DeliveriesSent',
      'DeliveriesFailed',
      'RenderDuration',
      'SigningDuration',
      'RemindersSent',
      'OverdueCount',
    ]) {
      expect(body).toContain(name);
    }
    expect(body).toContain('district');
  });

  it('alarms when the signing certificate has fewer than 60 days left', () => {
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'SigningCertificateDaysToExpiry',
      Namespace: 'IepDocs',
      Threshold: 60,
      ComparisonOperator: 'LessThanThreshold',
    });
  });
});
