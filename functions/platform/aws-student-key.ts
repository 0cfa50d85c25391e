/**
 * The calendar's studentKey secret on AWS (Secrets Manager), a part of the platform only the
 * function that schedules reminders imports.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadStudentKeySecret } from '../adapters/secrets-manager-student-key.ts';
import { ENV } from '../contract/environment.ts';
import type { CalendarOptions } from '../core/calendar.ts';
import type { AwsSettings } from './aws.ts';

/** Where {@link studentKeyOptions} looks for the studentKey secret. */
export interface StudentKeyEnvironment {
  /** `STUDENT_KEY_SECRET_ARN`: the Secrets Manager secret (what the stack sets). */
  readonly arn?: string | undefined;
  /** `STUDENT_KEY_SECRET`: the key itself, for local and dev runs. */
  readonly plain?: string | undefined;
  /** Whether this runs in Lambda (`AWS_LAMBDA_FUNCTION_NAME` set). */
  readonly inLambda: boolean;
}

/**
 * The calendar options of this deployment: the studentKey secret from Secrets Manager when an
 * ARN is given (it wins), else the plain one. In Lambda without either it throws: the plain
 * SHA-256 key can be reversed by trying student ids, so AWS must never fall back to it.
 */
export async function studentKeyOptions(
  env: StudentKeyEnvironment,
  load: (arn: string) => Promise<string>,
): Promise<CalendarOptions> {
  if (env.arn) return { studentKeySecret: await load(env.arn) };
  if (env.plain) return { studentKeySecret: env.plain };
  if (env.inLambda)
    throw new Error(
      'no studentKey secret: set STUDENT_KEY_SECRET_ARN (the stack does) rather than store calendar entries under a reversible key',
    );
  return {};
}

/** {@link studentKeyOptions} from the function's environment (the platform reads it once). */
export function secretsManagerStudentKey({ env }: AwsSettings): Promise<CalendarOptions> {
  return studentKeyOptions(
    {
      arn: env[ENV.studentKeySecretArn],
      plain: env[ENV.studentKeySecret],
      inLambda: env.AWS_LAMBDA_FUNCTION_NAME !== undefined,
    },
    async (arn) => {
      const client = new SecretsManagerClient({ region: env.AWS_REGION });
      try {
        return await loadStudentKeySecret(client, arn);
      } finally {
        client.destroy();
      }
    },
  );
}
