/**
 * s3rver, the S3 emulator of the one-machine runtime, with its object files written
 * atomically (see {@link writeAtomically}).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { onceAsync, type Started } from './started.ts';

const require = createRequire(import.meta.url);

/** The parts of s3rver's API used here (it ships no type definitions). */
interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  store: S3rverStore;
}

/** s3rver's filesystem store, as far as {@link writeAtomically} replaces it. */
interface S3rverStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  putObject(object: {
    bucket: string;
    key: string;
    content: Buffer | Readable;
    metadata: Record<string, string>;
  }): Promise<{ size: number; md5: string }>;
  putMetadata(
    bucket: string,
    key: string,
    metadata: Record<string, string>,
    md5?: string,
  ): Promise<void>;
}

/**
 * Writes a file under a temporary name, then renames it: readers see all of it or none.
 * Synchronous: small files into the page cache, where the thread-pool round trips of the async
 * calls cost more than the writes (docs/scale.md).
 */
function writeWhole(path: string, data: Buffer | string): void {
  const temporary = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  writeFileSync(temporary, data);
  renameSync(temporary, path);
}

/**
 * s3rver writes an object's file and then its metadata with plain writes: a process killed in
 * between (the crash suite kills the runtime, its emulators included, with SIGKILL) leaves a
 * truncated file that s3rver answers with 500 from then on. S3 stores an object atomically;
 * writing each file under a temporary name and renaming it, the object last, gives the emulator
 * the same. (Temporary names do not end in s3rver's object suffix, so listings skip them.)
 */
function writeAtomically(store: S3rverStore): void {
  // The metadata s3rver keeps: its allowed headers and the user's x-amz-meta-* entries.
  const { ALLOWED_METADATA } = require('s3rver/lib/models/object.js') as {
    ALLOWED_METADATA: string[];
  };
  store.putMetadata = async (bucket, key, metadata, md5) => {
    const kept = Object.fromEntries(
      Object.entries(metadata).filter(
        ([name]) => ALLOWED_METADATA.includes(name) || name.startsWith('x-amz-meta-'),
      ),
    );
    if (md5) writeWhole(store.getResourcePath(bucket, key, 'object.md5'), md5);
    writeWhole(store.getResourcePath(bucket, key, 'metadata.json'), JSON.stringify(kept));
  };
  store.putObject = async (object) => {
    const path = store.getResourcePath(object.bucket, object.key, 'object');
    mkdirSync(dirname(path), { recursive: true });
    let content: Buffer;
    if (Buffer.isBuffer(object.content)) content = object.content;
    else {
      const chunks: Buffer[] = [];
      for await (const chunk of object.content) chunks.push(chunk as Buffer);
      content = Buffer.concat(chunks);
    }
    const md5 = createHash('md5').update(content).digest('hex');
    const temporary = `${path}.tmp-${randomBytes(6).toString('hex')}`;
    writeFileSync(temporary, content);
    await store.putMetadata(object.bucket, object.key, object.metadata, md5);
    renameSync(temporary, path);
    return { size: content.length, md5 };
  };
}

type S3rverConstructor = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
}) => S3rverInstance;

/** s3rver on a free loopback port, its files written atomically. */
export async function startS3rver(directory: string): Promise<Started> {
  mkdirSync(directory, { recursive: true });
  const S3rver = require('s3rver') as S3rverConstructor;
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true });
  writeAtomically(server.store);
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: onceAsync(() => server.close()),
  };
}
