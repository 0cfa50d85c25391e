/**
 * The S3 emulator (s3rver) ignores `If-None-Match: *` and would overwrite an object. The local
 * platform gives its S3 client this middleware, which answers a conditional put on an existing
 * key with the 412 PreconditionFailed that S3 returns, so the production adapter
 * (`S3DocumentStore.putOnce`) runs the production path against the emulator too. HEAD-then-PUT
 * is not atomic; the `documents` table's conditional write is the guard that holds on both.
 */
import { HeadObjectCommand, type PutObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';

const NAME = 'emulateConditionalPut';

/** Installs the emulation on an S3 client pointed at an emulator (once per client). */
export function emulateConditionalPut(s3: S3Client): void {
  if (s3.middlewareStack.identify().some((entry) => entry.startsWith(NAME))) return;
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Partial<PutObjectCommandInput>;
      if (context.commandName === 'PutObjectCommand' && input.IfNoneMatch === '*') {
        if (await exists(s3, input.Bucket as string, input.Key as string)) {
          throw Object.assign(
            new Error('At least one of the pre-conditions you specified did not hold'),
            { name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } },
          );
        }
      }
      return next(args);
    },
    { step: 'initialize', name: NAME },
  );
}

async function exists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 || (error as Error).name === 'NotFound') return false;
    throw error;
  }
}
