/**
 * The AWS implementation of the {@link Platform}, and the studentKey secret's rule.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { createAwsClients } from '../adapters/aws-clients.ts';
import { loadDistrictDirectory } from '../adapters/district-files.ts';
import { ssmCertificateChain } from '../adapters/kms-signer.ts';
import { loadStudentKeySecret } from '../adapters/secrets-manager-student-key.ts';
import { SesMailer } from '../adapters/ses-mailer.ts';
import { type AwsSigningMode, awsSigner } from '../adapters/short-lived-signer.ts';
import { SqsDeliveryQueue } from '../adapters/sqs-delivery-queue.ts';
import { SqsPostalNotifier } from '../adapters/sqs-postal-notifier.ts';
import { ENV, TABLE_ENV } from '../contract/environment.ts';
import type { CalendarOptions } from '../core/calendar.ts';
import type { DistrictDirectory } from '../core/district.ts';
import { launchPrinter } from '../render/chromium.ts';
import { awsLog, awsMetrics } from './aws-observability.ts';
import { profileTimestamping } from './aws-signing-trust.ts';
import { requireEnv } from './config.ts';
import { onceUntilFailure } from './lazy-handler.ts';
import type { Platform } from './platform.ts';

/**
 * The AWS platform of one Lambda container, from its environment (read once, here): AWS clients,
 * the KMS signer (a short-lived leaf or KMS per document) with its certificate chain from SSM, the bundled district profiles, SQS, SES,
 * Powertools logging and metrics. Each setting is checked when a part that needs it is first
 * built (at cold start, by buildPipeline), and a missing one throws naming the variable: each
 * function is given only the settings and permissions of its own parts.
 */
export function awsPlatform(environment: NodeJS.ProcessEnv = process.env): Platform {
  const env = { ...environment };
  const need = (name: string): string => requireEnv({ value: name }, env).value;
  const region = need('AWS_REGION');
  const clients = createAwsClients({ region });
  const districts = lazy(() => loadDistrictDirectory(need(ENV.districtsDir)));
  // Short-lived leaf when the KMS key's certificate is an issuing CA (one KMS call per
  // container), KMS per document otherwise or when a profile or IEP_SIGNING_MODE asks for it.
  const signer = onceUntilFailure(async () => {
    const made = await awsSigner({
      kms: new KMSClient({ region }),
      keyId: need(ENV.signingKeyId),
      chain: ssmCertificateChain(new SSMClient({ region }), need(ENV.signingCertificateParameter)),
      mode: signingMode(env[ENV.signingMode], districts()),
      onIssued: (leaf) => awsLog.info('short-lived signing certificate issued', { ...leaf }),
    });
    // At cold start: a certificate that does not hold the KMS key's public key fails here, by name.
    await made.certificates();
    return made;
  });
  const printer = onceUntilFailure(() => launchPrinter());
  const queue = lazy(() => new SqsDeliveryQueue(clients.sqs, need(ENV.deliveryQueueUrl)));
  const configurationSetName = env[ENV.sesConfigurationSet];
  const mailer = lazy(
    () => new SesMailer(clients.ses, configurationSetName ? { configurationSetName } : {}),
  );
  const postalQueueUrl = env[ENV.postalQueueUrl];
  const bucketName = () => need(ENV.documentsBucket);
  const postalNotifier = lazy(() =>
    postalQueueUrl ? new SqsPostalNotifier(clients.sqs, postalQueueUrl, bucketName()) : undefined,
  );
  return {
    clients,
    table: (name) => need(TABLE_ENV[name]),
    get bucket() {
      return need(ENV.documentsBucket);
    },
    get districts() {
      return districts();
    },
    signer,
    // The profiles' time-stamping authorities: documents and postal packets are B-T.
    trust: profileTimestamping(),
    printer,
    deliveryQueue: queue,
    mailer,
    postalNotifier,
    calendarOptions: () => deploymentCalendarOptions(env),
    downloadBaseUrl: () => need(ENV.downloadBaseUrl),
    clock: () => new Date(),
    log: awsLog,
    metrics: awsMetrics,
  };
}

/**
 * The deployment's signing mode: `IEP_SIGNING_MODE` when set, else KMS per document when any
 * profile asks for it (the stricter policy wins: one key signs for every district), else the
 * short-lived leaf.
 */
export function signingMode(
  override: string | undefined,
  districts: DistrictDirectory,
): AwsSigningMode {
  if (override === 'kms-per-document' || override === 'short-lived-leaf') return override;
  if (override) throw new Error(`IEP_SIGNING_MODE: unknown mode "${override}"`);
  const perDocument = districts.ids.some(
    (id) => districts.get(id).signing.mode === 'kms-per-document',
  );
  return perDocument ? 'kms-per-document' : 'short-lived-leaf';
}

/** `make`'s value, made on first use. */
function lazy<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
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
 * {@link studentKeyOptions} from the environment, read once per container (memoized; a failed
 * read fails this cold start and is retried by the next).
 */
function deploymentCalendarOptions(env: NodeJS.ProcessEnv): Promise<CalendarOptions> {
  studentKeyOnce ??= onceUntilFailure(() =>
    studentKeyOptions(
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
    ),
  );
  return studentKeyOnce();
}

let studentKeyOnce: (() => Promise<CalendarOptions>) | undefined;
