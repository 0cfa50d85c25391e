/**
 * Runs a function of the cloud assembly as Lambda would: its bundled code from the asset
 * folder as the task root, its layers' `nodejs/node_modules` on the module path, the
 * environment of the synthesized template (references resolved to the emulators' resources),
 * the exec wrapper when the template names one, and the handler the template names, invoked
 * with AWS event shapes and a Lambda context in a child process of its own.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

type Value =
  | string
  | { Ref: string }
  | { 'Fn::GetAtt': [string, string] }
  | { 'Fn::Join': [string, Value[]] };

/** The part of a CloudFormation template the runner reads. */
export interface Template {
  Resources: Record<
    string,
    { Type: string; Properties: Record<string, any>; Metadata?: Record<string, string> }
  >;
}

/** What a reference resolves to; a reference it cannot resolve fails by name. */
export type Resolver = (logicalId: string, attribute?: string) => string;

/** A template value resolved (Ref, Fn::GetAtt, Fn::Join, pseudo parameters). */
export function resolveValue(value: Value, resolve: Resolver): string {
  if (typeof value === 'string') return value;
  if ('Ref' in value) {
    if (value.Ref === 'AWS::Region') return 'us-east-1';
    if (value.Ref === 'AWS::URLSuffix') return 'amazonaws.com';
    if (value.Ref === 'AWS::Partition') return 'aws';
    if (value.Ref === 'AWS::AccountId') return '000000000000';
    return resolve(value.Ref);
  }
  if ('Fn::GetAtt' in value) return resolve(value['Fn::GetAtt'][0], value['Fn::GetAtt'][1]);
  if ('Fn::Join' in value) {
    const [separator, parts] = value['Fn::Join'];
    return parts.map((part) => resolveValue(part, resolve)).join(separator);
  }
  throw new Error(`cannot resolve template value ${JSON.stringify(value)}`);
}

/** One function as the template defines it. */
export interface LambdaDefinition {
  readonly logicalId: string;
  readonly taskRoot: string;
  readonly handler: string;
  readonly layers: readonly string[];
  readonly environment: Record<string, string>;
}

/** Lambda mounts the code at /var/task: the template's paths there point into the asset. */
const TASK_ROOT = '/var/task';

/** Every function of the template, whose id contains `name`, with its environment resolved. */
export function lambdaDefinition(
  template: Template,
  outdir: string,
  name: string,
  resolve: Resolver,
): LambdaDefinition {
  const found = Object.entries(template.Resources).filter(
    ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.includes(name),
  );
  if (found.length !== 1) throw new Error(`${found.length} functions named like ${name}`);
  const [logicalId, fn] = found[0] as [string, Template['Resources'][string]];
  const assetPath = (r: { Metadata?: Record<string, string> }) => {
    const path = r.Metadata?.['aws:asset:path'];
    if (!path) throw new Error(`${logicalId}: no asset path in the template metadata`);
    return join(outdir, path);
  };
  const taskRoot = assetPath(fn);
  const layers = ((fn.Properties.Layers ?? []) as { Ref: string }[]).map((ref) => {
    const layer = template.Resources[ref.Ref];
    if (!layer) throw new Error(`${logicalId}: layer ${ref.Ref} not in the template`);
    return join(assetPath(layer), 'nodejs', 'node_modules');
  });
  const variables = (fn.Properties.Environment?.Variables ?? {}) as Record<string, Value>;
  const environment = Object.fromEntries(
    Object.entries(variables).map(([key, value]) => [
      key,
      resolveValue(value, resolve).replaceAll(TASK_ROOT, taskRoot),
    ]),
  );
  return { logicalId, taskRoot, handler: fn.Properties.Handler as string, layers, environment };
}

/**
 * The runtime's side: ES modules find the layers' packages (Lambda serves /opt/nodejs/
 * node_modules to `import` since Node.js 18; Node's own ESM resolver ignores NODE_PATH, so a
 * resolve hook does it here), the handler module is imported, each event is handled in turn.
 */
const BOOTSTRAP = `
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
const hooks = \`
import { pathToFileURL } from 'node:url';
let paths = [];
export function initialize(data) { paths = data.paths; }
export async function resolve(specifier, context, next) {
  try { return await next(specifier, context); } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || /^(\\\\.|\\\\/|node:|file:)/.test(specifier)) throw error;
    for (const dir of paths) {
      try { return await next(specifier, { ...context, parentURL: pathToFileURL(dir + '/../index.mjs').href }); } catch {}
    }
    throw error;
  }
}\`;
const paths = (process.env.NODE_PATH ?? '').split(':').filter(Boolean);
register('data:text/javascript,' + encodeURIComponent(hooks), import.meta.url, { data: { paths } });
const [taskRoot, handlerName] = process.argv.slice(2);
const [file, exported] = handlerName.split('.');
let input = '';
for await (const chunk of process.stdin) input += chunk;
const mod = await import(pathToFileURL(taskRoot + '/' + file + '.mjs').href);
if (typeof mod[exported] !== 'function') throw new Error('handler ' + handlerName + ' is not exported by ' + file + '.mjs');
for (const event of JSON.parse(input)) {
  const context = { functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, awsRequestId: crypto.randomUUID(),
    memoryLimitInMB: '2048', getRemainingTimeInMillis: () => 60000, callbackWaitsForEmptyEventLoop: true };
  const result = await mod[exported](event, context);
  process.stdout.write('\\nRESULT ' + JSON.stringify(result ?? null) + '\\n');
}
process.exit(0);
`;

/** What one run of a function gave: each event's result, and the process output. */
export interface LambdaRun {
  readonly results: unknown[];
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

/** Invokes `fn` with `events` in one new process (one cold start), as Lambda would. */
export function invokeLambda(
  fn: LambdaDefinition,
  events: readonly unknown[],
  runtimeEnvironment: Record<string, string>,
  bootstrapDir: string,
): Promise<LambdaRun> {
  const bootstrap = join(bootstrapDir, 'lambda-bootstrap.mjs');
  writeFileSync(bootstrap, BOOTSTRAP);
  const node = [process.execPath, bootstrap, fn.taskRoot, fn.handler];
  const wrapper = fn.environment.AWS_LAMBDA_EXEC_WRAPPER;
  // The runtime starts node with its own heap flags; the wrapper must drop them.
  const [command, ...args] = wrapper
    ? [wrapper, process.execPath, '--max-old-space-size=1792', ...node.slice(1)]
    : node;
  const child = spawn(command as string, args, {
    cwd: fn.taskRoot,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...runtimeEnvironment,
      ...fn.environment,
      LAMBDA_TASK_ROOT: fn.taskRoot,
      AWS_LAMBDA_FUNCTION_NAME: fn.logicalId,
      NODE_PATH: fn.layers.join(':'),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdin.end(JSON.stringify(events));
  return new Promise((done) => {
    child.on('close', (code) => {
      const results = stdout
        .split('\n')
        .filter((line) => line.startsWith('RESULT '))
        .map((line) => JSON.parse(line.slice('RESULT '.length)));
      done({ results, stdout, stderr, code });
    });
  });
}
