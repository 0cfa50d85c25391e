import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';

/** Static credentials (emulators accept any; s3rver insists on this key id). */
export interface StaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Where and how to reach AWS, or the emulators that play its part. */
export interface AwsClientConfig {
  readonly region: string;
  /** Endpoint overrides; each one set means "an emulator serves this service". */
  readonly endpoints?: {
    readonly dynamodb?: string;
    readonly s3?: string;
    readonly ses?: string;
    readonly sqs?: string;
  };
  /** Defaults to the SDK's provider chain on AWS, to {@link emulatorCredentials} with endpoints. */
  readonly credentials?: StaticCredentials;
  /**
   * Adapts the S3 client to an emulator's gaps (the local platform's business, e.g. s3rver's
   * missing conditional put); never set on AWS.
   */
  readonly prepareS3?: (s3: S3Client) => void;
}

/** The AWS SDK v3 clients the adapters use, built once per process. */
export interface AwsClients {
  readonly dynamodb: DynamoDBClient;
  /** Document client: plain JS values in and out; undefined attributes are dropped. */
  readonly documents: DynamoDBDocument;
  /** DynamoDB Streams (same endpoint as DynamoDB). */
  readonly dynamodbStreams: DynamoDBStreamsClient;
  readonly s3: S3Client;
  readonly ses: SESv2Client;
  readonly sqs: SQSClient;
  /** Closes every client's sockets. */
  destroy(): void;
}

/**
 * Dummy credentials for the local emulators. s3rver only accepts requests signed with
 * access key id `S3RVER`; DynamoDB Local (sharedDb) and the SES emulator accept anything.
 */
export const emulatorCredentials: StaticCredentials = {
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
};

/**
 * Builds every AWS client from one small config. With an endpoint override a client talks to
 * an emulator: static dummy credentials (unless given), S3 with path-style addressing and
 * checksums only where an operation requires them (emulators reject the SDK's default
 * aws-chunked CRC32 trailers).
 */
export function createAwsClients(config: AwsClientConfig): AwsClients {
  const endpoints = config.endpoints ?? {};
  const usesEmulator = Object.values(endpoints).some((endpoint) => endpoint !== undefined);
  const credentials = config.credentials ?? (usesEmulator ? emulatorCredentials : undefined);
  const base = (endpoint: string | undefined) => ({
    region: config.region,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(credentials === undefined ? {} : { credentials }),
  });

  const dynamodb = new DynamoDBClient(base(endpoints.dynamodb));
  const documents = DynamoDBDocument.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const dynamodbStreams = new DynamoDBStreamsClient(base(endpoints.dynamodb));
  const s3 = new S3Client({
    ...base(endpoints.s3),
    ...(endpoints.s3 === undefined
      ? {}
      : {
          forcePathStyle: true,
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        }),
  });
  config.prepareS3?.(s3);
  const ses = new SESv2Client(base(endpoints.ses));
  const sqs = new SQSClient(base(endpoints.sqs));

  return {
    dynamodb,
    documents,
    dynamodbStreams,
    s3,
    ses,
    sqs,
    destroy() {
      for (const client of [documents, dynamodb, dynamodbStreams, s3, ses, sqs]) {
        client.destroy();
      }
    },
  };
}
