/**
 * Vitest globalSetup: starts the emulators once for the whole run (DynamoDB Local in memory,
 * s3rver in a temporary directory, the SES emulator), provides their endpoints to every test
 * file (`inject('emulators')`, see ./environment.ts) and stops them when the run ends. It also
 * names the directory of the run's one `cdk synth` (`inject('synthDir')`, test/infra/assembly.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type EmulatorEndpoints, startEmulators } from '../../infra/local/emulators.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoints of the emulators shared by the whole test run. */
    emulators: EmulatorEndpoints;
    /** Where the run's one `cdk synth` goes, if a test asks for it (test/infra/assembly.ts). */
    synthDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stateDir = mkdtempSync(join(tmpdir(), 'iep-docs-test-'));
  const emulators = await startEmulators({ stateDir, fresh: true, inMemory: true });
  project.provide('emulators', emulators.endpoints);
  const synthDir = join(stateDir, 'cdk.out');
  project.provide('synthDir', synthDir);
  return async () => {
    await emulators.stop();
    rmSync(stateDir, { recursive: true, force: true });
  };
}
