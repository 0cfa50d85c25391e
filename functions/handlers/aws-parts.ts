/**
 * What every handler that renders builds at cold start in AWS, in one place: validated
 * configuration (a missing setting fails the cold start, naming it), the AWS clients, the KMS
 * signer, the district profiles and a warm printer. Imported lazily, so a handler's module
 * loads fast and tests that import `make…Handler` never start Chromium.
 */
import type { CalendarOptions } from '../core/calendar.ts';
import { onceUntilFailure } from '../platform/lazy-handler.ts';

export async function renderingParts<K extends string>(extra: Record<K, string>) {
  const { KMSClient } = await import('@aws-sdk/client-kms');
  const { SSMClient } = await import('@aws-sdk/client-ssm');
  const { createAwsClients } = await import('../adapters/aws-clients.ts');
  const { loadDistrictDirectory } = await import('../adapters/district-files.ts');
  const { ssmCertificateChain } = await import('../adapters/kms-signer.ts');
  const { awsSigner } = await import('../adapters/short-lived-signer.ts');
  const { launchPrinter } = await import('../render/chromium.ts');
  const { ENV, requireEnv } = await import('./config.ts');
  const { awsLog } = await import('../platform/aws-observability.ts');

  const config = requireEnv({
    region: 'AWS_REGION',
    bucket: ENV.documentsBucket,
    signingKeyId: ENV.signingKeyId,
    certificateParameter: ENV.signingCertificateParameter,
    districtsDir: ENV.districtsDir,
    ...extra,
  } as Record<
    K | 'region' | 'bucket' | 'signingKeyId' | 'certificateParameter' | 'districtsDir',
    string
  >);
  const log = awsLog;
  // Short-lived leaf when the KMS key's certificate is an issuing CA (one KMS call per
  // container), KMS per document otherwise or when IEP_SIGNING_MODE=kms-per-document.
  const signer = await awsSigner({
    kms: new KMSClient({ region: config.region }),
    keyId: config.signingKeyId,
    chain: ssmCertificateChain(
      new SSMClient({ region: config.region }),
      config.certificateParameter,
    ),
    mode: process.env.IEP_SIGNING_MODE,
    onIssued: (leaf) => log.info('short-lived signing certificate issued', { ...leaf }),
  });
  // At cold start: a certificate that does not hold the KMS key's public key fails here, by name.
  await signer.certificates();
  return {
    config,
    log,
    clients: createAwsClients({ region: config.region }),
    signer,
    districts: loadDistrictDirectory(config.districtsDir),
    printer: await launchPrinter(),
    clock: () => new Date(),
  };
}

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

/**
 * {@link studentKeyOptions} from the process environment, read once per container (memoized;
 * a failed read fails this cold start and is retried by the next).
 */
export const deploymentCalendarOptions = onceUntilFailure(async (): Promise<CalendarOptions> => {
  const { ENV } = await import('./config.ts');
  return studentKeyOptions(
    {
      arn: process.env[ENV.studentKeySecretArn],
      plain: process.env[ENV.studentKeySecret],
      inLambda: process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined,
    },
    async (arn) => {
      const { SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
      const { loadStudentKeySecret } = await import('../adapters/secrets-manager-student-key.ts');
      const client = new SecretsManagerClient({ region: process.env.AWS_REGION });
      try {
        return await loadStudentKeySecret(client, arn);
      } finally {
        client.destroy();
      }
    },
  );
});
