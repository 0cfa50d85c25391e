#!/usr/bin/env node
// The `iep-docs` command: runs the TypeScript sources through tsx, so `npx iep-docs`
// works straight after `npm ci`, with no build step.
import { register } from 'tsx/esm/api';

// Lambda runs Node 22; on a Node 20 workstation the SDK's upgrade notice is noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
const { runCli } = await import('../functions/cli/main.ts');
// The composition root of the CLI: the commands that run the one-machine runtime or the
// benchmarks live outside functions/ (which never imports infra/), so they are handed in here.
const machine = {
  bench: async (args, io) => (await import('../bench/bench.ts')).runBench(args, io),
  regenerate: async (args, io) =>
    (await import('../infra/local/regenerate.ts')).regenerateCommand(args, io),
  overdue: async (args, io) => (await import('../infra/local/overdue.ts')).overdueLocal(args, io),
  responses: async (args, io) =>
    (await import('../infra/local/responses-cli.ts')).responsesLocal(args, io),
  safeguards: async (args, io) =>
    (await import('../infra/local/safeguards-cli.ts')).safeguardsLocal(args, io),
};
const code = await runCli(
  process.argv.slice(2),
  {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
  },
  undefined,
  machine,
);
process.exitCode = code;
