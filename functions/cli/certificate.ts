/**
 * `iep-docs certificate --key KEY --subject DN [--self-signed [--ca]] [--region R]`: through
 * KMS, a certificate signing request for the district's certificate authority (to be issued as
 * a subordinate issuing CA for the short-lived-leaf mode, or as a document-signing certificate
 * for KMS per document; docs/deploying.md), or a self-signed certificate for a test deployment
 * (`--ca`: a self-signed issuing CA). The private key never leaves KMS. PEM on stdout.
 */
import { parseArgs } from 'node:util';
import { kmsCertificate } from '../adapters/kms-certificate.ts';

interface Io {
  stdout(line: string): void;
  stderr(line: string): void;
  env: NodeJS.ProcessEnv;
}

export async function certificateCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      key: { type: 'string' },
      subject: { type: 'string' },
      'self-signed': { type: 'boolean', default: false },
      ca: { type: 'boolean', default: false },
      region: { type: 'string' },
      days: { type: 'string' },
    },
    strict: true,
  });
  if (values.ca && !values['self-signed']) {
    io.stderr(
      'iep-docs certificate: --ca goes with --self-signed (a CSR is issued as a CA by the district CA; see docs/deploying.md)',
    );
    return 3;
  }
  if (!values.key || !values.subject) {
    io.stderr(
      'iep-docs certificate: --key (the SigningKeyArn output) and --subject "CN=…, O=…, C=US" are required',
    );
    return 3;
  }
  const { KMSClient } = await import('@aws-sdk/client-kms');
  const region = values.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  const kms = new KMSClient(region ? { region } : {});
  try {
    const pem = await kmsCertificate({
      kms,
      keyId: values.key,
      subject: values.subject,
      kind: values['self-signed'] ? 'self-signed' : 'csr',
      ca: values.ca ?? false,
      now: new Date(),
      ...(values.days ? { validityDays: Number(values.days) } : {}),
    });
    io.stdout(pem.pem.trimEnd());
    return 0;
  } finally {
    kms.destroy();
  }
}
