/**
 * The deployment's studentKey secret (the HMAC key of `studentKey`, functions/core/calendar.ts),
 * read from Secrets Manager. The stack generates it and hands the functions its ARN only, never
 * its value. The value is never logged and never put in an error message.
 */
import {
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
} from '@aws-sdk/client-secrets-manager';

/** The one call this adapter makes (a `SecretsManagerClient` fits; tests pass a fake). */
export interface SecretValueReader {
  send(command: GetSecretValueCommand): Promise<GetSecretValueCommandOutput>;
}

/** The studentKey secret could not be read: the calendar must not fall back to a plain hash. */
export class StudentKeySecretError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StudentKeySecretError';
  }
}

/**
 * The current value of the studentKey secret at `arn`. Throws {@link StudentKeySecretError}
 * (naming the ARN, never the value) when it cannot be read or is empty or binary.
 */
export async function loadStudentKeySecret(
  client: SecretValueReader,
  arn: string,
): Promise<string> {
  let output: GetSecretValueCommandOutput;
  try {
    output = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new StudentKeySecretError(`cannot read the studentKey secret ${arn} (${reason})`, {
      cause: error,
    });
  }
  const value = output.SecretString;
  if (typeof value !== 'string' || value === '')
    throw new StudentKeySecretError(`the studentKey secret ${arn} has no string value`);
  return value;
}
