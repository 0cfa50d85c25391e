import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_ENV } from '../../functions/contract/environment.ts';
import { REGENERATION_QUEUE, STREAM_DEAD_LETTER_QUEUE } from '../../functions/contract/queues.ts';
import {
  RENDER_NODE_OPTIONS,
  V8_LIMITS_WRAPPER,
} from '../../infra/constructs/pipeline-function.ts';
import { REGENERATE_TIMEOUT } from '../../infra/constructs/regeneration.ts';
import { type BuiltStack, buildStack } from './build-stack.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Resource: unknown };

let built: BuiltStack;
let resources: Record<string, Resource>;

beforeAll(() => {
  built = buildStack();
  resources = built.template.toJSON().Resources as Record<string, Resource>;
});

function logicalId(construct: { node: { defaultChild?: unknown } }): string {
  return built.stack.getLogicalId(construct.node.defaultChild as never);
}

const getAtt = (construct: { node: { defaultChild?: unknown } }, attribute = 'Arn') => ({
  'Fn::GetAtt': [logicalId(construct), attribute],
});

function ofType(type: string): [string, Resource][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

/** Every statement of the policies attached to a role. */
function statementsOf(role: { node: { defaultChild?: unknown } }): Statement[] {
  const roleId = logicalId(role);
  return ofType('AWS::IAM::Policy')
    .filter(([, policy]) =>
      (policy.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === roleId),
    )
    .flatMap(
      ([, policy]) => (policy.Properties.PolicyDocument as { Statement: never[] }).Statement,
    );
}

const actionsOf = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat());

/** The statements that mention a resource (by logical id). */
function on(statements: Statement[], construct: { node: { defaultChild?: unknown } }) {
  const id = logicalId(construct);
  return statements.filter((s) => JSON.stringify(s.Resource).includes(`"${id}"`));
}

function functionOf(role: { node: { defaultChild?: unknown } }): Resource {
  const roleId = logicalId(role);
  const found = ofType('AWS::Lambda::Function').find(
    ([, fn]) => (fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] === roleId,
  );
  if (!found) throw new Error(`no function with role ${roleId}`);
  return found[1];
}

const environmentOf = (fn: Resource) =>
  (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;

describe('regeneration in AWS', () => {
  it('queues jobs in a queue encrypted with the data key, TLS only, with an alarmed DLQ', () => {
    const regeneration = built.stack.regeneration;
    expect(regeneration).toBeDefined();
    const queue = resources[logicalId(regeneration?.queue as never)];
    expect(queue?.Properties).toMatchObject({
      KmsMasterKeyId: getAtt(built.stack.data.dataKey),
      RedrivePolicy: {
        maxReceiveCount: REGENERATION_QUEUE.maxReceiveCount,
        deadLetterTargetArn: getAtt(regeneration?.deadLetterQueue as never),
      },
    });
    expect(resources[logicalId(regeneration?.deadLetterQueue as never)]?.Properties).toMatchObject({
      KmsMasterKeyId: getAtt(built.stack.data.dataKey),
    });
    built.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId(regeneration?.queue as never) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: getAtt(regeneration?.deadLetterQueue as never, 'QueueName'),
        },
      ],
    });
  });

  it('hides a message for at least six times the function timeout', () => {
    const regeneration = built.stack.regeneration;
    const queue = resources[logicalId(regeneration?.queue as never)];
    const fn = functionOf(regeneration?.regenerate.role as never);
    expect(fn.Properties.Timeout).toBe(REGENERATE_TIMEOUT.toSeconds());
    expect(queue?.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(
      6 * (fn.Properties.Timeout as number),
    );
  });

  it('feeds regenerate with partial batch failures and at most 25 containers by default', () => {
    const regeneration = built.stack.regeneration;
    built.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(regeneration?.queue as never),
      FunctionName: { Ref: logicalId(regeneration?.regenerate.function as never) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 25 },
    });
  });

  it('takes the maximum concurrency from the regenerateMaxConcurrency setting', () => {
    const { stack, template } = buildStack({ regenerateMaxConcurrency: '40' });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: {
        'Fn::GetAtt': [
          stack.getLogicalId(stack.regeneration?.queue.node.defaultChild as never),
          'Arn',
        ],
      },
      ScalingConfig: { MaximumConcurrency: 40 },
    });
  });

  it('builds regenerate like the renderer: Chromium layer, render memory, the tables it reads', () => {
    const fn = functionOf(built.stack.regeneration?.regenerate.role as never);
    const renderer = functionOf(built.stack.rendering?.renderer.role as never);
    expect(fn.Properties.Layers).toEqual(renderer.Properties.Layers);
    expect(fn.Properties.MemorySize).toBe(renderer.Properties.MemorySize);
    expect(Object.keys(environmentOf(fn))).toEqual(
      expect.arrayContaining([
        TABLE_ENV.decisions,
        TABLE_ENV.documents,
        TABLE_ENV.runs,
        TABLE_ENV.translations,
      ]),
    );
  });

  it('lets regenerate read decisions and translations, add records and ledger items, write new objects and sign, nothing more', () => {
    const { data, signing, regeneration } = built.stack;
    const statements = statementsOf(regeneration?.regenerate.role as never);
    const actions = actionsOf(statements);

    expect(actionsOf(on(statements, data.tables.decisions))).toEqual(['dynamodb:GetItem']);
    // A version's translations written after it, read as rendering reads them.
    expect(actionsOf(on(statements, data.tables.translations))).toEqual(['dynamodb:Query']);
    expect(actionsOf(on(statements, data.tables.documents)).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
    ]);
    expect(actionsOf(on(statements, data.tables.runs)).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
    ]);
    for (const table of [data.tables.outcomes, data.tables.deliveries, data.tables.links]) {
      expect(on(statements, table)).toEqual([]);
    }
    expect(actions).toEqual(expect.arrayContaining(['s3:PutObject', 's3:GetObject', 'kms:Sign']));
    for (const forbidden of [
      's3:DeleteObject',
      's3:DeleteObjectVersion',
      's3:PutObjectRetention',
      's3:BypassGovernanceRetention',
      'dynamodb:DeleteItem',
      'dynamodb:UpdateItem',
      'sqs:SendMessage',
      'ses:SendEmail',
    ]) {
      expect(actions).not.toContain(forbidden);
    }
    const sign = statements.find((s) => s.Action === 'kms:Sign');
    expect(sign?.Resource).toEqual(getAtt(signing.key));
  });

  it('names the queue and the tables the CLI needs in the stack outputs', () => {
    const outputs = built.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.RegenerationQueueUrl?.Value).toEqual({
      Ref: logicalId(built.stack.regeneration?.queue as never),
    });
    expect(outputs.OutcomesTableName?.Value).toEqual({
      Ref: logicalId(built.stack.data.tables.outcomes),
    });
    expect(outputs.RunsTableName?.Value).toEqual({ Ref: logicalId(built.stack.data.tables.runs) });
  });
});

describe('V8 limits of the functions that print', () => {
  it('caps old space and semi-spaces of the renderer, regenerate and the sweep, keeping source maps', () => {
    expect(RENDER_NODE_OPTIONS).toMatch(/--max-old-space-size=\d+/);
    expect(RENDER_NODE_OPTIONS).toMatch(/--max-semi-space-size=\d+/);
    expect(RENDER_NODE_OPTIONS).toContain('--enable-source-maps');
    const { rendering, regeneration, calendar } = built.stack;
    for (const pf of [rendering?.renderer, regeneration?.regenerate, calendar?.sweep]) {
      expect(environmentOf(functionOf(pf?.role as never))).toMatchObject({
        NODE_OPTIONS: RENDER_NODE_OPTIONS,
        AWS_LAMBDA_EXEC_WRAPPER: `/var/task/${V8_LIMITS_WRAPPER}`,
      });
    }
  });

  it("makes the limits win over the heap flags Lambda's bootstrap passes to node", () => {
    // Prepare: node started as Lambda's bootstrap starts it for a 2048 MB function, through
    // the wrapper, with the functions' NODE_OPTIONS.
    const wrapper = fileURLToPath(
      new URL(`../../infra/constructs/assets/${V8_LIMITS_WRAPPER}`, import.meta.url),
    );
    const bootstrapArgs = [
      '--expose-gc',
      '--max-http-header-size',
      '81920',
      '--max-semi-space-size=102',
      '--max-old-space-size=1843',
    ];
    const probe = [
      '-e',
      "console.log(JSON.stringify({ limitMb: require('v8').getHeapStatistics().heap_size_limit / 2 ** 20, gc: typeof gc, args: process.argv.slice(1) }))",
      'an argument with spaces',
    ];
    const run = (command: string, args: string[]) =>
      spawnSync(command, args, {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: RENDER_NODE_OPTIONS },
      });

    // Act
    const wrapped = run(wrapper, [process.execPath, ...bootstrapArgs, ...probe]);
    const direct = run(process.execPath, [...bootstrapArgs, ...probe]);

    // Assess
    expect(wrapped.status).toBe(0);
    const withWrapper = JSON.parse(wrapped.stdout) as {
      limitMb: number;
      gc: string;
      args: string[];
    };
    const without = JSON.parse(direct.stdout) as { limitMb: number };
    expect(without.limitMb).toBeGreaterThan(1800);
    expect(withWrapper.limitMb).toBeLessThan(512);
    // Every other flag and argument passes unchanged.
    expect(withWrapper.gc).toBe('function');
    expect(withWrapper.args).toEqual(['an argument with spaces']);
  });

  it('leaves most of a 2048 MB function to Chromium', () => {
    const oldSpace = Number(/--max-old-space-size=(\d+)/.exec(RENDER_NODE_OPTIONS)?.[1]);
    const semiSpace = Number(/--max-semi-space-size=(\d+)/.exec(RENDER_NODE_OPTIONS)?.[1]);
    // V8's young generation is three semi-spaces.
    expect(oldSpace + 3 * semiSpace).toBeLessThan(2048 / 4);
  });

  it('keeps source maps only, and no wrapper, on the functions that do not print', () => {
    const download = functionOf(built.stack.delivery.download?.role as never);
    expect(environmentOf(download).NODE_OPTIONS).toBe('--enable-source-maps');
    expect(environmentOf(download).AWS_LAMBDA_EXEC_WRAPPER).toBeUndefined();
  });
});

describe('the decisions stream dead-letter consumer', () => {
  it('consumes the on-failure queue with partial failures into an alarmed second DLQ', () => {
    const rendering = built.stack.rendering;
    const consumer = rendering?.deadLetterConsumer;
    expect(consumer).toBeDefined();
    built.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(rendering?.deadLetterQueue as never),
      FunctionName: { Ref: logicalId(consumer?.function as never) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const queue = resources[logicalId(rendering?.deadLetterQueue as never)];
    expect(queue?.Properties).toMatchObject({
      KmsMasterKeyId: getAtt(built.stack.data.dataKey),
      RedrivePolicy: {
        maxReceiveCount: STREAM_DEAD_LETTER_QUEUE.maxReceiveCount,
        deadLetterTargetArn: getAtt(rendering?.unrecordedDeadLetterQueue as never),
      },
    });
    const fn = functionOf(consumer?.role as never);
    expect(queue?.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(
      6 * (fn.Properties.Timeout as number),
    );
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: getAtt(rendering?.unrecordedDeadLetterQueue as never, 'QueueName'),
        },
      ],
    });
  });

  it('still alarms on every batch given up, though the consumer empties the queue', () => {
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'NumberOfMessagesSent',
      Statistic: 'Sum',
      Threshold: 0,
      Dimensions: [
        {
          Name: 'QueueName',
          Value: getAtt(built.stack.rendering?.deadLetterQueue as never, 'QueueName'),
        },
      ],
    });
  });

  it('may only read records of the decisions stream and read or update outcomes', () => {
    const { data, rendering } = built.stack;
    const statements = statementsOf(rendering?.deadLetterConsumer?.role as never);
    const dynamo = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('dynamodb:')));
    // Order-free: the recommended @aws-cdk/aws-iam:minimizePolicies flag sorts and merges.
    const normalized = dynamo.map((s) => ({
      Action: [s.Action].flat().sort(),
      Resource: [s.Resource].flat(),
    }));
    expect(normalized).toEqual([
      {
        Action: ['dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        Resource: [getAtt(data.tables.decisions, 'StreamArn')],
      },
      {
        Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        Resource: [getAtt(data.tables.outcomes)],
      },
    ]);
    const services = new Set(actionsOf(statements).map((action) => action.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'kms', 'logs', 'sqs']);
    const actions = actionsOf(statements);
    expect(actions).not.toContain('kms:Sign');
    expect(actions).not.toContain('sqs:SendMessage');
    expect(actions).not.toContain('dynamodb:ListStreams');
  });
});
