import { createHash } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emulatorCredentials } from '../../functions/adapters/aws-clients.ts';
import { DocumentNotFound, S3DocumentStore } from '../../functions/adapters/s3-document-store.ts';
import { type TestEnvironment, testEnvironment } from '../support/environment.ts';

let env: TestEnvironment;

beforeEach(async () => {
  env = await testEnvironment();
});

afterEach(() => {
  env.clients.destroy();
});

function pdf(text: string) {
  const bytes = new TextEncoder().encode(`%PDF-1.7 ${text}`);
  return { bytes, sha256Hex: createHash('sha256').update(bytes).digest('hex') };
}

function store() {
  return new S3DocumentStore(env.clients.s3, env.names.buckets.documents);
}

describe('S3DocumentStore', () => {
  it('stores a document once and reads back its bytes, type, checksum and metadata', async () => {
    // Prepare
    const { bytes, sha256Hex } = pdf('iep');
    const documents = store();

    // Act
    const put = await documents.putOnce('district-1/decision-1/v1/iep-en.pdf', bytes, {
      contentType: 'application/pdf',
      sha256Hex,
      metadata: { documentId: 'doc-1' },
    });
    const read = await documents.get('district-1/decision-1/v1/iep-en.pdf');
    const head = await documents.head('district-1/decision-1/v1/iep-en.pdf');

    // Assess
    expect(put.created).toBe(true);
    expect(read).toEqual(bytes);
    expect(head).toMatchObject({
      contentType: 'application/pdf',
      contentLength: bytes.length,
      sha256Hex,
      metadata: { documentid: 'doc-1', sha256: sha256Hex },
    });
  });

  it('reports created: false and keeps the first bytes when the key is taken (the local platform answers If-None-Match as S3 does)', async () => {
    // Prepare
    const first = pdf('first');
    const second = pdf('second');
    const documents = store();
    const options = { contentType: 'application/pdf' };
    await documents.putOnce('d/1.pdf', first.bytes, { ...options, sha256Hex: first.sha256Hex });

    // Act
    const again = await documents.putOnce('d/1.pdf', second.bytes, {
      ...options,
      sha256Hex: second.sha256Hex,
    });

    // Assess
    expect(again).toEqual({ created: false });
    expect(await documents.get('d/1.pdf')).toEqual(first.bytes);
  });

  it('needs the emulation: a bare client to s3rver overwrites the key (so the test above can fail)', async () => {
    const bare = new S3Client({
      region: env.endpoints.region,
      endpoint: env.endpoints.s3,
      credentials: emulatorCredentials,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const documents = new S3DocumentStore(bare, env.names.buckets.documents);
    const options = { contentType: 'application/pdf' };
    const first = pdf('first');
    const second = pdf('second');
    await documents.putOnce('d/2.pdf', first.bytes, { ...options, sha256Hex: first.sha256Hex });
    const again = await documents.putOnce('d/2.pdf', second.bytes, {
      ...options,
      sha256Hex: second.sha256Hex,
    });
    bare.destroy();
    expect(again.created).toBe(true);
    expect(await store().get('d/2.pdf')).toEqual(second.bytes);
  });

  it('refuses a checksum that is not hex SHA-256', async () => {
    // Act / Assess
    await expect(
      store().putOnce('d/1.pdf', pdf('x').bytes, {
        contentType: 'application/pdf',
        sha256Hex: 'abc',
      }),
    ).rejects.toThrow('sha256Hex');
  });

  it('throws DocumentNotFound for a key that holds nothing', async () => {
    // Act / Assess
    await expect(store().get('d/missing.pdf')).rejects.toBeInstanceOf(DocumentNotFound);
    await expect(store().head('d/missing.pdf')).rejects.toBeInstanceOf(DocumentNotFound);
  });

  it('lists the documents under a prefix only', async () => {
    // Prepare
    const documents = store();
    const { bytes, sha256Hex } = pdf('list');
    for (const key of ['d1/v1/b.pdf', 'd1/v1/a.pdf', 'd1/v2/a.pdf', 'd2/v1/a.pdf']) {
      await documents.putOnce(key, bytes, { contentType: 'application/pdf', sha256Hex });
    }

    // Act
    const listed = await documents.list('d1/v1/');

    // Assess
    expect(listed.map((entry) => [entry.key, entry.size])).toEqual([
      ['d1/v1/a.pdf', bytes.length],
      ['d1/v1/b.pdf', bytes.length],
    ]);
  });

  it('presigns a GET URL that serves the document', async () => {
    // Prepare
    const documents = store();
    const { bytes, sha256Hex } = pdf('shared');
    await documents.putOnce('d/shared.pdf', bytes, { contentType: 'application/pdf', sha256Hex });

    // Act
    const url = await documents.presignGet('d/shared.pdf', 60);
    const response = await fetch(url);

    // Assess
    expect(url).toContain('X-Amz-Expires=60');
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
  });

  it('serves a presigned document no-store, as an attachment under a safe name', async () => {
    // Prepare
    const documents = store();
    const { bytes, sha256Hex } = pdf('attachment');
    await documents.putOnce('d/attachment.pdf', bytes, {
      contentType: 'application/pdf',
      sha256Hex,
    });

    // Act
    const url = await documents.presignGet('d/attachment.pdf', 60, {
      fileName: 'iep.es".pdf\r\nx-evil: 1',
    });
    const response = await fetch(url);

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="iep.es_.pdf__x-evil__1"',
    );
  });

  it('pins a presigned URL to the recorded S3 version', async () => {
    // Act
    const url = new URL(
      await store().presignGet('d/versioned.pdf', 60, { versionId: 'v-3HL4kqtJlcpXroDTDmJ' }),
    );

    // Assess: the signature covers the version; S3 then serves that version, never a later one.
    expect(url.searchParams.get('versionId')).toBe('v-3HL4kqtJlcpXroDTDmJ');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });
});
