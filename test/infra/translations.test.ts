/**
 * Later translations in the stack: the translations table from the contract (streamed), the
 * render-translations function fed by its stream with the contract's mapping and an alarmed
 * on-failure queue, reading the district's tables (translations, decisions) and never writing
 * them, only the rendering function reading the translations table besides it.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_ENV } from '../../functions/contract/environment.ts';
import { tables } from '../../functions/contract/resources.ts';
import { TRANSLATION_STREAM_MAPPING } from '../../functions/contract/streams.ts';
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

const writes = (actions: string[]) => actions.filter((a) => /Put|Update|Delete|BatchWrite/.test(a));

describe('later translations in the stack', () => {
  it('builds the translations table from the contract, streamed', () => {
    built.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: tables.translations.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: tables.translations.sortKey.name, KeyType: 'RANGE' },
      ],
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      SSESpecification: Match.objectLike({ SSEEnabled: true }),
    });
  });

  it("feeds render-translations from the translations stream with the contract's mapping", () => {
    const translationsTable = idOf(built.stack.data.tables.translations);
    built.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [translationsTable, 'StreamArn'] },
      FunctionName: { Ref: idOf(built.stack.translations.function.function) },
      BatchSize: TRANSLATION_STREAM_MAPPING.batchSize,
      MaximumRetryAttempts: TRANSLATION_STREAM_MAPPING.retryAttempts,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: {
          Destination: {
            'Fn::GetAtt': [idOf(built.stack.translations.deadLetterQueue), 'Arn'],
          },
        },
      },
    });
  });

  it('lets render-translations read the district’s translations and decisions, never write them', () => {
    const role = roleOf(built.stack.translations.function.function);
    for (const table of [built.stack.data.tables.translations, built.stack.data.tables.decisions]) {
      const actions = actionsOn(role, idOf(table));
      expect(actions).toContain('dynamodb:GetItem');
      expect(actions).toContain('dynamodb:Query');
      expect(writes(actions)).toEqual([]);
    }
    expect(writes(actionsOn(role, idOf(built.stack.data.tables.outcomes)))).toContain(
      'dynamodb:UpdateItem',
    );
    // Nothing of delivery's own: it queues the job, deliver sends.
    for (const table of ['deliveries', 'links', 'calendar', 'safeguards'] as const)
      expect(actionsOn(role, idOf(built.stack.data.tables[table]))).toEqual([]);
  });

  it('lets render-documents read the translations table (a version rendered after its translation)', () => {
    const renderer = built.stack.rendering.renderer;
    const role = roleOf(renderer.function);
    const actions = actionsOn(role, idOf(built.stack.data.tables.translations));
    expect(actions).toContain('dynamodb:Query');
    expect(writes(actions)).toEqual([]);
    const fn = resources[idOf(renderer.function)];
    if (!fn) throw new Error('the render-documents function is not in the template');
    const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(env)).toContain(TABLE_ENV.translations);
  });
});
