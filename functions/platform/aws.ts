/**
 * The AWS implementation of the {@link Platform}. Its heavy parts (the KMS signer, Chromium, the
 * district profiles, the studentKey secret) are given by each handler that uses them, so a
 * function's bundle holds only its own parts (the sizes are in docs/scale.md).
 */
import { createAwsClients } from '../adapters/aws-clients.ts';
import type { LongTermSigner } from '../adapters/chain-revocation.ts';
import { SesMailer } from '../adapters/ses-mailer.ts';
import type { AwsSigningMode } from '../adapters/short-lived-signer.ts';
import { SqsDeliveryQueue } from '../adapters/sqs-delivery-queue.ts';
import { SqsPostalNotifier } from '../adapters/sqs-postal-notifier.ts';
import { ENV, TABLE_ENV } from '../contract/environment.ts';
import type { CalendarOptions } from '../core/calendar.ts';
import type { DistrictDirectory } from '../core/district.ts';
import type { PdfPrinter, Signer } from '../render/ports.ts';
import { awsLog, awsMetrics } from './aws-observability.ts';
import { profileTimestamping } from './aws-signing-trust.ts';
import { requireEnv } from './config.ts';
import { onceUntilFailure } from './lazy-handler.ts';
import type { Platform } from './platform.ts';

/** A Lambda container's settings, as the platform's parts read them. */
export interface AwsSettings {
  readonly env: NodeJS.ProcessEnv;
  readonly region: string;
  /** The named variable's value; throws naming it when it is not set. */
  need(name: string): string;
}

/**
 * The parts of an AWS platform a handler gives when its use case needs them (a part not given
 * fails by name when asked for): each module is imported by the functions that use it only.
 */
export interface AwsPlatformParts {
  /**
   * The document signer (aws-signer.ts `kmsSigner`), given the profiles (their signing mode);
   * built once per container.
   */
  readonly signer?: (settings: AwsSettings, districts: DistrictDirectory) => Promise<Signer>;
  /** Chromium (render/chromium.ts `launchPrinter`); launched once per container. */
  readonly printer?: () => Promise<PdfPrinter>;
  /** The bundled district profiles (adapters/district-files.ts `loadDistrictDirectory`). */
  readonly districts?: (directory: string) => DistrictDirectory;
  /** The studentKey secret (aws-student-key.ts `secretsManagerStudentKey`); read once. */
  readonly calendarOptions?: (settings: AwsSettings) => Promise<CalendarOptions>;
}

/**
 * The AWS platform of one Lambda container, from its environment (read once, here): AWS clients,
 * SQS, SES, Powertools logging and metrics, and the {@link AwsPlatformParts} given. Each setting
 * is checked when a part that needs it is first built (at cold start, by the use case's
 * builder), and a missing one throws naming the variable: each function is given only the
 * settings and permissions of its own parts.
 */
export function awsPlatform(
  parts: AwsPlatformParts = {},
  environment: NodeJS.ProcessEnv = process.env,
): Platform {
  const env = { ...environment };
  const need = (name: string): string => requireEnv({ value: name }, env).value;
  const settings: AwsSettings = { env, region: need('AWS_REGION'), need };
  const clients = createAwsClients({ region: settings.region });
  const part = <K extends keyof AwsPlatformParts>(name: K): NonNullable<AwsPlatformParts[K]> => {
    const given = parts[name];
    if (!given) throw new Error(`this function's platform was built without its ${name} part`);
    return given;
  };
  const districts = lazy(() => part('districts')(need(ENV.districtsDir)));
  const signer = onceUntilFailure(async () => part('signer')(settings, districts()));
  const printer = onceUntilFailure(async () => part('printer')());
  const calendarOptions = onceUntilFailure(async () => part('calendarOptions')(settings));
  const queue = lazy(() => new SqsDeliveryQueue(clients.sqs, need(ENV.deliveryQueueUrl)));
  const configurationSetName = env[ENV.sesConfigurationSet];
  const mailer = lazy(
    () => new SesMailer(clients.ses, configurationSetName ? { configurationSetName } : {}),
  );
  const postalQueueUrl = env[ENV.postalQueueUrl];
  const postalNotifier = lazy(() =>
    postalQueueUrl
      ? new SqsPostalNotifier(clients.sqs, postalQueueUrl, need(ENV.documentsBucket))
      : undefined,
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
    // The profiles' time-stamping authorities and the signer's CRLs: documents, packets, B-LT.
    trust: profileTimestamping(undefined, async () => {
      // Type-only check: this module is in every bundle, the CRL code only in the signers'.
      const made: Partial<LongTermSigner> = await signer();
      return made.validationData ? made.validationData() : undefined;
    }),
    printer,
    deliveryQueue: queue,
    mailer,
    postalNotifier,
    calendarOptions,
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
