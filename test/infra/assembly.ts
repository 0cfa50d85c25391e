/**
 * One `cdk synth` per test run, shared by the test files that read the cloud assembly (synth
 * takes a minute on two cores). The global setup names the directory; the first file to ask
 * synthesizes into it under a lock, the others wait for its result.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { projectRoot } from './build-stack.ts';

/** What `cdk synth` left: the assembly directory, its exit status and error output. */
export interface Synthesized {
  readonly outdir: string;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** A spawn failure or the timeout (spawnSync then kills `cdk synth`). */
  readonly error?: { readonly message: string };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** The run's assembly, synthesized once (`npx cdk synth` as on a fresh clone). */
export async function synthesizedAssembly(timeoutMs = 360_000): Promise<Synthesized> {
  // An assembly already synthesized (and perhaps altered by hand), to run the tests on as is.
  const reused = process.env.IEP_TEST_ASSEMBLY;
  if (reused) return { outdir: reused, status: 0, stdout: '', stderr: '' };
  const outdir = inject('synthDir');
  const result = join(`${outdir}.result.json`);
  try {
    mkdirSync(`${outdir}.lock`);
  } catch {
    const deadline = Date.now() + timeoutMs;
    while (!existsSync(result)) {
      if (Date.now() > deadline) throw new Error(`no synth result in ${outdir} after waiting`);
      await sleep(500);
    }
    return JSON.parse(readFileSync(result, 'utf8')) as Synthesized;
  }
  // No AWS settings in the environment, the handlers of the tree bundled by the local esbuild,
  // the Chromium layer staged from node_modules.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(AWS_|CDK_)/.test(name)),
  );
  const synth = spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', outdir], {
    cwd: projectRoot,
    env,
    encoding: 'utf8',
    timeout: timeoutMs - 10_000,
  });
  const synthesized: Synthesized = {
    outdir,
    status: synth.status,
    stdout: synth.stdout ?? '',
    stderr: synth.stderr ?? '',
    ...(synth.error ? { error: { message: synth.error.message } } : {}),
  };
  writeFileSync(result, JSON.stringify(synthesized));
  return synthesized;
}
