/**
 * The documents bucket: signed PDFs stored once per key, read back, listed and shared through
 * short-lived presigned URLs.
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/** What putOnce stores besides the bytes. */
export interface PutDocumentOptions {
  readonly contentType: string;
  /** SHA-256 of the bytes, lower-case hex; sent as ChecksumSHA256 so S3 verifies the upload. */
  readonly sha256Hex: string;
  /** User metadata (x-amz-meta-*; S3 lower-cases the names): ids only, never student data. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Result of putOnce. */
export interface PutOnceResult {
  /** S3 version id (versioned bucket on AWS; absent on s3rver). */
  readonly versionId?: string;
  /** False when an object already existed under the key (it was left untouched). */
  readonly created: boolean;
}

/** What head returns about a stored document. */
export interface StoredDocumentHead {
  readonly contentType?: string;
  readonly contentLength?: number;
  readonly etag?: string;
  readonly versionId?: string;
  /** Hex SHA-256 as stored with the object (from user metadata `sha256`). */
  readonly sha256Hex?: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly lastModified?: Date;
}

/** One entry of a listing. */
export interface StoredDocumentSummary {
  readonly key: string;
  readonly size: number;
  readonly etag?: string;
  readonly lastModified?: Date;
}

/** Thrown by get/head when no object exists under the key. */
export class DocumentNotFound extends Error {
  override readonly name = 'DocumentNotFound';
  constructor(readonly key: string) {
    super(`no document under key ${key}`);
  }
}

/**
 * Write-once document storage in one S3 bucket.
 *
 * Write-once on AWS: putOnce sends `If-None-Match: *`, so S3 refuses to replace an existing
 * object (412 PreconditionFailed, reported as `created: false`). s3rver ignores conditional
 * headers: the local platform's S3 client answers for it (functions/platform/
 * emulated-conditional-put.ts). Callers also guard each key with a conditional DynamoDB write
 * (the `documents` table's `attribute_not_exists(documentId)`).
 */
export class S3DocumentStore {
  constructor(
    private readonly s3: S3Client,
    /** Physical bucket name. */
    readonly bucket: string,
  ) {}

  /** Stores bytes under key unless an object exists there already. */
  async putOnce(
    key: string,
    bytes: Uint8Array,
    options: PutDocumentOptions,
  ): Promise<PutOnceResult> {
    if (!/^[0-9a-f]{64}$/.test(options.sha256Hex)) {
      throw new Error('sha256Hex must be 64 lower-case hex digits');
    }
    try {
      const result = await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: bytes,
          ContentType: options.contentType,
          ChecksumSHA256: Buffer.from(options.sha256Hex, 'hex').toString('base64'),
          IfNoneMatch: '*',
          Metadata: { ...options.metadata, sha256: options.sha256Hex },
        }),
      );
      return { created: true, ...(result.VersionId ? { versionId: result.VersionId } : {}) };
    } catch (error) {
      if (isPreconditionFailed(error)) return { created: false };
      throw new Error(`store document ${key}`, { cause: error });
    }
  }

  /** The bytes stored under key; DocumentNotFound when there are none. */
  async get(key: string): Promise<Uint8Array> {
    try {
      const result = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!result.Body) throw new Error('empty response body');
      return await result.Body.transformToByteArray();
    } catch (error) {
      if (isNotFound(error)) throw new DocumentNotFound(key);
      throw new Error(`read document ${key}`, { cause: error });
    }
  }

  /** Metadata of the object under key; DocumentNotFound when there is none. */
  async head(key: string): Promise<StoredDocumentHead> {
    try {
      const result = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      const metadata = result.Metadata ?? {};
      return {
        contentType: result.ContentType,
        contentLength: result.ContentLength,
        etag: result.ETag,
        versionId: result.VersionId,
        sha256Hex: metadata.sha256,
        metadata,
        lastModified: result.LastModified,
      };
    } catch (error) {
      if (isNotFound(error)) throw new DocumentNotFound(key);
      throw new Error(`read document metadata ${key}`, { cause: error });
    }
  }

  /** Every object whose key starts with prefix, in key order. */
  async list(prefix: string): Promise<StoredDocumentSummary[]> {
    const entries: StoredDocumentSummary[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          ContinuationToken: continuationToken,
        }),
      );
      for (const item of page.Contents ?? []) {
        if (!item.Key) continue;
        entries.push({
          key: item.Key,
          size: item.Size ?? 0,
          etag: item.ETag,
          lastModified: item.LastModified,
        });
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
    return entries;
  }

  /**
   * A GET URL for key, valid for the given seconds (signed with the client's credentials):
   * pinned to `versionId` when given (the version recorded, not whatever is current), served
   * `no-store` (no shared or browser cache keeps an IEP) and as an attachment named `fileName`.
   */
  async presignGet(key: string, seconds: number, options: PresignOptions = {}): Promise<string> {
    const fileName = safeFileName(options.fileName ?? 'document.pdf');
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ...(options.versionId ? { VersionId: options.versionId } : {}),
      ResponseCacheControl: 'no-store',
      ResponseContentDisposition: `attachment; filename="${fileName}"`,
      ResponseContentType: 'application/pdf',
    });
    return getSignedUrl(this.s3, command, { expiresIn: seconds });
  }
}

/** Options of {@link S3DocumentStore.presignGet}. */
export interface PresignOptions {
  /** The S3 version recorded for the document. */
  versionId?: string;
  /** The name the browser saves the file under; reduced to {@link safeFileName}. */
  fileName?: string;
}

/**
 * A file name safe in a quoted Content-Disposition parameter and on any file system: ASCII
 * letters, digits, dot, dash and underscore only, at most 100 characters, never hidden.
 */
export function safeFileName(name: string): string {
  const safe = name
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^\.+/, '')
    .slice(0, 100);
  return safe === '' ? 'document.pdf' : safe;
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

function isPreconditionFailed(error: unknown): boolean {
  // A 409 ConditionalRequestConflict (concurrent write in flight) is not one: it is thrown, and
  // the retry then sees 412 or finds the key free.
  const name = error instanceof Error ? error.name : '';
  return name === 'PreconditionFailed' || httpStatus(error) === 412;
}

function isNotFound(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  return name === 'NoSuchKey' || name === 'NotFound' || httpStatus(error) === 404;
}
