/**
 * Least privilege beyond "no wildcard": per role and per table, the exact DynamoDB actions;
 * deliver's S3 writes confined to postal packets; the documents bucket write-once for everyone.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RESPONSE_STREAM_MAPPING } from '../../functions/contract/streams.ts';
import { documentS3Key } from '../../functions/core/documents.ts';
import { postalKeyFor } from '../../functions/pipeline/deliver.ts';
import { POSTAL_PREFIX } from '../../infra/constructs/delivery.ts';
import { type BuiltStack, buildStack } from './build-stack.ts';

type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
};
type Resource = { Type: string; Properties: Record<string, unknown> };

let built: BuiltStack;
let resources: Record<string, Resource>;

beforeAll(() => {
  built = buildStack();
  resources = built.template.toJSON().Resources as Record<string, Resource>;
});

function logicalId(construct: { node: { defaultChild?: unknown } } | undefined): string {
  if (!construct) throw new Error('construct not built');
  return built.stack.getLogicalId(construct.node.defaultChild as never);
}

function statementsOf(roleId: string): Statement[] {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === roleId))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** The actions a role may take on one table (its ARN or its indexes). */
function tableActions(roleId: string, tableId: string): string[] {
  return statementsOf(roleId)
    .filter((s) => JSON.stringify(s.Resource).includes(`"${tableId}"`))
    .flatMap((s) => [s.Action].flat())
    .sort();
}

/** IAM's wildcard match of an S3 object ARN suffix (`*` spans slashes). */
function matches(pattern: string, key: string): boolean {
  const regex = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${regex.join('.*')}$`).test(key);
}

describe('DynamoDB grants per role and table', () => {
  it("lets response-follow-up update only an answer's documentId and email claim, and write only answers' PDFs", () => {
    // Prepare
    const role = logicalId(built.stack.responses.function.role as never);
    const { responses, decisions, links, accessLog, responseCodes } = built.stack.data.tables;
    const statements = statementsOf(role);

    // Act
    const updates = statements.filter(
      (s) =>
        [s.Action].flat().includes('dynamodb:UpdateItem') &&
        JSON.stringify(s.Resource).includes(`"${logicalId(responses)}"`),
    );
    const puts = statements
      .filter((s) => [s.Action].flat().includes('s3:PutObject'))
      .flatMap((s) => [s.Resource].flat())
      .map((r) => JSON.stringify(r));

    // Assess
    expect(updates).toHaveLength(1);
    expect(JSON.stringify(updates[0])).toContain('"dynamodb:Attributes"');
    expect(JSON.stringify(updates[0])).toContain('"documentId"');
    expect(tableActions(role, logicalId(responses))).not.toContain('dynamodb:PutItem');
    expect(tableActions(role, logicalId(responses))).not.toContain('dynamodb:DeleteItem');
    expect(
      tableActions(role, logicalId(decisions)).filter(
        (a) =>
          !a.startsWith('dynamodb:Get') &&
          a !== 'dynamodb:Query' &&
          !a.includes('Stream') &&
          !a.includes('Shard') &&
          a !== 'dynamodb:DescribeTable',
      ),
    ).toEqual([]);
    for (const table of [links, accessLog, responseCodes])
      expect(tableActions(role, logicalId(table))).toEqual([]);
    expect(puts).toHaveLength(1);
    expect(puts[0]).toContain('/districts/*/responses/*');
    expect(
      matches('districts/*/responses/*', 'districts/d/decisions/x/v1/responses/rsp_1.pdf'),
    ).toBe(true);
    expect(matches('districts/*/responses/*', 'districts/d/decisions/x/v1/iep.en.pdf')).toBe(false);
  });

  it('lets the renderer revoke a link (UpdateItem) and nothing else; no access to the access log', () => {
    const role = logicalId(built.stack.rendering?.renderer.role as never);
    const { links, accessLog } = built.stack.data.tables;

    expect(tableActions(role, logicalId(links))).toEqual(['dynamodb:UpdateItem']);
    expect(tableActions(role, logicalId(accessLog))).toEqual([]);
  });

  it('lets the download function only append to the access log (PutItem)', () => {
    const role = logicalId(built.stack.delivery.download?.role as never);

    expect(tableActions(role, logicalId(built.stack.data.tables.accessLog))).toEqual([
      'dynamodb:PutItem',
    ]);
  });

  it('lets deliver create and revoke links (checking recipient revocations), not read or delete them', () => {
    const role = logicalId(built.stack.delivery.deliver?.role as never);

    expect(tableActions(role, logicalId(built.stack.data.tables.links))).toEqual([
      'dynamodb:ConditionCheckItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
  });
});

describe('documents bucket writes', () => {
  it('confines deliver to postal packets: it cannot write a document key', () => {
    const role = logicalId(built.stack.delivery.deliver?.role as never);
    const puts = statementsOf(role).filter((s) => [s.Action].flat().includes('s3:PutObject'));
    const suffixes = puts.map((s) => {
      const join = (s.Resource as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
      return String(join[1].at(-1)).replace(/^\//, '');
    });
    const job = { districtId: 'd1', decisionId: 'dec1', version: 2 };
    const documentKey = documentS3Key({ ...job, type: 'iep', language: 'en' } as never);

    expect(suffixes).toEqual([`${POSTAL_PREFIX}*`]);
    expect(matches(suffixes[0] as string, postalKeyFor(job, 'del_1'))).toBe(true);
    expect(matches(suffixes[0] as string, documentKey)).toBe(false);
  });

  it('denies every principal a PutObject of a document key without If-None-Match', () => {
    const policy = Object.values(resources).find(
      (r) =>
        r.Type === 'AWS::S3::BucketPolicy' &&
        JSON.stringify(r.Properties.Bucket).includes(logicalId(built.stack.data.documentsBucket)),
    );
    const statements =
      (policy?.Properties.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ??
      [];
    const deny = statements.find(
      (s) => s.Effect === 'Deny' && [s.Action].flat().includes('s3:PutObject'),
    );

    expect(deny).toMatchObject({
      Principal: { AWS: '*' },
      Condition: { Null: { 's3:if-none-match': 'true' } },
    });
    expect(JSON.stringify(deny?.Resource)).toContain('/districts/*');
  });
});

describe('download endpoint', () => {
  it('keeps the execute-api host only when there is no custom domain', () => {
    const withDomain = buildStack({
      downloadDomain: 'docs.example-usd.org',
      downloadCertificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/abc',
    });
    const apis = (b: BuiltStack) =>
      Object.values(b.template.findResources('AWS::ApiGateway::RestApi')).map(
        (api) => api.Properties.DisableExecuteApiEndpoint,
      );

    expect(apis(withDomain)).toEqual([true]);
    expect(apis(built)).toEqual([false]);
  });
});

describe('signing key policy', () => {
  it('names the roles that sign; the account may administer the key but sign only as a tagged operator', () => {
    const key = built.stack.signing.key;
    const policy = (resources[logicalId(key)]?.Properties.KeyPolicy ?? {}) as {
      Statement: (Statement & { Principal: { AWS: unknown }; Condition?: unknown })[];
    };
    const signs = policy.Statement.filter((s) =>
      [s.Action].flat().some((a) => a === 'kms:Sign' || a === 'kms:*'),
    );
    const unconditioned = signs.filter((s) => !s.Condition);
    // The deliver function signs postal packets; CDK may merge the grants into one statement.
    const signingRoles = [
      built.stack.rendering?.renderer,
      built.stack.regeneration?.regenerate,
      built.stack.calendar?.sweep,
      built.stack.delivery?.deliver,
      built.stack.meetingNotices.function,
      built.stack.translations.function,
      built.stack.responses.function,
    ].map((pf) => ({ 'Fn::GetAtt': [logicalId(pf?.role as never), 'Arn'] }));
    const principals = unconditioned.flatMap((s) => [s.Principal.AWS].flat());

    expect(principals).toEqual(expect.arrayContaining(signingRoles));
    expect(principals).toHaveLength(signingRoles.length);
    expect(signs.filter((s) => s.Condition).map((s) => s.Condition)).toEqual([
      { StringEquals: { 'aws:PrincipalTag/iep-docs-signing-operator': 'true' } },
    ]);
  });
});

describe('response-follow-up in the stack', () => {
  it("is fed the responses stream's inserts with the contract's mapping, its failures to an alarmed queue", () => {
    const { responses } = built.stack;
    const queue = logicalId(responses.deadLetterQueue);
    built.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(built.stack.data.tables.responses), 'StreamArn'] },
      FunctionName: { Ref: logicalId(responses.function.function) },
      BatchSize: RESPONSE_STREAM_MAPPING.batchSize,
      MaximumRetryAttempts: RESPONSE_STREAM_MAPPING.retryAttempts,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }] },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } },
    });
    built.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'decisionId', KeyType: 'HASH' },
        { AttributeName: 'responseKey', KeyType: 'RANGE' },
      ],
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    });
    const alarms = Object.values(resources).filter(
      (r) => r.Type === 'AWS::CloudWatch::Alarm' && JSON.stringify(r.Properties).includes(queue),
    );
    expect(alarms).toHaveLength(1);
    const fn = resources[logicalId(responses.function.function)];
    expect(JSON.stringify(fn?.Properties.Layers)).toContain('Chromium');
  });
});
