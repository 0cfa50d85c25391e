/**
 * The services without an emulator here, answered over HTTP in their own JSON protocols so that
 * a bundle's real SDK clients reach them through AWS_ENDPOINT_URL_*: KMS (Sign, GetPublicKey of
 * one RSA key), SSM (GetParameter: the certificate chain), Secrets Manager (GetSecretValue)
 * and SQS (SendMessage, recorded).
 */
import { constants, createHash, createPublicKey, privateEncrypt } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testIdentity } from '../unit/signing/fixtures.ts';

/** DER prefix of a DigestInfo for SHA-256 (RFC 8017 §9.2 note 1). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/** The stand-ins' endpoint and what they were sent. */
export interface StandIns {
  readonly endpoint: string;
  /** SQS SendMessage bodies, by queue URL. */
  readonly sent: { queueUrl: string; body: string }[];
  /** Every target called, e.g. `TrentService.Sign`. */
  readonly calls: string[];
  close(): Promise<void>;
}

/** Starts the stand-ins: `parameters` and `secrets` by name or ARN. */
export async function startStandIns(options: {
  parameterName: string;
  secretArn: string;
  secret: string;
}): Promise<StandIns> {
  const identity = testIdentity({ commonName: 'Bundle test signer' });
  const { privateKey } = identity;
  const publicKey = createPublicKey(privateKey);
  const der = identity.certificates[0] as Buffer;
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;
  const sent: StandIns['sent'] = [];
  const calls: string[] = [];
  const answer = (target: string, input: Record<string, any>): [number, unknown] => {
    switch (target) {
      case 'TrentService.GetPublicKey':
        return [
          200,
          {
            KeyId: input.KeyId,
            PublicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
          },
        ];
      case 'TrentService.Sign': {
        const digest = Buffer.from(input.Message, 'base64');
        const signature = privateEncrypt(
          { key: privateKey, padding: constants.RSA_PKCS1_PADDING },
          Buffer.concat([SHA256_DIGEST_INFO, digest]),
        );
        return [
          200,
          {
            KeyId: input.KeyId,
            Signature: signature.toString('base64'),
            SigningAlgorithm: input.SigningAlgorithm,
          },
        ];
      }
      case 'AmazonSSM.GetParameter':
        return input.Name === options.parameterName
          ? [200, { Parameter: { Name: input.Name, Type: 'String', Value: pem, Version: 1 } }]
          : [400, { __type: 'ParameterNotFound', message: input.Name }];
      case 'secretsmanager.GetSecretValue':
        return input.SecretId === options.secretArn
          ? [200, { ARN: input.SecretId, Name: 'student-key', SecretString: options.secret }]
          : [400, { __type: 'ResourceNotFoundException', message: input.SecretId }];
      case 'AmazonSQS.SendMessage': {
        sent.push({ queueUrl: input.QueueUrl, body: input.MessageBody });
        const md5 = createHash('md5').update(input.MessageBody).digest('hex');
        return [200, { MessageId: `m-${sent.length}`, MD5OfMessageBody: md5 }];
      }
      default:
        return [400, { __type: 'UnknownOperationException', message: target }];
    }
  };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      calls.push(target);
      const [status, output] = answer(target, JSON.parse(body || '{}'));
      response.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        ...(status >= 400 ? { 'x-amzn-errortype': (output as { __type: string }).__type } : {}),
      });
      response.end(JSON.stringify(output));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    sent,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
