/**
 * The signing identity: an asymmetric RSA key whose private half never leaves KMS, and the SSM
 * parameter holding the certificate chain a certificate authority issued for it (PEM, signer
 * first). `iep-docs certificate` makes the CSR (or a self-signed test certificate) through KMS;
 * the operator stores the issued chain in the parameter.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRootPrincipal,
  type IGrantable,
  PolicyDocument,
  PolicyStatement,
} from 'aws-cdk-lib/aws-iam';
import { type CfnKey, Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { ParameterTier, StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ENV } from '../../functions/contract/environment.ts';

/** The parameter's value until a certificate is stored: the signer refuses to sign with it. */
export const CERTIFICATE_PLACEHOLDER = 'no certificate yet: run iep-docs certificate';

/**
 * The principal tag that lets an operator's role make a certificate request with the key
 * (`iep-docs certificate`): with IAM permission to kms:Sign, and only then.
 */
export const SIGNING_OPERATOR_TAG = 'iep-docs-signing-operator';

/**
 * What the account may do with the key without being named: administer it and read its public
 * key, never sign (kms:Sign is absent).
 */
const KEY_ADMINISTRATION = [
  'kms:Create*',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:Verify',
];

/** The KMS signing key and its certificate parameter. */
export class Signing extends Construct {
  readonly key: Key;
  readonly certificateParameter: StringParameter;
  /** The key policy: it names the roles that sign, instead of delegating kms:Sign to IAM. */
  readonly keyPolicy: PolicyDocument;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, 'SigningKey', {
      description: 'iep-docs PDF signing key (PAdES, RSASSA_PKCS1_V1_5_SHA_256)',
      keySpec: KeySpec.RSA_3072,
      keyUsage: KeyUsage.SIGN_VERIFY,
      // The key is the district's signing identity: losing it invalidates its certificate.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CDK's default key policy gives the account root kms:*, so any role an IAM policy allows
    // could sign as the district. This one replaces it (the Key construct's own policy
    // document is no longer used): the account administers, grantSign names each signer.
    this.keyPolicy = new PolicyDocument({
      statements: [
        new PolicyStatement({
          sid: 'KeyAdministration',
          principals: [new AccountRootPrincipal()],
          actions: KEY_ADMINISTRATION,
          resources: ['*'],
        }),
        new PolicyStatement({
          sid: 'CertificateRequestByTaggedOperator',
          principals: [new AccountRootPrincipal()],
          actions: ['kms:Sign'],
          resources: ['*'],
          conditions: { StringEquals: { [`aws:PrincipalTag/${SIGNING_OPERATOR_TAG}`]: 'true' } },
        }),
      ],
    });
    (this.key.node.defaultChild as CfnKey).keyPolicy = this.keyPolicy;
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
    this.keyPolicy.addStatements(
      new PolicyStatement({
        principals: [grantee.grantPrincipal],
        actions: ['kms:Sign'],
        resources: ['*'],
      }),
    );
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
