/**
 * The signer of an AWS function (KMS, with its certificate chain from SSM), a part of the
 * platform only the functions that sign import (their bundles alone hold the KMS and SSM
 * clients and the certificate code).
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ssmCertificateChain } from '../adapters/kms-signer.ts';
import { awsSigner } from '../adapters/short-lived-signer.ts';
import { ENV } from '../contract/environment.ts';
import type { DistrictDirectory } from '../core/district.ts';
import type { Signer } from '../render/ports.ts';
import { type AwsSettings, signingMode } from './aws.ts';
import { awsLog } from './aws-observability.ts';

/**
 * Short-lived leaf when the KMS key's certificate is an issuing CA (one KMS call per container),
 * KMS per document otherwise or when a profile or IEP_SIGNING_MODE asks for it. At cold start a
 * certificate that does not hold the KMS key's public key fails here, by name.
 */
export async function kmsSigner(
  { env, region, need }: AwsSettings,
  districts: DistrictDirectory,
): Promise<Signer> {
  const made = await awsSigner({
    kms: new KMSClient({ region }),
    keyId: need(ENV.signingKeyId),
    chain: ssmCertificateChain(new SSMClient({ region }), need(ENV.signingCertificateParameter)),
    mode: signingMode(env[ENV.signingMode], districts),
    onIssued: (leaf) => awsLog.info('short-lived signing certificate issued', { ...leaf }),
  });
  await made.certificates();
  return made;
}
