/**
 * What every handler that renders builds at cold start in AWS, in one place: validated
 * configuration (a missing setting fails the cold start, naming it), the AWS clients, the KMS
 * signer, the district profiles and a warm printer. Imported lazily, so a handler's module
 * loads fast and tests that import `make…Handler` never start Chromium.
 */
import type { Context } from 'aws-lambda';

export async function renderingParts<K extends string>(extra: Record<K, string>) {
  const { Logger } = await import('@aws-lambda-powertools/logger');
  const { KMSClient } = await import('@aws-sdk/client-kms');
  const { SSMClient } = await import('@aws-sdk/client-ssm');
  const { createAwsClients } = await import('../adapters/aws-clients.ts');
  const { loadDistrictDirectory } = await import('../adapters/district-files.ts');
  const { KmsSigner, ssmCertificateChain } = await import('../adapters/kms-signer.ts');
  const { launchPrinter } = await import('../render/chromium.ts');
  const { ENV, requireEnv } = await import('./config.ts');
  const { powertoolsLog } = await import('./wiring.ts');

  const config = requireEnv({
    region: 'AWS_REGION',
    bucket: ENV.documentsBucket,
    signingKeyId: ENV.signingKeyId,
    certificateParameter: ENV.signingCertificateParameter,
    districtProfilesDir: ENV.districtProfilesDir,
    ...extra,
  } as Record<
    K | 'region' | 'bucket' | 'signingKeyId' | 'certificateParameter' | 'districtProfilesDir',
    string
  >);
  const signer = new KmsSigner({
    kms: new KMSClient({ region: config.region }),
    keyId: config.signingKeyId,
    certificateChain: ssmCertificateChain(
      new SSMClient({ region: config.region }),
      config.certificateParameter,
    ),
  });
  return {
    config,
    log: powertoolsLog(new Logger()),
    clients: createAwsClients({ region: config.region }),
    signer,
    districts: loadDistrictDirectory(config.districtProfilesDir),
    printer: await launchPrinter(),
    clock: () => new Date(),
  };
}

/** A handler built on its first event and reused; a failed build is retried on the next. */
export function lazyHandler<E, R>(
  build: () => Promise<(event: E, context?: Context) => Promise<R>>,
): (event: E, context?: Context) => Promise<R> {
  let ready: Promise<(event: E, context?: Context) => Promise<R>> | undefined;
  return async (event, context) => {
    ready ??= build().catch((error) => {
      ready = undefined;
      throw error;
    });
    return (await ready)(event, context);
  };
}
