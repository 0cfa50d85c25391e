/**
 * Meeting notices and safeguards in the stack: the meetings table (streamed) and the safeguards
 * table from the contract, the meeting-notices function fed by the meetings stream with the
 * contract's mapping, and each function granted only what its part needs.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_ENV } from '../../functions/contract/environment.ts';
import { tables } from '../../functions/contract/resources.ts';
import { MEETING_STREAM_MAPPING } from '../../functions/contract/streams.ts';
import { type BuiltStack, buildStack } from './build-stack.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Resource: unknown };

let built: BuiltStack;
let resources: Record<string, Resource>;

beforeAll(() => {
  built = buildStack();
  resources = built.template.toJSON().Resources as Record<string, Resource>;
});

const idOf = (construct: { node: { defaultChild?: unknown } }) =>
  built.stack.getLogicalId(construct.node.defaultChild as never);

/** Every action a role's policies allow on a resource whose JSON mentions `tableId`. */
function actionsOn(roleId: string, tableId: string): string[] {
  return Object.values(resources)
    .filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`),
    )
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
    .filter((s) => JSON.stringify(s.Resource).includes(`"${tableId}"`))
    .flatMap((s) => [s.Action].flat())
    .sort();
}

function roleOf(fn: { role?: unknown }): string {
  return built.stack.getLogicalId(
    (fn.role as { node: { defaultChild: unknown } }).node.defaultChild as never,
  );
}

describe('meeting notices in the stack', () => {
  it('builds the meetings table from the contract, streamed, and the safeguards table', () => {
    built.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: tables.meetings.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: tables.meetings.sortKey.name, KeyType: 'RANGE' },
      ],
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    built.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'studentKey', KeyType: 'HASH' },
        { AttributeName: 'givingKey', KeyType: 'RANGE' },
      ],
      SSESpecification: Match.objectLike({ SSEEnabled: true }),
    });
  });

  it("feeds meeting-notices from the meetings stream with the contract's mapping", () => {
    const meetingsTable = idOf(built.stack.data.tables.meetings);
    built.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [meetingsTable, 'StreamArn'] },
      FunctionName: { Ref: idOf(built.stack.meetingNotices.function.function) },
      BatchSize: MEETING_STREAM_MAPPING.batchSize,
      MaximumRetryAttempts: MEETING_STREAM_MAPPING.retryAttempts,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it('lets meeting-notices read meetings and never write them', () => {
    const role = roleOf(built.stack.meetingNotices.function.function);
    const actions = actionsOn(role, idOf(built.stack.data.tables.meetings));
    expect(actions).toContain('dynamodb:GetItem');
    expect(actions.filter((a) => /Put|Update|Delete|BatchWrite/.test(a))).toEqual([]);
  });

  it('lets deliver query and append safeguards givings, never change or delete one', () => {
    const deliver = built.stack.delivery.deliver;
    if (!deliver) throw new Error('the stack has no deliver function');
    const role = roleOf(deliver.function);
    expect(actionsOn(role, idOf(built.stack.data.tables.safeguards))).toEqual([
      'dynamodb:PutItem',
      'dynamodb:Query',
    ]);
    const fn = resources[idOf(deliver.function)];
    if (!fn) throw new Error('the deliver function is not in the template');
    const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining([TABLE_ENV.meetings, TABLE_ENV.safeguards]),
    );
  });
});
