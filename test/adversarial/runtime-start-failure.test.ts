/**
 * A runtime that fails while starting, after Chromium was launched, must still exit (code 4),
 * not hang with a browser keeping the process alive. Found by the suite: a misspelt
 * IEP_FAILPOINT made `npm start` print its error and never exit.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rawSample } from '../fixtures/decisions.ts';
import { runRuntime, workFolder } from './support/runtime-child.ts';

describe('a runtime failing to start', () => {
  const folder = workFolder('iep-adv-start-');

  afterAll(() => {
    rmSync(folder.root, { recursive: true, force: true });
  });

  it('exits 4 with its reason once the browser is up, instead of hanging', async () => {
    // Prepare: one decision file (a pattern matching none is a usage error, exit 3, before any start).
    writeFileSync(join(folder.decisions, 'one.json'), JSON.stringify(rawSample()));

    // Act: the failpoint is read after the engine (and its Chromium) started.
    const run = await runRuntime({
      folder,
      fresh: true,
      env: { IEP_FAILPOINT: 'after-nothing' },
      timeoutMs: 45_000,
    });

    // Assess
    expect(run.signal).toBeNull();
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('IEP_FAILPOINT=after-nothing: expected one of');
  });
});
