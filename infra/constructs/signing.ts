/**
 * The signing identity: an asymmetric RSA key whose private half never leaves KMS, and the SSM
 * parameter holding the certificate chain a certificate authority issued for it (PEM, signer
 * first). `iep-docs certificate` makes the CSR (or a self-signed test certificate) through KMS;
 * the operator stores the issued chain in the parameter.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { ParameterTier, StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ENV } from '../env.ts';

/** The parameter's value until a certificate is stored: the signer refuses to sign with it. */
export const CERTIFICATE_PLACEHOLDER = 'no certificate yet: run iep-docs certificate';

/** The KMS signing key and its certificate parameter. */
export class Signing extends Construct {
  readonly key: Key;
  readonly certificateParameter: StringParameter;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, 'SigningKey', {
      description: 'iep-docs PDF signing key (PAdES, RSASSA_PKCS1_V1_5_SHA_256)',
      keySpec: KeySpec.RSA_3072,
      keyUsage: KeyUsage.SIGN_VERIFY,
      // The key is the district's signing identity: losing it invalidates its certificate.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.certificateParameter = new StringParameter(this, 'CertificateChain', {
      parameterName: `/${Stack.of(this).stackName}/signing/certificate-chain`,
      description: 'PEM certificate chain of the signing key, signer first (set after deploy)',
      stringValue: CERTIFICATE_PLACEHOLDER,
      // A chain of two or three RSA-3072 certificates outgrows the 4 KB standard tier.
      tier: ParameterTier.ADVANCED,
    });
  }

  /** Lets `grantee` sign with the key and read the certificate chain. */
  grantSign(grantee: IGrantable): void {
    this.key.grant(grantee, 'kms:Sign');
    this.certificateParameter.grantRead(grantee);
  }

  /** The environment a signing function reads. */
  environment(): Record<string, string> {
    return {
      [ENV.signingKeyId]: this.key.keyArn,
      [ENV.signingCertificateParameter]: this.certificateParameter.parameterName,
    };
  }
}
