/**
 * Per-test resources on the shared emulators: fresh tables and bucket under a unique prefix,
 * so test files (and tests) never see each other's data.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { type AwsClients, createAwsClients } from '../../functions/adapters/aws-clients.ts';
import { type ResourceNames, resourceNames } from '../../functions/contract/resources.ts';
import { type EmulatorEndpoints, emulatorClientConfig } from '../../infra/local/emulators.ts';
import { provision } from '../../infra/local/provision.ts';

/** What a test gets: clients for the emulators and the names of its own resources. */
export interface TestEnvironment {
  readonly endpoints: EmulatorEndpoints;
  readonly clients: AwsClients;
  /** Unique prefix of this environment's resources, e.g. `t-3fa9c2d1e0`. */
  readonly prefix: string;
  readonly names: ResourceNames;
}

/** The endpoints started by test/support/global-setup.ts. */
export function emulatorEndpoints(): EmulatorEndpoints {
  const endpoints = inject('emulators');
  if (!endpoints) {
    throw new Error('no emulators: run through vitest with test/support/global-setup.ts');
  }
  return endpoints;
}

/** AWS clients pointed at the shared emulators. */
export function emulatorClients(endpoints = emulatorEndpoints()): AwsClients {
  return createAwsClients(emulatorClientConfig(endpoints));
}

/** Creates every table and the bucket under a fresh unique prefix and returns them. */
export async function testEnvironment(): Promise<TestEnvironment> {
  const endpoints = emulatorEndpoints();
  const clients = emulatorClients(endpoints);
  const prefix = `t-${randomBytes(5).toString('hex')}`;
  const names = resourceNames(prefix);
  await provision(clients, names);
  return { endpoints, clients, prefix, names };
}
