import type { Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks, HIPAASecurityChecks, type NagPack } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BuiltStack, buildStack } from './build-stack.ts';

let built: BuiltStack;

beforeAll(() => {
  built = buildStack();
});

/** Every unacknowledged finding of a pack: "rule at construct path". */
function findings(pack: NagPack, scope: Stack): string[] {
  return pack
    .validateScope(scope)
    .violations.filter((violation) => violation.severity === 'error')
    .flatMap((violation) =>
      violation.violatingResources.map(
        (resource) => `${violation.ruleName} at ${resource.constructPath}`,
      ),
    );
}

describe('cdk-nag', () => {
  it('reports no unacknowledged AwsSolutions error', () => {
    expect(findings(new AwsSolutionsChecks(built.app), built.stack)).toEqual([]);
  });

  it('reports no unacknowledged HIPAA Security error', () => {
    expect(findings(new HIPAASecurityChecks(built.app), built.stack)).toEqual([]);
  });

  it('still reports a wildcard that nobody acknowledged', () => {
    // Prepare: a role added after the suppressions, with a wildcard action.
    const role = new Role(built.stack, 'CarelessRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    });
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));

    // Act
    const reported = findings(new AwsSolutionsChecks(built.app), built.stack);

    // Assess
    expect(reported).toContain(
      'AwsSolutions-IAM5[Action::s3:*] at Test/CarelessRole/DefaultPolicy/Resource',
    );
  });

  it('gives every acknowledgement a reason a reviewer can read', () => {
    const acknowledged = built.stack.node
      .findAll()
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
    expect(acknowledged.length).toBeGreaterThan(0);
    const terse = acknowledged.filter(([, reason]) => reason.length < 60);
    expect(terse).toEqual([]);
  });
});
