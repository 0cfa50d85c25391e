import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../functions/contract/environment.ts';
import { deploymentConfig } from '../../infra/config.ts';
import { buildStack, projectRoot } from './build-stack.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };

/** The deliver function's environment and the actions its role may take, per resource. */
function deliverOf(context: Record<string, unknown> = {}) {
  const built = buildStack(context);
  const resources = built.template.toJSON().Resources as Record<string, Resource>;
  const deliver = built.stack.delivery.deliver;
  if (!deliver) throw new Error('no deliver function');
  const id = (c: { node: { defaultChild?: unknown } }) =>
    built.stack.getLogicalId(c.node.defaultChild as never);
  const roleId = id(deliver.role);
  const statements = Object.values(resources)
    .filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        (r.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === roleId),
    )
    .flatMap(
      (r) =>
        (r.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] })
          .Statement,
    );
  const fn = resources[id(deliver.function)] as Resource;
  const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
  const actionsOn = (c: { node: { defaultChild?: unknown } }) =>
    statements
      .filter((s) => JSON.stringify(s.Resource).includes(`"${id(c)}"`))
      .flatMap((s) => [s.Action].flat());
  return { built, resources, env, actionsOn };
}

// One build for the file (a stack takes seconds to build, minutes on a loaded machine).
let deliver: ReturnType<typeof deliverOf>;
beforeAll(() => {
  deliver = deliverOf({ postalQueue: 'true' });
});

describe('postal packets in AWS', () => {
  it('lets the deliver function sign packets with the signing key, and nothing more of it', () => {
    const { built, env, actionsOn } = deliver;
    expect(env[ENV.signingKeyId]).toBeDefined();
    expect(env[ENV.signingCertificateParameter]).toBeDefined();
    expect(actionsOn(built.stack.signing.key)).toContain('kms:Sign');
    expect(actionsOn(built.stack.signing.key)).not.toContain('kms:Decrypt');
  });

  it('has no mailroom queue unless the deployment asks for one', () => {
    const read = (_key: string): string | undefined => undefined;
    expect(deploymentConfig(read, projectRoot).postalQueue).toBe(false);
    expect(
      deploymentConfig((key) => (key === 'postalQueue' ? 'true' : read(key)), projectRoot)
        .postalQueue,
    ).toBe(true);
  });

  it('with -c postalQueue=true, tells an encrypted queue of each packet and outputs its URL', () => {
    const { built, env, actionsOn } = deliver;
    const queue = built.stack.delivery.postalQueue;
    if (!queue) throw new Error('no postal queue');
    expect(env[ENV.postalQueueUrl]).toBeDefined();
    expect(actionsOn(queue)).toContain('sqs:SendMessage');
    expect(actionsOn(queue)).not.toContain('sqs:ReceiveMessage');
    const template = built.template.toJSON() as {
      Outputs: Record<string, unknown>;
      Resources: Record<string, Resource>;
    };
    expect(Object.keys(template.Outputs)).toEqual(
      expect.arrayContaining(['PostalQueueUrl', 'DataKeyArn', 'DeliveriesTableName']),
    );
    const props = template.Resources[built.stack.getLogicalId(queue.node.defaultChild as never)]
      ?.Properties as Record<string, unknown>;
    expect(props.KmsMasterKeyId).toBeDefined();
  });
});
